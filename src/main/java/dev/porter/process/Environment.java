package dev.porter.process;

import dev.porter.config.EnvSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds a child's environment from a component's {@code env} statement (pies semantics), porter's
 * own environment and the caller's extra variables (the socket environment).
 *
 * <p>In order: start from porter's environment, or from nothing with {@code clear}, keeping the
 * names matching {@code keep}; then {@code set}, each value expanded ({@code $VAR}, {@code
 * ${VAR:-word}}) against the environment built so far, as pies does (so {@code PATH =
 * "$PATH:/opt/bin"} works); then {@code unset}; then the extras. {@code keep} and {@code unset}
 * entries are names or globs with {@code *} and {@code ?}.
 */
public final class Environment {
  private Environment() {}

  /** The child's environment as {@code NAME=VALUE} entries, sorted by name. */
  public static List<String> build(
      EnvSpec spec, Map<String, String> porterEnv, Map<String, String> extra) {
    Map<String, String> env = new TreeMap<>();
    if (spec.clear()) {
      List<Pattern> keep = patterns(spec.keep());
      porterEnv.forEach(
          (k, v) -> {
            if (matchesAny(k, keep)) env.put(k, v);
          });
    } else {
      env.putAll(porterEnv);
    }
    spec.set().forEach((k, v) -> env.put(k, Expansion.expand(v, env)));
    List<Pattern> unset = patterns(spec.unset());
    env.keySet().removeIf(k -> matchesAny(k, unset));
    env.putAll(extra);
    List<String> out = new ArrayList<>(env.size());
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  /** {@link #build} against porter's real environment, {@link System#getenv()}. */
  public static List<String> build(EnvSpec spec, Map<String, String> extra) {
    return build(spec, new LinkedHashMap<>(System.getenv()), extra);
  }

  private static List<Pattern> patterns(List<String> globs) {
    List<Pattern> out = new ArrayList<>(globs.size());
    for (String g : globs) out.add(glob(g));
    return out;
  }

  private static boolean matchesAny(String name, List<Pattern> patterns) {
    for (Pattern p : patterns) {
      if (p.matcher(name).matches()) return true;
    }
    return false;
  }

  /** {@code *} any run of characters, {@code ?} one character, everything else literal. */
  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
