package dev.porter.relay;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Endpoint;
import dev.porter.config.ProxyProtocol;
import dev.porter.net.ConnectListener;
import dev.porter.net.Connection;
import dev.porter.net.Connector;
import dev.porter.net.ProxyHeader;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a client connection by a component's {@code route}: connects to the backend on the
 * client's loop (client reads held meanwhile, so nothing is lost or piled up), sends a PROXY header
 * when the component says so, then the bytes the client sent early, then relays (or hands the pair
 * to another {@link Joiner}, such as the telnet proxy).
 */
public final class Route {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.relay");
  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private Route() {}

  /**
   * What serves a client and its backend once both are connected: a byte relay, the telnet proxy.
   */
  @FunctionalInterface
  public interface Joiner {
    /**
     * Takes over both connections, on their loop. {@code early} holds the bytes the client sent
     * before the route took over (after a TCPMUX name line); the joiner must send them on first.
     */
    void join(ComponentSpec spec, Connection client, Connection backend, ByteBuffer early);
  }

  /** The plain relay: the early bytes go to the backend as they are, then bytes flow both ways. */
  static void relay(ComponentSpec spec, Connection client, Connection backend, ByteBuffer early) {
    if (early.hasRemaining()) backend.write(early);
    Relay.start(spec.name(), client, backend, spec.idleTimeout(), spec.sendTimeout());
  }

  /**
   * Connects {@code client} to {@code spec}'s route; call on the client's loop.
   *
   * @param early bytes the client sent before the route took over (after a TCPMUX name line);
   *     copied here, so valid only during the call
   */
  public static void open(
      ComponentSpec spec, Connection client, ByteBuffer early, RouteListener listener) {
    open(spec, client, early, listener, Route::relay);
  }

  /**
   * Connects {@code client} to {@code spec}'s route, then hands both connections to {@code joiner}.
   */
  public static void open(
      ComponentSpec spec,
      Connection client,
      ByteBuffer early,
      RouteListener listener,
      Joiner joiner) {
    Endpoint target =
        spec.route().orElseThrow(() -> new IllegalArgumentException(spec.name() + " has no route"));
    ByteBuffer first =
        early.hasRemaining() ? ByteBuffer.allocate(early.remaining()).put(early).flip() : NOTHING;
    client.suspendReads();
    Connector connector =
        Connector.connect(
            client.loop(),
            target,
            spec.connectTimeout().toNanos(),
            new ConnectListener() {
              @Override
              public void connected(Connection backend) {
                if (!client.isOpen()) {
                  backend.close();
                  return;
                }
                listener.connected(client);
                sendProxyHeader(spec.proxyProtocol(), client, backend);
                joiner.join(spec, client, backend, first);
              }

              @Override
              public void failed(String reason) {
                if (!client.isOpen()) return;
                log.info(
                    "component {}: cannot reach {} for {}: {}",
                    spec.name(),
                    target,
                    client.client(),
                    reason);
                client.resumeReads();
                listener.failed(client, reason);
              }
            });
    client.onClose(c -> connector.cancel());
  }

  private static void sendProxyHeader(ProxyProtocol mode, Connection client, Connection backend) {
    switch (mode) {
      case SEND_V1:
        backend.write(ProxyHeader.v1(client.remoteAddress(), client.localAddress()));
        break;
      case SEND_V2:
        backend.write(ProxyHeader.v2(client.remoteAddress(), client.localAddress()));
        break;
      default:
        break;
    }
  }
}
