package dev.porter.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads of HOCON values. Each read either returns the value or records a problem at the
 * value's position and returns empty, so that reading goes on and every problem is reported.
 */
final class Values {
  private final Problems problems;

  Values(Problems problems) {
    this.problems = problems;
  }

  Problems problems() {
    return problems;
  }

  Origin origin(ConfigValue v) {
    return problems.origins().of(v.origin());
  }

  void problem(ConfigValue at, String key, String message) {
    problems.add(at, key, message);
  }

  /** Records an unknown key of {@code obj} for each key not in {@code known}, with a hint. */
  void rejectUnknownKeys(ConfigObject obj, String prefix, Collection<String> known) {
    for (String k : sortedKeys(obj)) {
      if (!known.contains(k)) {
        problem(obj.get(k), prefix + k, "unknown key \"" + k + "\"" + Suggest.didYouMean(k, known));
      }
    }
  }

  /** The keys of {@code obj} in the order they were declared. */
  List<String> sortedKeys(ConfigObject obj) {
    List<String> keys = new ArrayList<>(obj.keySet());
    keys.sort(
        Comparator.comparingInt((String k) -> problems.origins().rank(origin(obj.get(k))))
            .thenComparingInt(k -> origin(obj.get(k)).line())
            .thenComparing(k -> k));
    return keys;
  }

  /** A scalar as text: strings as they are, numbers and booleans as written. */
  Optional<String> string(ConfigValue v, String key) {
    switch (v.valueType()) {
      case STRING:
        return Optional.of((String) v.unwrapped());
      case NUMBER:
      case BOOLEAN:
        return Optional.of(v.atKey("v").getString("v"));
      default:
        problem(v, key, "must be a string, got " + describe(v));
        return Optional.empty();
    }
  }

  /** A non-empty string without white space or control characters (names, users, services). */
  Optional<String> word(ConfigValue v, String key) {
    Optional<String> s = string(v, key);
    if (s.isEmpty()) return s;
    String t = s.get();
    if (t.isEmpty()) {
      problem(v, key, "must not be empty");
      return Optional.empty();
    }
    if (!t.chars().allMatch(c -> c > ' ' && c != 127)) {
      problem(v, key, "must not contain spaces or control characters, got \"" + t + "\"");
      return Optional.empty();
    }
    return s;
  }

  /** A non-empty path. */
  Optional<Path> path(ConfigValue v, String key) {
    Optional<String> s = string(v, key);
    if (s.isEmpty()) return Optional.empty();
    if (s.get().isBlank() || s.get().indexOf('\0') >= 0) {
      problem(v, key, "must be a path, got \"" + s.get() + "\"");
      return Optional.empty();
    }
    return Optional.of(Path.of(s.get()));
  }

