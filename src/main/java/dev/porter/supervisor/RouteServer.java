package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Endpoint;
import dev.porter.config.Flag;
import dev.porter.net.Connection;
import dev.porter.relay.Route;
import dev.porter.relay.RouteListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Serves a connection by relaying it to the component's {@code route} ({@code inet://} or {@code
 * unix://}). Through a TCPMUX master, porter answers {@code +} only once the backend has answered
 * (tcpmuxplus; with flag tcpmux the backend says it), and a backend that cannot be reached gets the
 * client {@code -} and the reason; a standalone route just closes the client then.
 */
final class RouteServer implements Server {
  private static final byte[] PLUS = "+\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ComponentSpec spec;

  RouteServer(ComponentSpec spec) {
    this.spec = spec;
  }

  /** True for a component this server relays: a route to a socket (mux routes ride a mux link). */
  static boolean serves(ComponentSpec spec) {
    return spec.builtin().isEmpty()
        && spec.route().filter(r -> r.scheme() != Endpoint.Scheme.MUX).isPresent();
  }

  @Override
  public void serve(Arrival a, ByteBuffer leftover) {
    Route.open(
        spec,
        a.connection(),
        leftover,
        new RouteListener() {
          @Override
          public void connected(Connection client) {
            if (a.throughMaster() && spec.has(Flag.TCPMUXPLUS)) client.write(PLUS);
          }

          @Override
          public void failed(Connection client, String reason) {
            a.refuse("service unavailable (" + reason + ")");
          }
        });
  }
}
