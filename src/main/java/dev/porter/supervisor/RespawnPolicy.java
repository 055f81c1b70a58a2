package dev.porter.supervisor;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * When to restart a daemon after it exits: soon, a little later each time it keeps failing, and
 * not at all for a while when it exits too often (GNU pies: 10 times in 2 minutes puts it to sleep
 * for 5 minutes, "respawning too fast"). Time is an argument: tests pass numbers, not sleeps.
 */
final class RespawnPolicy {
  /** pies' defaults: more than this many exits ... */
  static final int TOO_MANY = 10;
  /** ... within this window ... */
  static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(2);
  /** ... sleeps the component this long. */
  static final long SLEEP_NANOS = TimeUnit.MINUTES.toNanos(5);
  /** First restart delay; each consecutive quick exit adds one step, up to {@link #MAX_DELAY_NANOS}. */
  static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long MAX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** A child that ran this long counts as healthy: the backoff starts over. */
  static final long HEALTHY_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** What to do after an exit. */
  record Decision(boolean sleep, long delayNanos) {}

  private final boolean precious;
  private final ArrayDeque<Long> exits = new ArrayDeque<>();
  private int consecutive;

  RespawnPolicy(boolean precious) {
    this.precious = precious;
  }

  /** Records an exit at {@code nowNanos} of a child that ran {@code ranNanos}; says what next. */
  Decision exited(long nowNanos, long ranNanos) {
    consecutive = ranNanos >= HEALTHY_NANOS ? 1 : consecutive + 1;
    exits.addLast(nowNanos);
    while (!exits.isEmpty() && nowNanos - exits.peekFirst() > WINDOW_NANOS) exits.pollFirst();
    if (!precious && exits.size() >= TOO_MANY) {
      exits.clear();
      consecutive = 0;
      return new Decision(true, SLEEP_NANOS);
    }
    return new Decision(false, Math.min(MAX_DELAY_NANOS, STEP_NANOS * consecutive));
  }

  /** Forgets the history (after an explicit start or a reload). */
  void reset() {
    exits.clear();
    consecutive = 0;
  }
}
