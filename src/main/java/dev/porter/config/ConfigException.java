package dev.porter.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot work; carries every problem found, each already formatted as
 * {@code FILE:LINE: key: what is wrong}.
 */
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(problems.stream().collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(Origin origin, String key, String message) {
    this(List.of(origin + ": " + key + ": " + message));
  }

  /** Every problem, one line each, in the order found. */
  public List<String> problems() {
    return problems;
  }
}
