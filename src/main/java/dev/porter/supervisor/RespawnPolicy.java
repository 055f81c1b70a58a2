package dev.porter.supervisor;

import dev.porter.net.Backoff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * When to restart a daemon after it exits: soon, a little later each time it keeps failing (the
 * {@link Backoff} all of porter's restarts share), and not at all for a while when it exits too
 * often (GNU pies: 10 times in 2 minutes puts it to sleep for 5 minutes, "respawning too fast").
 * Time is an argument: tests pass numbers, not sleeps.
 */
final class RespawnPolicy {
  /** pies' defaults: more than this many exits ... */
  static final int TOO_MANY = 10;

  /** ... within this window ... */
  static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(2);

  /** ... sleeps the component this long. */
  static final long SLEEP_NANOS = TimeUnit.MINUTES.toNanos(5);

  /** First restart delay: systemd's default RestartSec (systemd.service(5)). */
  static final Duration FIRST_DELAY = Duration.ofMillis(100);

  /** Each quick exit in a row doubles the delay, up to this: a daemon is back within a second. */
  static final Duration MAX_DELAY = Duration.ofSeconds(1);

  /** A child that ran this long counts as healthy: the backoff starts over. */
  static final Duration HEALTHY = Duration.ofSeconds(10);

  /** What to do after an exit. */
  record Decision(boolean sleep, long delayNanos) {}

  private final boolean precious;
  private final ArrayDeque<Long> exits = new ArrayDeque<>();
  private final Backoff backoff = new Backoff(FIRST_DELAY, MAX_DELAY, HEALTHY);

  RespawnPolicy(boolean precious) {
    this.precious = precious;
  }

  /** Records an exit at {@code nowNanos} of a child that ran {@code ranNanos}; says what next. */
  Decision exited(long nowNanos, long ranNanos) {
    long delay = backoff.ended(ranNanos);
    exits.addLast(nowNanos);
    while (!exits.isEmpty() && nowNanos - exits.peekFirst() > WINDOW_NANOS) exits.pollFirst();
    if (!precious && exits.size() >= TOO_MANY) {
      exits.clear();
      backoff.reset();
      return new Decision(true, SLEEP_NANOS);
    }
    return new Decision(false, delay);
  }

  /** Forgets the history (after an explicit start or a reload). */
  void reset() {
    exits.clear();
    backoff.reset();
  }
}
