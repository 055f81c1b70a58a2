package dev.porter.mux;

import java.util.concurrent.TimeUnit;

/**
 * How many of one kind of peer-caused event a link tolerates: a token bucket holding {@code burst}
 * tokens, refilled at {@code perSecond}; an event takes one. Time is an argument, so tests pass
 * numbers. Not thread-safe: one session's owner thread uses it.
 */
final class Allowance {
  private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int burst;
  private final int perSecond;
  private final long nanosPerToken;
  private long tokens;
  private long lastRefill;
  private boolean started;

  Allowance(int burst, int perSecond) {
    if (burst < 1) throw new IllegalArgumentException("burst must be at least 1, got " + burst);
    if (perSecond < 1)
      throw new IllegalArgumentException("rate must be at least 1 a second, got " + perSecond);
    this.burst = burst;
    this.perSecond = perSecond;
    this.nanosPerToken = SECOND_NANOS / perSecond;
  }

  /** Takes one event at {@code nowNanos}; false when the bucket is empty. */
  boolean take(long nowNanos) {
    if (!started) {
      started = true;
      tokens = burst;
      lastRefill = nowNanos;
    }
    long elapsed = nowNanos - lastRefill;
    if (elapsed > 0) {
      long add = elapsed / nanosPerToken;
      if (add > 0) {
        tokens = Math.min(burst, tokens + add);
        lastRefill += add * nanosPerToken;
      }
      if (tokens == burst) lastRefill = nowNanos;
    }
    if (tokens == 0) return false;
    tokens--;
    return true;
  }

  /** For messages: {@code 1000 at once or 33 a second}. */
  String describe() {
    return burst + " at once or " + perSecond + " a second";
  }
}
