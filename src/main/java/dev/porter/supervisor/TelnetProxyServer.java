package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Flag;
import dev.porter.net.Connection;
import dev.porter.relay.Route;
import dev.porter.relay.RouteListener;
import dev.porter.relay.TelnetLog;
import dev.porter.relay.TelnetProxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Serves a connection with the built-in telnet proxy ({@code builtin = telnet-proxy}): connects to
 * the component's {@code route} like {@link RouteServer} (through TCPMUX, {@code +} only once the
 * backend answered, {@code -} and the reason when it cannot be reached), then relays TELNET through
 * two codecs in proxy mode, logging events to {@code telnet-log} if set.
 */
final class TelnetProxyServer implements Server {
  private static final byte[] PLUS = "+\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ComponentSpec spec;
  private final Route.Joiner joiner;

  TelnetProxyServer(ComponentSpec spec) {
    this.spec = spec;
    this.joiner = TelnetProxy.joiner(spec.telnetLog().map(TelnetLog::of));
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
            // A built-in has no server of its own to answer, so porter says "+" unless told the
            // backend does (flag tcpmux).
            if (a.throughMaster() && !spec.has(Flag.TCPMUX)) client.write(PLUS);
          }

          @Override
          public void failed(Connection client, String reason) {
            a.refuse("service unavailable (" + reason + ")");
          }
        },
        joiner);
  }
}
