package dev.porter.config;

import java.util.Optional;
import java.util.Set;

/**
 * What to do when a child exits with one of {@code codes}: {@code action} and/or run {@code exec}.
 */
public record ReturnCodeAction(Set<Integer> codes, Optional<Action> action, Optional<String> exec) {
  /** The exit actions of GNU pies' return-code statement that porter supports. */
  public enum Action {
    DISABLE,
    RESTART
  }
}
