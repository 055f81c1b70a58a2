package dev.porter.config;

import java.util.List;

/**
 * A configuration that cannot work; carries every problem found, each already formatted as {@code
 * FILE:LINE: key: what is wrong} (or, from {@link Endpoint#parse}, just what is wrong).
 */
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) throw new IllegalArgumentException("a ConfigException needs a problem");
    this.problems = List.copyOf(problems);
  }

  public ConfigException(Origin origin, String key, String message) {
    this(List.of(origin + ": " + key + ": " + message));
  }

  /** One problem without a position, e.g. a malformed URL given on the command line. */
  public ConfigException(String message) {
    this(List.of(message));
  }

  /** Every problem, one line each, sorted by file and line. */
  public List<String> problems() {
    return problems;
  }
}
