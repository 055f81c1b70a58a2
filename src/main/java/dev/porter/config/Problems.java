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

  boolean isEmpty() {
    return problems.isEmpty();
  }

  int size() {
    return problems.size();
  }

  /** Throws every problem, sorted by file (in reading order) and line, when there is any. */
  void throwIfAny() throws ConfigException {
    if (problems.isEmpty()) return;
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparingInt((Problem p) -> origins.rank(p.origin()))
        .thenComparing(p -> p.origin().file())
        .thenComparingInt(p -> p.origin().line()));
    List<String> lines = new ArrayList<>();
    for (Problem p : sorted) if (!lines.contains(p.text())) lines.add(p.text());
    throw new ConfigException(lines);
  }
}
