package dev.porter.supervisor;

import java.util.concurrent.TimeUnit;

/**
 * {@code max-rate}: at most {@code perMinute} admissions in any minute, as a token bucket that
 * holds a minute's worth and refills continuously. Time is an argument, so tests pass numbers.
 */
final class RateLimit {
  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final int perMinute;
  private final long nanosPerToken;
  private long tokens;
  private long lastRefill;
  private boolean started;

  RateLimit(int perMinute) {
    if (perMinute < 1)
      throw new IllegalArgumentException("max-rate must be at least 1, got " + perMinute);
    this.perMinute = perMinute;
    this.nanosPerToken = Math.max(1, MINUTE_NANOS / perMinute);
  }

  /**
   * A limit of {@code perMinute} that has already spent what {@code before} spent and has not yet
   * earned back at {@code nowNanos}: a reload that changes the rate does not hand out a fresh
   * minute.
   */
  static RateLimit continuing(RateLimit before, int perMinute, long nowNanos) {
    RateLimit r = new RateLimit(perMinute);
    long spent;
    synchronized (before) {
      before.refill(nowNanos);
      spent = before.perMinute - before.tokens;
    }
    r.started = true;
    r.tokens = Math.max(0, perMinute - spent);
    r.lastRefill = nowNanos;
    return r;
  }

  /** Takes one admission at {@code nowNanos}; false when the minute's budget is spent. */
  synchronized boolean tryAcquire(long nowNanos) {
    refill(nowNanos);
    if (tokens == 0) return false;
    tokens--;
    return true;
  }

  /**
   * Nanoseconds from {@code nowNanos} until {@link #tryAcquire} would succeed; 0 when it would now.
   */
  synchronized long nanosUntilNext(long nowNanos) {
    refill(nowNanos);
    if (tokens > 0) return 0;
    return Math.max(1, nanosPerToken - (nowNanos - lastRefill));
  }

  private void refill(long nowNanos) {
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
  }
}
