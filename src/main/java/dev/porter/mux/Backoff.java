package dev.porter.mux;

import java.util.concurrent.TimeUnit;

/**
 * How long a link waits before its next attempt to come up: doubling from {@link #FIRST} to
 * {@link #MAX}. Pure: the caller counts failures and passes them in.
 */
public final class Backoff {
  /** A link that just dropped is retried quickly: the peer has most often just restarted. */
  public static final long FIRST = TimeUnit.MILLISECONDS.toNanos(100);
  /** Tried at least this often while down (systemd's default RestartSec scale, minutes apart is too slow). */
  public static final long MAX = TimeUnit.SECONDS.toNanos(30);

  private Backoff() {}

  /** The delay before attempt number {@code failures + 1} after {@code failures} failures in a row. */
  public static long delayNanos(int failures) {
    if (failures < 0) throw new IllegalArgumentException("failures must be >= 0, got " + failures);
    if (failures >= 20) return MAX;
    return Math.min(MAX, FIRST << failures);
  }
}
