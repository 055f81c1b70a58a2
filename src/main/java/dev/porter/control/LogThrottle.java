package dev.porter.control;

/**
 * At most one log line per interval for one kind of event, counting the events it holds back so
 * that the next line can say how many there were. Time is an argument; one thread uses it.
 */
final class LogThrottle {
  private final long intervalNanos;
  private boolean logged;
  private long lastNanos;
  private long held;

  LogThrottle(long intervalNanos) {
    if (intervalNanos < 1) throw new IllegalArgumentException("interval must be positive, got " + intervalNanos);
    this.intervalNanos = intervalNanos;
  }

  /**
   * Records one event at {@code nowNanos}: -1 when it is to go unlogged; otherwise its line may
   * be written, and the result is how many events were held back since the last line.
   */
  long admit(long nowNanos) {
    if (logged && nowNanos - lastNanos < intervalNanos) {
      held++;
      return -1;
    }
    logged = true;
    lastNanos = nowNanos;
    long n = held;
    held = 0;
    return n;
  }
}
