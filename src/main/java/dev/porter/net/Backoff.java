package dev.porter.net;

import java.time.Duration;

/**
 * How long to wait before trying again after something that should keep running stops (a daemon
 * exits, a mux link drops or cannot connect, a link's program exits): the first delay after a
 * failed attempt, doubling with each further failure in a row up to a cap, and the first delay
 * again after an attempt that ran long enough to count as healthy. systemd grows its restart delay
 * the same way (RestartSec doubling up to RestartMaxDelaySec, systemd.service(5)).
 *
 * <p>Time is an argument: the caller says how long each attempt ran, and this counts the failures
 * in a row. One instance per supervised thing, used by one thread.
 */
public final class Backoff {
  private final long firstNanos;
  private final long maxNanos;
  private final long healthyNanos;
  private int failures;

  /**
   * @param first the delay after a healthy attempt and after the first failure
   * @param max the longest delay
   * @param healthy an attempt that ran at least this long is no failure: the backoff starts over
   */
  public Backoff(Duration first, Duration max, Duration healthy) {
    if (first.isNegative() || first.isZero()) {
      throw new IllegalArgumentException("first delay must be positive, got " + first);
    }
    if (max.compareTo(first) < 0) {
      throw new IllegalArgumentException("max delay " + max + " is below the first delay " + first);
    }
    this.firstNanos = first.toNanos();
    this.maxNanos = max.toNanos();
    this.healthyNanos = healthy.toNanos();
  }

  /**
   * An attempt ended after running {@code ranNanos} (zero for one that never came up): counts it,
   * and returns the delay before the next one.
   */
  public long ended(long ranNanos) {
    if (ranNanos >= healthyNanos) {
      failures = 0;
    } else if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    return delayNanos(firstNanos, maxNanos, failures);
  }

  /** Failed attempts in a row, the last one included. */
  public int failures() {
    return failures;
  }

  /** The longest delay: how often, at least, a thing that keeps failing is tried. */
  public long maxNanos() {
    return maxNanos;
  }

  /** Forgets the failures (after an explicit start, a reload, or a sleep). */
  public void reset() {
    failures = 0;
  }

  /** The delay after {@code failures} failed attempts in a row: {@code first} for none or one. */
  static long delayNanos(long firstNanos, long maxNanos, int failures) {
    if (failures < 0) throw new IllegalArgumentException("failures must be >= 0, got " + failures);
    int doublings = Math.max(0, failures - 1);
    // A shift that would push a bit of firstNanos into the sign bit is past any cap.
    if (doublings >= Long.numberOfLeadingZeros(firstNanos) - 1) return maxNanos;
    return Math.min(maxNanos, firstNanos << doublings);
  }
}
