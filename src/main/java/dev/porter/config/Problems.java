package dev.porter.config;

import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of one load, so that the user sees all of them at once. */
final class Problems {
  private record Problem(Origin origin, String text) {}

  private final Origins origins;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Warned> warnings = new ArrayList<>();

  private record Warned(Origin origin, PorterConfig.Warning warning) {}

  Problems(Origins origins) {
    this.origins = origins;
  }

  Origins origins() {
    return origins;
  }

  /** Records {@code FILE:LINE: key: message}. */
  void add(Origin at, String key, String message) {
    problems.add(new Problem(at, at + ": " + key + ": " + message));
  }

  void add(ConfigValue at, String key, String message) {
    add(origins.of(at.origin()), key, message);
  }

  /** Records a problem that has no key, such as a syntax error: {@code FILE:LINE: message}. */
  void addPlain(Origin at, String message) {
    problems.add(new Problem(at, at + ": " + message));
  }

  /**
   * Records a warning: something that works but is probably not meant (a link anyone may
   * establish); it fails nothing.
   */
  void warn(ConfigValue at, String key, String message) {
    Origin o = origins.of(at.origin());
    warnings.add(new Warned(o, new PorterConfig.Warning(o.toString(), key, message)));
  }

  /** The warnings recorded, sorted like problems. */
  List<PorterConfig.Warning> warnings() {
    List<Warned> sorted = new ArrayList<>(warnings);
    sorted.sort(order(Warned::origin));
    List<PorterConfig.Warning> out = new ArrayList<>();
    for (Warned w : sorted) if (!out.contains(w.warning())) out.add(w.warning());
    return List.copyOf(out);
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  int size() {
    return problems.size();
  }

  /** Throws every problem, sorted by file (in reading order) and line, when there is any. */
  void throwIfAny() throws ConfigException {
    if (problems.isEmpty()) return;
    List<String> lines = new ArrayList<>();
    for (Problem p : sorted(problems)) if (!lines.contains(p.text())) lines.add(p.text());
    throw new ConfigException(lines);
  }

  private List<Problem> sorted(List<Problem> list) {
    List<Problem> sorted = new ArrayList<>(list);
    sorted.sort(order(Problem::origin));
    return sorted;
  }

  // By file (in reading order), then line.
  private <T> Comparator<T> order(java.util.function.Function<T, Origin> at) {
    return Comparator.comparingInt((T t) -> origins.rank(at.apply(t)))
        .thenComparing(t -> at.apply(t).file())
        .thenComparingInt(t -> at.apply(t).line());
  }
}
