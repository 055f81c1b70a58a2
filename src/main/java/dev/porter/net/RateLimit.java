package dev.porter.net;

import java.util.concurrent.TimeUnit;

/**
 * {@code max-rate}: at most {@code perMinute} admissions in any minute, as a token bucket that
 * holds a minute's worth and refills continuously. Time is an argument, so tests pass numbers.
 */
public final class RateLimit {
  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final int perMinute;
  private final long nanosPerToken;
  private long tokens;
  private long lastRefill;
  private boolean started;

  public RateLimit(int perMinute) {
    if (perMinute < 1) throw new IllegalArgumentException("max-rate must be at least 1, got " + perMinute);
    this.perMinute = perMinute;
    this.nanosPerToken = Math.max(1, MINUTE_NANOS / perMinute);
  }

  /** Takes one admission at {@code nowNanos}; false when the minute's budget is spent. */
  public synchronized boolean tryAcquire(long nowNanos) {
    if (!started) {
      started = true;
      tokens = perMinute;
      lastRefill = nowNanos;
    }
    long elapsed = nowNanos - lastRefill;
    if (elapsed > 0) {
      long add = elapsed / nanosPerToken;
      if (add > 0) {
        tokens = Math.min(perMinute, tokens + add);
        lastRefill += add * nanosPerToken;
      }
      if (tokens == perMinute) lastRefill = nowNanos;
    }
    if (tokens == 0) return false;
    tokens--;
    return true;
  }
}
