package dev.porter.control;

/**
 * Lets through one log line of a kind per {@link #INTERVAL_NANOS} and counts the ones held back,
 * so that a peer repeating what it does cannot fill the log. Time is an argument.
 */
final class LogThrottle {
  /** One line per kind every 10 s: enough to see that it goes on, few enough to read the rest. */
  static final long INTERVAL_NANOS = 10_000_000_000L;

  private long last;
  private boolean started;
  private long held;

  /**
   * Whether a line may be logged at {@code nowNanos}; -1 when not (it is counted), else how many
   * were held back since the last one (0 the first time).
   */
  long admit(long nowNanos) {
    if (started && nowNanos - last < INTERVAL_NANOS) {
      held++;
      return -1;
    }
    started = true;
    last = nowNanos;
    long n = held;
    held = 0;
    return n;
  }
}
