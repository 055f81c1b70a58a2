package dev.porter.net;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of a connection on a {@code proxy-protocol = accept} listener: reads the PROXY
 * header under a deadline, makes the connection report the real client (so ACLs, logs and the
 * socket environment see it), and hands the bytes after the header to the next stage untouched.
 * A missing, malformed or late header closes the connection.
 */
public final class ProxyHeaderReader implements ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.connection");

  /**
   * How long the sender may take: a load balancer writes the header in its first segment, right
   * after the handshake (HAProxy, IPVS, cloud balancers), so seconds only ever serve a stray client.
   */
  static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String component;
  private final long timeoutNanos;
  private final BiConsumer<Connection, ByteBuffer> next;
  private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
  private Timer deadline;
  private boolean decided;

  private ProxyHeaderReader(String component, long timeoutNanos, BiConsumer<Connection, ByteBuffer> next) {
    this.component = component;
    this.timeoutNanos = timeoutNanos;
    this.next = next;
  }

  /**
   * Installs the reader on {@code c}; once the header is in, {@code next} gets the connection and
   * the bytes that followed the header (valid only during the call).
   *
   * @param component the component's name, for logs
   */
  public static void read(Connection c, String component, BiConsumer<Connection, ByteBuffer> next) {
    read(c, component, TIMEOUT_NANOS, next);
  }

  static void read(Connection c, String component, long timeoutNanos, BiConsumer<Connection, ByteBuffer> next) {
    c.setHandler(new ProxyHeaderReader(component, timeoutNanos, next));
  }

  @Override
  public void onOpen(Connection c) {
    deadline = c.loop().schedule(timeoutNanos, () -> refuse(c, "no PROXY header in time"));
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    if (decided) {
      data.position(data.limit());
      return;
    }
    switch (decoder.feed(data)) {
      case NEED_MORE:
        return;
      case INVALID:
        data.position(data.limit());
        refuse(c, decoder.error());
        return;
      case DONE:
        decided = true;
        deadline.cancel();
        ProxyHeader h = decoder.header();
        h.source().ifPresent(c::overrideClient);
        h.destination().ifPresent(c::overrideLocal);
        next.accept(c, data);
        return;
      default:
        throw new AssertionError();
    }
  }

  @Override
  public void onInputClosed(Connection c) {
    refuse(c, "closed before the PROXY header ended");
  }

  @Override
  public void onClosed(Connection c) {
    if (deadline != null) deadline.cancel();
  }

  private void refuse(Connection c, String why) {
    if (decided || !c.isOpen()) return;
    decided = true;
    log.info("component {}: closed {} (proxy-protocol: {})", component, c.client(), why);
    c.close();
  }
}
