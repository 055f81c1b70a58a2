package dev.porter.supervisor;

/** porter could not start (e.g. a socket cannot be bound); the message says what and why. */
public final class StartException extends Exception {
  public StartException(String message) {
    super(message);
  }
}
