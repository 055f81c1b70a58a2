package dev.porter.net;

/**
 * At most one log line per interval for one kind of event, counting the events it holds back so
 * that the next line can say how many there were: a peer that repeats what it does (or a descriptor
 * table that stays full) cannot fill the log. Time is an argument; one thread uses it.
 */
public final class LogThrottle {
  /** One line per kind every 10 s: enough to see that it goes on, few enough to read the rest. */
  public static final long INTERVAL_NANOS = 10_000_000_000L;

  private final long intervalNanos;
  private boolean logged;
  private long lastNanos;
  private long held;

  /** A throttle of one line per {@link #INTERVAL_NANOS}. */
  public LogThrottle() {
    this(INTERVAL_NANOS);
  }

  public LogThrottle(long intervalNanos) {
    if (intervalNanos < 1)
      throw new IllegalArgumentException("interval must be positive, got " + intervalNanos);
    this.intervalNanos = intervalNanos;
  }

  /**
   * Records one event at {@code nowNanos}: -1 when it is to go unlogged; otherwise its line may be
   * written, and the result is how many events were held back since the last line.
   */
  public long admit(long nowNanos) {
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
