package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Components ordered so that each comes after its prerequisites (configuration refuses cycles). */
final class StartOrder {
  private StartOrder() {}

  static List<ComponentSpec> of(List<ComponentSpec> specs) {
    Map<String, ComponentSpec> byName = new LinkedHashMap<>();
    for (ComponentSpec s : specs) byName.put(s.name(), s);
    List<ComponentSpec> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (ComponentSpec s : specs) visit(s, byName, done, new HashSet<>(), out);
    return out;
  }

  private static void visit(ComponentSpec s, Map<String, ComponentSpec> byName, Set<String> done,
      Set<String> path, List<ComponentSpec> out) {
    if (done.contains(s.name())) return;
    if (!path.add(s.name())) throw new IllegalStateException("prerequisite cycle through " + s.name());
    for (String p : s.prerequisites()) {
      ComponentSpec pre = byName.get(p);
      if (pre != null) visit(pre, byName, done, path, out);
    }
    done.add(s.name());
    out.add(s);
  }

  /** The components that depend on {@code name}, directly or not, dependents' dependents first. */
  static List<String> dependentsOf(String name, List<ComponentSpec> specs) {
    List<String> out = new ArrayList<>();
    collect(name, specs, out);
    return out;
  }

  private static void collect(String name, List<ComponentSpec> specs, List<String> out) {
    for (ComponentSpec s : specs) {
      if (s.prerequisites().contains(name) && !out.contains(s.name())) {
        collect(s.name(), specs, out);
        out.add(s.name());
      }
    }
  }
}
