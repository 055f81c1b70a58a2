package dev.porter.supervisor;

import dev.porter.net.Connection;
import dev.porter.process.Descriptors;
import dev.porter.process.FdPassing;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pass-fd mode: porter accepts, then hands the connection's descriptor with SCM_RIGHTS to a running
 * daemon listening on {@code pass-fd-socket} (GNU pies semantics), and lets go of it.
 */
final class PassFdServer implements Server {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.connection");
  private static final byte[] PLUS = "+\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ComponentRuntime rt;
  private final Children children;

  PassFdServer(ComponentRuntime rt, Children children) {
    this.rt = rt;
    this.children = children;
  }

  @Override
  public boolean takesSocket() {
    return true;
  }

  @Override
  public void serve(Arrival a, ByteBuffer leftover) {
    Connection c = a.connection();
    if (leftover.hasRemaining()) {
      // Stages before this one read no further than they consume, so this cannot happen; if it
      // did, the daemon would miss bytes: refuse rather than corrupt the stream.
      log.error(
          "component {}: {} bytes were read before the hand-over; closing {}",
          rt.name(),
          leftover.remaining(),
          c.client());
      c.close();
      return;
    }
    if (a.throughMaster() && rt.spec.has(dev.porter.config.Flag.TCPMUXPLUS)) c.write(PLUS);
    String client = c.client();
    c.detach(ch -> children.onSpawnThread(() -> pass(ch, client)));
  }

  private void pass(SocketChannel ch, String client) {
    UnixDomainSocketAddress target =
        UnixDomainSocketAddress.of(rt.spec.passFdSocket().orElseThrow().path());
    try (SocketChannel daemon = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      daemon.connect(target);
      FdPassing.send(Descriptors.fdOf(daemon), Descriptors.fdOf(ch));
      log.info("component {}: passed {} to {}", rt.name(), client, target.getPath());
    } catch (IOException | RuntimeException e) {
      log.error(
          "component {}: cannot pass {} to {}: {}",
          rt.name(),
          client,
          target.getPath(),
          e.getMessage());
    } finally {
      try {
        ch.close();
      } catch (IOException ignored) {
        // porter's copy; the daemon holds its own
      }
    }
  }
}
