package dev.porter.supervisor;

/** porter could not start (e.g. a socket cannot be bound); the message says what and why. */
public final class StartException extends Exception {
  private final java.util.List<String> reasons;

  public StartException(String message) {
    this(java.util.List.of(message));
  }

  /** Several reasons at once (every socket a reload could not bind); the message joins them. */
  public StartException(java.util.List<String> reasons) {
    super(String.join("; ", reasons));
    this.reasons = java.util.List.copyOf(reasons);
  }

  /** Each reason on its own, for one log line and one reply line each. */
  public java.util.List<String> reasons() {
    return reasons;
  }
}
