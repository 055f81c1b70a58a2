package dev.porter.net;

import dev.porter.config.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Optional;

/**
 * An outgoing connection being made on an event loop: the address is resolved without blocking the
 * loop, the socket connects non-blocking (TCP or Unix), and a timer bounds the whole attempt. It
 * ends exactly once: with {@link ConnectListener#connected}, {@link ConnectListener#failed}, or
 * silently by {@link #cancel}.
 *
 * <p>This is porter's one way out: routes' backends, mux exits' backends and mux links' own
 * connections ({@code mux.connect}) all connect here. No attempt holds a thread while it connects,
 * so a backend that does not answer delays no one else; only a name lookup takes a thread (see
 * {@link Lookup}).
 */
public final class Connector implements IoReady {
  /** Where an attempt's name lookup waits for a thread (a literal address needs none). */
  public enum Lookup {
    /** On the shared resolver pool, behind other lookups: a backend for a client or a stream. */
    SHARED,
    /**
     * On a thread of its own, never behind other lookups: a mux link's reconnect, which must not
     * wait while the streams it carried look up backends that do not answer.
     */
    OWN_THREAD
  }

  /** Holds the new connection until the listener installs its own handler. */
  private static final ConnectionHandler PLACEHOLDER = (c, data) -> data.position(data.limit());

  private final EventLoop loop;
  private final Endpoint target;
  private final Lookup lookup;
  // Dropped once the attempt ends: a caller may keep this connector for the life of a connection.
  private ConnectListener listener;
  private Timer deadline;
  private SocketChannel channel;
  private SelectionKey key;
  private boolean done;

  private Connector(EventLoop loop, Endpoint target, Lookup lookup, ConnectListener listener) {
    this.loop = loop;
    this.target = target;
    this.lookup = lookup;
    this.listener = listener;
  }

  /**
   * Starts connecting to {@code target} ({@code inet} or {@code unix}) on {@code loop}, giving up
   * after {@code timeoutNanos} (resolution included). Call on the loop; the listener hears the
   * outcome on it, never from within this call. A name is looked up on the shared pool.
   */
  public static Connector connect(
      EventLoop loop, Endpoint target, long timeoutNanos, ConnectListener listener) {
    return connect(loop, target, timeoutNanos, Lookup.SHARED, listener);
  }

  /**
   * As {@link #connect(EventLoop, Endpoint, long, ConnectListener)}, with a name looked up as
   * {@code lookup} says.
   */
  public static Connector connect(
      EventLoop loop, Endpoint target, long timeoutNanos, Lookup lookup, ConnectListener listener) {
    loop.assertInLoop();
    if (target.scheme() == Endpoint.Scheme.MUX) {
      throw new IllegalArgumentException("cannot connect a socket to " + target);
    }
    Connector c = new Connector(loop, target, lookup, listener);
    c.deadline = loop.schedule(timeoutNanos, () -> c.fail("timed out"));
    // Deferred so that the listener never runs inside connect(): the caller may not be ready yet.
    loop.execute(c::resolve);
    return c;
  }

  /** Abandons the attempt: the socket is closed and the listener hears nothing. */
  public void cancel() {
    if (done) return;
    done = true;
    release();
    forget();
  }

  private void resolve() {
    if (done) return;
    if (target.scheme() == Endpoint.Scheme.UNIX) {
      begin(target.socketAddress());
    } else {
      Resolver.resolve(loop, target.host(), target.port(), lookup, this::begin, this::fail);
    }
  }

  private void begin(SocketAddress address) {
    if (done) return;
    try {
      channel =
          address instanceof InetSocketAddress
              ? SocketChannel.open()
              : SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.configureBlocking(false);
      if (address instanceof InetSocketAddress)
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (channel.connect(address)) {
        succeed();
      } else {
        key = loop.register(channel, SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException e) {
      fail(reason(e));
    }
  }

  @Override
  public void ready(int ops) {
    if (done || (ops & SelectionKey.OP_CONNECT) == 0) return;
    try {
      if (channel.finishConnect()) succeed();
    } catch (IOException e) {
      fail(reason(e));
    }
  }

  @Override
  public void failed(RuntimeException e) {
    fail("internal error: " + e);
  }

  private void succeed() {
    done = true;
    ConnectListener l = forget();
    Optional<Connection> c = Connection.adopt(loop, channel, PLACEHOLDER);
    channel = null;
    key = null;
    if (c.isPresent()) {
      l.connected(c.get());
    } else {
      l.failed("cannot register the socket");
    }
  }

  private void fail(String reason) {
    if (done) return;
    done = true;
    release();
    forget().failed(reason);
  }

  private void release() {
    if (key != null) key.cancel();
    if (channel != null) Closeables.closeQuietly(channel);
    channel = null;
    key = null;
  }

  private ConnectListener forget() {
    deadline.cancel();
    deadline = null;
    ConnectListener l = listener;
    listener = null;
    return l;
  }

  // "Connection refused" -> "connection refused"; the JDK's messages are strerror(3) texts.
  static String reason(IOException e) {
    String m = e.getMessage();
    if (m == null || m.isEmpty()) return e.getClass().getSimpleName();
    return m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
  }

  @Override
  public String toString() {
    return "connector to " + target;
  }
}
