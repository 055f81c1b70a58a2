package dev.porter.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.porter.acl.Acl;
import dev.porter.acl.AclException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The named ACLs ({@code acls { NAME = [rules] }}, pies' {@code defacl}), parsed in dependency
 * order so that {@code allow acl NAME} can refer to another list; reference cycles are refused.
 */
final class AclTable {
  private final Values values;
  private final Map<String, ConfigList> declared = new LinkedHashMap<>();
  private final Map<String, Acl> parsed = new HashMap<>();
  // Lists that failed (reported once): references to them are not reported again.
  private final Set<String> broken = new HashSet<>();

  private AclTable(Values values) {
    this.values = values;
  }

  static AclTable read(Optional<ConfigValue> acls, Values values) {
    AclTable t = new AclTable(values);
    if (acls.isEmpty()) return t;
    Optional<ConfigObject> obj = values.object(acls.get(), "acls");
    if (obj.isEmpty()) return t;
    for (String name : values.sortedKeys(obj.get())) {
      ConfigValue v = obj.get().get(name);
      Optional<ConfigList> list = values.list(v, "acls." + name);
      if (list.isPresent()) t.declared.put(name, list.get());
      else t.broken.add(name);
    }
    t.refuseCycles();
    for (String name : t.declared.keySet()) t.resolve(name);
    return t;
  }

  Set<String> names() {
    return declared.keySet();
  }

  /**
   * An ACL as a component or the global {@code acl} gives it: a name of {@code acls}, or inline
   * rules.
   */
  Optional<Acl> acl(ConfigValue v, String key) {
    if (v.valueType() == ConfigValueType.LIST) return parseRules((ConfigList) v, key);
    if (v.valueType() == ConfigValueType.STRING && ((String) v.unwrapped()).trim().contains(" ")) {
      values.problem(
          v,
          key,
          "an ACL is a name from acls or a list of rules: put rules in brackets, e.g. "
              + key.substring(key.lastIndexOf('.') + 1)
              + " = [ \""
              + ((String) v.unwrapped()).trim()
              + "\" ]");
      return Optional.empty();
    }
    Optional<String> name = values.word(v, key);
    if (name.isEmpty()) return Optional.empty();
    if (parsed.containsKey(name.get())) return Optional.of(parsed.get(name.get()));
    if (!broken.contains(name.get())) {
      values.problem(
          v,
          key,
          "unknown ACL \""
              + name.get()
              + "\""
              + Suggest.didYouMean(name.get(), declared.keySet())
              + (declared.isEmpty() ? " (define it under acls)" : ""));
    }
    return Optional.empty();
  }

  /**
   * The text of every named ACL that {@code v} (a component's {@code acl}) uses, directly or
   * through references, so that a change to one of them changes the component's fingerprint.
   */
  String usedText(ConfigValue v) {
    Set<String> used = new TreeSet<>();
    if (v.valueType() == ConfigValueType.LIST) {
      for (String ref : references((ConfigList) v)) collect(ref, used);
    } else if (v.valueType() == ConfigValueType.STRING) {
      collect((String) v.unwrapped(), used);
    }
    StringBuilder sb = new StringBuilder();
    for (String n : used) {
      sb.append("acls.")
          .append(n)
          .append('=')
          .append(declared.get(n).render(ConfigRenderOptions.concise()))
          .append('\n');
    }
    return sb.toString();
  }

  private void collect(String name, Set<String> out) {
    if (!declared.containsKey(name) || !out.add(name)) return;
    for (String ref : references(declared.get(name))) collect(ref, out);
  }

  // "allow acl NAME" / "deny acl NAME": the names a list refers to.
  private static List<String> references(ConfigList rules) {
    List<String> refs = new ArrayList<>();
    for (ConfigValue r : rules) {
      if (r.valueType() != ConfigValueType.STRING) continue;
      String[] w = ((String) r.unwrapped()).trim().split("\\s+");
      if (w.length == 3 && w[1].equalsIgnoreCase("acl")) refs.add(w[2]);
    }
    return refs;
  }

  private void refuseCycles() {
    Function<String, List<String>> refs = name -> references(declared.get(name));
    for (List<String> cycle : Cycles.find(declared.keySet(), refs)) {
      values.problem(
          declared.get(cycle.get(0)),
          "acls." + cycle.get(0),
          Cycles.describe("ACL reference", cycle));
      broken.addAll(cycle);
    }
  }

  private void resolve(String name) {
    if (parsed.containsKey(name) || broken.contains(name)) return;
    ConfigList rules = declared.get(name);
    for (String ref : references(rules)) {
      if (declared.containsKey(ref)) resolve(ref);
    }
    Optional<Acl> acl = parseRules(rules, "acls." + name);
    if (acl.isPresent()) parsed.put(name, acl.get());
    else broken.add(name);
  }

  // Rule by rule, so that each problem carries the line of its rule.
  private Optional<Acl> parseRules(ConfigList rules, String key) {
    List<String> lines = new ArrayList<>();
    boolean ok = true;
    for (ConfigValue r : rules) {
      Optional<String> line = values.string(r, key);
      if (line.isEmpty()) {
        ok = false;
        continue;
      }
      String[] w = line.get().trim().split("\\s+");
      if (w.length == 3 && w[1].equalsIgnoreCase("acl") && !declared.containsKey(w[2])) {
        values.problem(
            r,
            key,
            "unknown ACL \""
                + w[2]
                + "\" in rule \""
                + line.get().trim()
                + "\""
                + Suggest.didYouMean(w[2], declared.keySet()));
        ok = false;
        continue;
      }
      try {
        Acl.parse(List.of(line.get()), this::lookup);
        lines.add(line.get());
      } catch (AclException e) {
        values.problem(r, key, e.getMessage());
        ok = false;
      }
    }
    if (!ok) return Optional.empty();
    try {
      return Optional.of(Acl.parse(lines, this::lookup));
    } catch (AclException e) {
      values.problem(rules, key, e.getMessage());
      return Optional.empty();
    }
  }

  // A broken list stands in as allow-all: the load fails anyway, and its problem is already
  // reported.
  private Optional<Acl> lookup(String name) {
    if (parsed.containsKey(name)) return Optional.of(parsed.get(name));
    if (broken.contains(name)) return Optional.of(Acl.ALLOW_ALL);
    return Optional.empty();
  }
}
