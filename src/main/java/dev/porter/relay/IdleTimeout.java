package dev.porter.relay;

import dev.porter.net.EventLoop;
import dev.porter.net.Timer;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code idle-timeout} for one relayed pair (a route's relay, the telnet proxy, a mux stream and
 * its local connection): when nothing has been read from either side for that long, the pair is
 * closed, with one log line. A read only notes the time; the timer is not moved per read: when it
 * fires it closes the pair, or waits for the part of the silence it has not seen yet. Runs on the
 * pair's loop.
 */
public final class IdleTimeout {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.relay");

  /** For a pair without {@code idle-timeout}: notes nothing and never fires. */
  public static final IdleTimeout NONE = new IdleTimeout(null, 0, "", "", () -> {});

  private final EventLoop loop;
  private final long idleNanos;
  private final String component;
  private final String subject;
  private final Runnable close;
  private long lastActivityNanos;
  private Timer timer;
  private boolean active;

  private IdleTimeout(
      EventLoop loop, long idleNanos, String component, String subject, Runnable close) {
    this.loop = loop;
    this.idleNanos = idleNanos;
    this.component = component;
    this.subject = subject;
    this.close = close;
  }

  /**
   * Starts watching a pair on {@code loop} (call on it), silent from now on.
   *
   * @param timeout zero (or less) for none: then {@link #NONE}
   * @param component the component's name, for the log line
   * @param subject what is closed, for the log line: the client's address, say
   * @param close closes the pair, once the silence has lasted {@code timeout}
   */
  public static IdleTimeout start(
      EventLoop loop, Duration timeout, String component, String subject, Runnable close) {
    if (timeout.isZero() || timeout.isNegative()) return NONE;
    IdleTimeout t = new IdleTimeout(loop, timeout.toNanos(), component, subject, close);
    t.active = true;
    t.lastActivityNanos = System.nanoTime();
    t.timer = loop.schedule(t.idleNanos, t::check);
    return t;
  }

  /** Bytes were read from one side: the silence starts again. */
  public void activity() {
    if (active) lastActivityNanos = System.nanoTime();
  }

  /** The pair ended: no more checks. */
  public void cancel() {
    if (!active) return;
    active = false;
    timer.cancel();
    timer = null;
  }

  /**
   * The delay until the next check: zero or less means the pair has been silent for {@code
   * idleNanos} at {@code nowNanos} and must close. Differences only, as {@link System#nanoTime}
   * must be used: the clock may wrap around.
   */
  static long delay(long lastActivityNanos, long idleNanos, long nowNanos) {
    return lastActivityNanos + idleNanos - nowNanos;
  }

  private void check() {
    if (!active) return;
    long d = delay(lastActivityNanos, idleNanos, System.nanoTime());
    if (d > 0) {
      timer = loop.schedule(d, this::check);
      return;
    }
    active = false;
    timer = null;
    log.info(
        "component {}: closing {} idle for {} (idle-timeout)", component, subject, text(idleNanos));
    close.run();
  }

  /** A duration as the configuration writes it, e.g. {@code 0.3s}, {@code 10m}, {@code 1h30m}. */
  static String text(long nanos) {
    return Duration.ofNanos(nanos).toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
