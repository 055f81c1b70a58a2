package dev.porter.relay;

import dev.porter.net.Connection;
import dev.porter.net.Timer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code send-timeout} for a pair of relayed connections: a side that takes none of what porter
 * queued for it for that long is stalled, and the pair is closed. Without it, a backend that never
 * reads would keep its relay forever: porter stops reading the client while the backend's queue is
 * full (backpressure), so it never sees the client's FIN or reset either. nginx's {@code
 * send_timeout} and HAProxy's {@code timeout server} bound the same thing.
 *
 * <p>A timer runs only while a side has bytes queued; progress (any bytes the kernel takes) starts
 * the wait again. Runs on the pair's loop.
 */
final class SendStall {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.relay");

  private final String component;
  private final Connection client;
  private final Connection backend;
  private final long timeoutNanos;
  private Timer timer;

  /**
   * @param timeout zero for none
   */
  SendStall(String component, Connection client, Connection backend, Duration timeout) {
    this.component = component;
    this.client = client;
    this.backend = backend;
    this.timeoutNanos = timeout.toNanos();
  }

  /** Bytes were just queued for a side: make sure someone looks at the queue in time. */
  void queued() {
    if (timeoutNanos > 0 && timer == null)
      timer = client.loop().schedule(timeoutNanos, this::check);
  }

  /** The pair is closing: no more checks. */
  void cancel() {
    if (timer != null) timer.cancel();
    timer = null;
  }

  /**
   * The delay until the next check, given how long each side has been stalled: zero or less means
   * one of them has been stalled for the whole timeout; {@code Long.MAX_VALUE} means nothing is
   * queued and no check is needed.
   */
  static long nextCheck(long clientStalledNanos, long backendStalledNanos, long timeoutNanos) {
    long stalled = Math.max(clientStalledNanos, backendStalledNanos);
    if (clientStalledNanos == 0 && backendStalledNanos == 0) return Long.MAX_VALUE;
    return timeoutNanos - stalled;
  }

  private void check() {
    timer = null;
    if (!client.isOpen() || !backend.isOpen()) return;
    long now = System.nanoTime();
    long clientStalled = client.sendStalledNanos(now);
    long backendStalled = backend.sendStalledNanos(now);
    long delay = nextCheck(clientStalled, backendStalled, timeoutNanos);
    if (delay == Long.MAX_VALUE) return;
    if (delay > 0) {
      timer = client.loop().schedule(delay, this::check);
      return;
    }
    String side = backendStalled >= clientStalled ? "the backend" : "the client";
    log.info(
        "component {}: closing {}: {} took nothing of {} queued bytes for {} (send-timeout)",
        component,
        client.client(),
        side,
        backendStalled >= clientStalled ? backend.pendingBytes() : client.pendingBytes(),
        IdleTimeout.text(timeoutNanos));
    client.close();
    backend.close();
  }
}
