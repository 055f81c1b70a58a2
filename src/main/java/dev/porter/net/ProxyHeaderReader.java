package dev.porter.net;

import dev.porter.acl.Acl;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of a connection on a {@code proxy-protocol = accept} listener: checks that the
 * socket's real peer is a sender the component trusts ({@code proxy-protocol-from}), reads the
 * PROXY header under a deadline (a {@link OneShotReader} driving a {@link ProxyHeaderDecoder}),
 * makes the connection report the real client (so ACLs, logs and the socket environment see it),
 * and hands the bytes after the header to the next stage untouched. An untrusted sender, or a
 * missing, malformed or late header, closes the connection.
 *
 * <p>When the next stage hands the socket itself to a child, the reader takes exactly the header's
 * bytes from the kernel ({@link ProxyHeaderDecoder#safeReadLength}) so that the child finds
 * everything after it; otherwise it reads freely and passes the rest on.
 */
public final class ProxyHeaderReader implements ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.connection");

  /**
   * How long the sender may take: a load balancer writes the header in its first segment, right
   * after the handshake (HAProxy, IPVS, cloud balancers), so seconds only ever serve a stray
   * client.
   */
  static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * What the reader believes and how it reads.
   *
   * @param component the component's name, for logs
   * @param trustedSenders the peers allowed to send a header ({@code proxy-protocol-from})
   * @param exact read no byte past the header (the socket goes to a child)
   */
  public record Policy(String component, Acl trustedSenders, boolean exact) {}

  private final Policy policy;
  private final BiConsumer<Connection, ByteBuffer> next;
  private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
  private final OneShotReader reader;
  private Connection connection;

  private ProxyHeaderReader(
      Policy policy, long timeoutNanos, BiConsumer<Connection, ByteBuffer> next) {
    this.policy = policy;
    this.next = next;
    String subject = "component " + policy.component() + ": the PROXY reader";
    this.reader =
        new OneShotReader(
            subject, decoder, policy.exact(), timeoutNanos, this::decoded, this::refused);
  }

  /**
   * Installs the reader on {@code c}; once the header is in, {@code next} gets the connection and
   * the bytes that followed the header (valid only during the call). {@code next} must take the
   * connection over before it returns: install a handler, suspend reads, move, detach or close it.
   */
  public static void read(Connection c, Policy policy, BiConsumer<Connection, ByteBuffer> next) {
    read(c, policy, TIMEOUT_NANOS, next);
  }

  static void read(
      Connection c, Policy policy, long timeoutNanos, BiConsumer<Connection, ByteBuffer> next) {
    c.setHandler(new ProxyHeaderReader(policy, timeoutNanos, next));
  }

  @Override
  public void onOpen(Connection c) {
    connection = c;
    // Trust is decided by the socket's own peer, before a byte of the header is believed.
    if (!policy.trustedSenders().allows(c.peerAddress())) {
      log.info(
          "component {}: refused {} (proxy-protocol-from: not a trusted PROXY sender)",
          policy.component(),
          c.client());
      c.close();
      return;
    }
    reader.start(OneShotReader.source(c));
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    reader.feed(data);
  }

  @Override
  public void onInputClosed(Connection c) {
    reader.inputEnded();
  }

  @Override
  public void onClosed(Connection c) {
    reader.closed();
  }

  private void decoded(ByteBuffer rest) {
    Connection c = connection;
    ProxyHeader h = decoder.header();
    // A TCP connection cannot come from a filesystem path: such a header is made up.
    if (c.peerAddress() instanceof InetSocketAddress
        && h.source().filter(s -> s instanceof UnixDomainSocketAddress).isPresent()) {
      close("v2 header with an AF_UNIX source on a TCP connection");
      return;
    }
    h.source().ifPresent(c::overrideClient);
    h.destination().ifPresent(c::overrideLocal);
    next.accept(c, rest);
  }

  private void refused(OneShotReader.Refusal why) {
    switch (why) {
      case TIMEOUT:
        close("no PROXY header in time");
        return;
      case INVALID:
        close(decoder.error());
        return;
      case ENDED:
        close("closed before the PROXY header ended");
        return;
      default:
        throw new AssertionError(why);
    }
  }

  private void close(String why) {
    Connection c = connection;
    if (!c.isOpen()) return;
    log.info("component {}: closed {} (proxy-protocol: {})", policy.component(), c.client(), why);
    c.close();
  }
}