  Optional<Boolean> bool(ConfigValue v, String key) {
    if (v.valueType() == ConfigValueType.BOOLEAN) return Optional.of((Boolean) v.unwrapped());
    if (v.valueType() == ConfigValueType.STRING) {
      String s = ((String) v.unwrapped()).toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("yes") || s.equals("on")) return Optional.of(true);
      if (s.equals("false") || s.equals("no") || s.equals("off")) return Optional.of(false);
    }
    problem(v, key, "must be true or false, got " + describe(v));
    return Optional.empty();
  }

  /** A whole number of at least {@code min}; numeric strings count (HOCON converts them). */
  Optional<Long> number(ConfigValue v, String key, long min) {
    Long n = null;
    if (v.valueType() == ConfigValueType.NUMBER) {
      Object u = v.unwrapped();
      if (u instanceof Integer || u instanceof Long) n = ((Number) u).longValue();
    } else if (v.valueType() == ConfigValueType.STRING) {
      try {
        n = Long.parseLong(((String) v.unwrapped()).trim());
      } catch (NumberFormatException e) {
        n = null;
      }
    }
    if (n == null) {
      problem(v, key, "must be a whole number, got " + describe(v));
      return Optional.empty();
    }
    if (n < min) {
      problem(v, key, "must be at least " + min + ", got " + n);
      return Optional.empty();
    }
    return Optional.of(n);
  }

  Optional<Integer> intAtLeast(ConfigValue v, String key, int min) {
    Optional<Long> n = number(v, key, min);
    if (n.isEmpty()) return Optional.empty();
    if (n.get() > Integer.MAX_VALUE) {
      problem(v, key, "must be at most " + Integer.MAX_VALUE + ", got " + n.get());
      return Optional.empty();
    }
    return Optional.of(n.get().intValue());
  }

  /**
   * A duration with a unit ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}); a bare {@code 0}
   * is zero.
   */
  Optional<Duration> duration(ConfigValue v, String key) {
    if (v.valueType() == ConfigValueType.NUMBER) {
      if (((Number) v.unwrapped()).doubleValue() == 0) return Optional.of(Duration.ZERO);
      problem(
          v, key, "a duration needs a unit, e.g. \"" + v.unwrapped() + "s\", got " + describe(v));
      return Optional.empty();
    }
    if (v.valueType() != ConfigValueType.STRING) {
      problem(v, key, "must be a duration such as \"10s\", got " + describe(v));
      return Optional.empty();
    }
    String s = ((String) v.unwrapped()).trim();
    if (s.equals("0")) return Optional.of(Duration.ZERO);
    if (s.isEmpty() || !Character.isLetter(s.charAt(s.length() - 1))) {
      problem(v, key, "a duration needs a unit (ms, s, m, h, d), got \"" + s + "\"");
      return Optional.empty();
    }
    Duration d;
    try {
      d = ConfigValueFactory.fromAnyRef(s).atKey("d").getDuration("d");
    } catch (com.typesafe.config.ConfigException e) {
      problem(v, key, "not a duration: \"" + s + "\" (e.g. 500ms, 10s, 5m, 1h)");
      return Optional.empty();
    }
    if (d.isNegative()) {
      problem(v, key, "must not be negative, got \"" + s + "\"");
      return Optional.empty();
    }
    return Optional.of(d);
  }

  Optional<ConfigObject> object(ConfigValue v, String key) {
    if (v.valueType() == ConfigValueType.OBJECT) return Optional.of((ConfigObject) v);
    problem(v, key, "must be an object { ... }, got " + describe(v));
    return Optional.empty();
  }

  Optional<ConfigList> list(ConfigValue v, String key) {
    if (v.valueType() == ConfigValueType.LIST) return Optional.of((ConfigList) v);
    problem(v, key, "must be a list [ ... ], got " + describe(v));
    return Optional.empty();
  }

  /** A list of words; with {@code singleOk}, one word alone stands for a list of one. */
  Optional<List<String>> words(ConfigValue v, String key, boolean singleOk) {
    if (singleOk && v.valueType() == ConfigValueType.STRING) return word(v, key).map(List::of);
    Optional<ConfigList> l = list(v, key);
    if (l.isEmpty()) return Optional.empty();
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (ConfigValue e : l.get()) {
      Optional<String> w = word(e, key);
      if (w.isPresent()) out.add(w.get());
      else ok = false;
    }
    return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
  }

  /** A list of strings (list elements may be any scalar). */
  Optional<List<String>> strings(ConfigValue v, String key) {
    Optional<ConfigList> l = list(v, key);
    if (l.isEmpty()) return Optional.empty();
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (ConfigValue e : l.get()) {
      Optional<String> s = string(e, key);
      if (s.isPresent()) out.add(s.get());
      else ok = false;
    }
    return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
  }

  /** One of {@code choices} (keys as written in the configuration), with a hint when misspelt. */
  <E> Optional<E> choice(ConfigValue v, String key, String what, Map<String, E> choices) {
    Optional<String> s = string(v, key);
    if (s.isEmpty()) return Optional.empty();
    E e = choices.get(s.get().toLowerCase(Locale.ROOT));
    if (e == null) {
      String hint = Suggest.didYouMean(s.get(), choices.keySet());
      if (hint.isEmpty()) hint = " (one of: " + String.join(", ", choices.keySet()) + ")";
      problem(v, key, "unknown " + what + " \"" + s.get() + "\"" + hint);
      return Optional.empty();
    }
    return Optional.of(e);
  }

  /** A socket URL of one of the {@code allowed} schemes. */
  Optional<Endpoint> endpoint(ConfigValue v, String key, Set<Endpoint.Scheme> allowed) {
    Optional<String> s = string(v, key);
    if (s.isEmpty()) return Optional.empty();
    Endpoint e;
    try {
      e = Endpoint.parse(s.get());
    } catch (ConfigException ex) {
      problem(v, key, ex.getMessage());
      return Optional.empty();
    }
    if (!allowed.contains(e.scheme())) {
      List<String> names = new ArrayList<>();
      for (Endpoint.Scheme sc : Endpoint.Scheme.values()) {
        if (allowed.contains(sc)) names.add(sc.name().toLowerCase(Locale.ROOT) + "://");
      }
      String article = names.get(0).startsWith("inet") ? "an " : "a ";
      problem(
          v,
          key,
          "must be " + article + String.join(" or ", names) + " URL, got \"" + e.text() + "\"");
      return Optional.empty();
    }
    return Optional.of(e);
  }

  /** How a wrong value is named in a message: {@code a list}, {@code the number 5}, ... */
  static String describe(ConfigValue v) {
    switch (v.valueType()) {
      case OBJECT:
        return "an object";
      case LIST:
        return "a list";
      case NULL:
        return "null";
      case NUMBER:
        return "the number " + v.render();
      case BOOLEAN:
        return "the boolean " + v.render();
      case STRING:
        return "the string " + v.render();
      default:
        return v.valueType().name().toLowerCase(Locale.ROOT);
    }
  }
}
