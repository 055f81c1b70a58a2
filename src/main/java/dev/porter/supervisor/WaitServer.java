package dev.porter.supervisor;

import dev.porter.net.Listener;
import dev.porter.process.Descriptors;
import dev.porter.process.SpawnException;
import dev.porter.process.Stdio;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * inetd {@code wait} mode: one child at a time is handed the listening socket as fds 0, 1 and 2 and
 * accepts connections itself; porter listens again when it exits.
 */
final class WaitServer implements Listener.WaitHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.supervisor");

  /** After a failed start, wait this long before offering the socket again, so it cannot spin. */
  private static final long RETRY_AFTER_FAILURE_MILLIS = 1000;

  /** A child that exits with an error sooner than this is taken as failing to start. */
  private static final long FAST_FAILURE_MILLIS = 100;

  private final ComponentRuntime rt;
  private final Children children;

  /** Set while max-rate holds starts back, so that it is logged once per spell, not per retry. */
  private final java.util.concurrent.atomic.AtomicBoolean heldBack =
      new java.util.concurrent.atomic.AtomicBoolean();

  WaitServer(ComponentRuntime rt, Children children) {
    this.rt = rt;
    this.children = children;
  }

  @Override
  public void ready(ServerSocketChannel listening, Runnable done) {
    // max-rate counts programs started: past it, the connection waits in the backlog until the
    // rate allows the next start (inetd counts invocations of a wait service the same way).
    long now = System.nanoTime();
    Optional<Limit> refusal = rt.admission.tryAdmit(now);
    if (refusal.isPresent()) {
      long wait =
          Math.max(
              rt.admission.nanosUntilRateAllows(now),
              TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_FAILURE_MILLIS));
      if (heldBack.compareAndSet(false, true)) {
        log.info(
            "component {}: {} reached; the next program starts in {}ms at the earliest",
            rt.name(),
            refusal.get(),
            TimeUnit.NANOSECONDS.toMillis(wait));
      }
      later(done, wait);
      return;
    }
    heldBack.set(false);
    children.onSpawnThread(
        () -> {
          int fd = Descriptors.fdOf(listening);
          long started = System.nanoTime();
          // Until a child holds the socket, this task owes the listener its "listen again",
          // whatever
          // ends it: a listener nobody gives back would stop serving for good.
          boolean childRuns = false;
          try {
            Launch.Prepared launch =
                Launch.prepare(
                    rt.spec, Stdio.inherit(fd), Stdio.inherit(fd), Stdio.inherit(fd), Map.of());
            int pid =
                children.spawn(
                    rt.name(),
                    launch.request(),
                    (p, status) -> {
                      rt.admission.release();
                      log.info(
                          "component {}: pid {} exited ({}); listening again",
                          rt.name(),
                          p,
                          status);
                      // A child that fails at once would leave the connection pending and be
                      // started
                      // again and again: give it a pause, as for a failed start.
                      boolean failedFast =
                          status.shellCode() != 0
                              && System.nanoTime() - started
                                  < TimeUnit.MILLISECONDS.toNanos(FAST_FAILURE_MILLIS);
                      if (failedFast)
                        later(done, TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_FAILURE_MILLIS));
                      else done.run();
                    });
            childRuns = true;
            launch.started(pid);
            log.info("component {}: started pid {} on the listening socket (wait)", rt.name(), pid);
          } catch (SpawnException | RuntimeException e) {
            log.error("component {}: cannot start: {}", rt.name(), e.getMessage());
          } finally {
            if (!childRuns) {
              rt.admission.release();
              later(done, TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_FAILURE_MILLIS));
            }
          }
        });
  }

  private static void later(Runnable done, long delayNanos) {
    java.util.concurrent.CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS)
        .execute(done);
  }
}
