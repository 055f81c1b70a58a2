package dev.porter.relay;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes both ways between a client and a backend connection on one event loop. Each read
 * lands in the loop's shared buffer and is written straight to the other side; only what the kernel
 * does not take is queued, and while anything is queued for a side, porter stops reading from the
 * side that feeds it (backpressure), so a relay holds at most one read buffer per direction, and an
 * idle one holds none. EOF travels on as a half-close once the queue is flushed; a reset or error
 * on either side closes both; {@code idle-timeout} closes both after a silence ({@link
 * IdleTimeout}), {@code send-timeout} when a side takes nothing of what is queued for it (see
 * {@link SendStall}).
 */
public final class Relay implements ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.relay");

  private final String component;
  private final Connection client;
  private final Connection backend;
  private final SendStall stall;
  private IdleTimeout idle = IdleTimeout.NONE;

  private Relay(String component, Connection client, Connection backend, Duration sendTimeout) {
    this.component = component;
    this.client = client;
    this.backend = backend;
    this.stall = new SendStall(component, client, backend, sendTimeout);
  }

  /**
   * Relays between two open connections of the same loop from now on; call on that loop. Bytes
   * already queued on either side go first, and hold back the other side's reads until written.
   *
   * @param component the component's name, for logs
   * @param idleTimeout zero for none
   * @param sendTimeout zero for none
   */
  public static void start(
      String component,
      Connection client,
      Connection backend,
      Duration idleTimeout,
      Duration sendTimeout) {
    if (client.loop() != backend.loop())
      throw new IllegalArgumentException("a relay's two connections share one loop");
    Relay r = new Relay(component, client, backend, sendTimeout);
    client.noDelay();
    client.setHandler(r);
    backend.setHandler(r);
    if (!client.isOpen() || !backend.isOpen()) {
      client.close();
      backend.close();
      return;
    }
    r.idle =
        IdleTimeout.start(client.loop(), idleTimeout, component, client.client(), r::closeBoth);
    r.flowControl(client, backend);
    r.flowControl(backend, client);
  }

  @Override
  public void onData(Connection from, ByteBuffer data) {
    Connection to = peer(from);
    idle.activity();
    to.write(data);
    data.position(data.limit()); // written or queued; on a closed side, dropped with the relay
    if (to.pendingBytes() > 0) {
      from.suspendReads();
      stall.queued();
    }
  }

  @Override
  public void onWritable(Connection to) {
    Connection from = peer(to);
    if (from.isOpen()) from.resumeReadsNow();
  }

  @Override
  public void onInputClosed(Connection from) {
    // Half-close: the other side gets FIN after what is queued; the opposite direction flows on.
    peer(from).shutdownOutput();
    if (from.isOutputShut()) from.close();
  }

  @Override
  public void onClosed(Connection c) {
    Connection other = peer(c);
    // A side that ended cleanly (EOF read, FIN sent) leaves the other to finish flushing and close
    // by itself; a reset or an error ends both at once.
    boolean clean = c.isInputClosed() && c.isOutputShut();
    if (!clean) other.close();
    if (!other.isOpen()) {
      idle.cancel();
      stall.cancel();
      log.debug(
          "component {}: relay {} ended: backend in={} out={}",
          component,
          client.client(),
          backend.bytesIn(),
          backend.bytesOut());
    }
  }

  private void flowControl(Connection from, Connection to) {
    if (to.pendingBytes() > 0) {
      from.suspendReads();
      stall.queued();
    } else {
      from.resumeReads();
    }
  }

  private void closeBoth() {
    client.close();
    backend.close();
  }

  private Connection peer(Connection c) {
    return c == client ? backend : client;
  }
}
