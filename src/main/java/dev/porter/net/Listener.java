package dev.porter.net;

import dev.porter.config.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket (TCP or Unix) registered on one event loop. Binding happens on the caller's
 * thread so that errors reach the caller; accepting happens on the loop.
 */
public final class Listener implements IoReady {
  private static final Logger log = LoggerFactory.getLogger(Listener.class);

  /** Connections accepted per wake-up before other channels get a turn. */
  private static final int ACCEPT_BATCH = 64;

  /** Listen backlog; the kernel caps it at net.core.somaxconn. */
  private static final int BACKLOG = 4096;

  /**
   * Pause after an accept error such as EMFILE, so a full descriptor table cannot spin the loop.
   */
  private static final long ACCEPT_ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final EventLoop loop;
  private final ServerSocketChannel server;
  private final Endpoint endpoint;
  private final Optional<UnixSocketFile> unixFile;
  private volatile AcceptHandler handler;
  private volatile WaitHandler waitHandler;
  private SelectionKey key;
  private boolean paused;
  private final LogThrottle acceptErrors = new LogThrottle();
  private volatile boolean closed;

  private Listener(
      EventLoop loop,
      ServerSocketChannel server,
      Endpoint endpoint,
      Optional<UnixSocketFile> unixFile) {
    this.loop = loop;
    this.server = server;
    this.endpoint = endpoint;
    this.unixFile = unixFile;
  }

  /** Binds the endpoint now (throws on failure); accepting starts with {@link #start}. */
  public static Listener bind(EventLoop loop, Endpoint endpoint) throws IOException {
    switch (endpoint.scheme()) {
      case INET:
        {
          ServerSocketChannel s = ServerSocketChannel.open();
          try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(new InetSocketAddress(endpoint.host(), endpoint.port()), BACKLOG);
          } catch (IOException e) {
            Closeables.closeQuietly(s);
            throw e;
          }
          return new Listener(loop, s, endpoint, Optional.empty());
        }
      case UNIX:
        {
          UnixSocketFile f =
              UnixSocketFile.bind(
                  endpoint.path(), BACKLOG, endpoint.mode(), endpoint.owner(), endpoint.group());
          return new Listener(loop, f.channel(), endpoint, Optional.of(f));
        }
      default:
        throw new IOException("cannot listen on " + endpoint);
    }
  }

  /** Starts accepting on the loop, handing each connection to {@code h}. */
  public void start(AcceptHandler h) {
    this.handler = h;
    loop.execute(
        () -> {
          if (closed) return;
          try {
            server.configureBlocking(false);
            key = loop.register(server, SelectionKey.OP_ACCEPT, this);
          } catch (IOException e) {
            log.error("listener {}: cannot register: {}", endpoint, e.toString());
          }
        });
  }

  /**
   * inetd {@code wait} semantics: porter does not accept; when a connection is pending it hands the
   * listening socket itself (blocking again) to {@code h}, whose child accepts, and listens again
   * only after {@code h} calls back.
   */
  public void startWaitMode(WaitHandler h) {
    this.waitHandler = h;
    start(
        ch -> {
          throw new IllegalStateException("a wait-mode listener does not accept");
        });
  }

  /** Serves a wait-mode listener; call {@code done} (any thread) when the child has exited. */
  @FunctionalInterface
  public interface WaitHandler {
    void ready(ServerSocketChannel listening, Runnable done);
  }

  private void handOffListeningSocket() {
    key.cancel();
    key = null;
    loop.afterNextSelect(
        () -> {
          try {
            server.configureBlocking(true);
          } catch (IOException e) {
            log.error("listener {}: cannot hand over: {}", endpoint, e.toString());
            return;
          }
          waitHandler.ready(server, () -> loop.execute(this::listenAgain));
        });
  }

  private void listenAgain() {
    if (closed) return;
    try {
      server.configureBlocking(false);
      key = loop.register(server, SelectionKey.OP_ACCEPT, this);
    } catch (IOException e) {
      log.error("listener {}: cannot listen again: {}", endpoint, e.toString());
    }
  }

  /**
   * Replaces what serves the socket (a reload keeps it and changes what serves it): accepting with
   * {@code h}. A wait-mode child that holds the socket now keeps it until it exits.
   */
  public void setHandler(AcceptHandler h) {
    this.handler = h;
    this.waitHandler = null;
  }

  /** Like {@link #setHandler}, for inetd {@code wait} semantics (see {@link #startWaitMode}). */
  public void setWaitHandler(WaitHandler h) {
    this.waitHandler = h;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The bound address (with the real port when the endpoint said port 0; a Unix socket's path). */
  public SocketAddress localAddress() {
    if (unixFile.isPresent()) return unixFile.get().address();
    try {
      return server.getLocalAddress();
    } catch (IOException e) {
      return endpoint.socketAddress();
    }
  }

  /** The bound TCP port, or -1 for a Unix socket. */
  public int port() {
    SocketAddress a = localAddress();
    return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getPort() : -1;
  }

  /** The listening channel itself (for {@code wait}-mode children that accept themselves). */
  public ServerSocketChannel channel() {
    return server;
  }

  /** Stops or restarts accepting without closing the socket; call on the loop. */
  public void pause(boolean pause) {
    paused = pause;
    if (key != null && key.isValid()) key.interestOps(pause ? 0 : SelectionKey.OP_ACCEPT);
  }

  @Override
  public void ready(int ops) {
    if (waitHandler != null) {
      handOffListeningSocket();
      return;
    }
    for (int i = 0; i < ACCEPT_BATCH && !paused; i++) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        // EMFILE lasts as long as the descriptor table stays full: one line per 10 s says so.
        long held = acceptErrors.admit(System.nanoTime());
        if (held >= 0) {
          log.warn(
              "listener {}: accept failed: {}{}; pausing accepts {}ms at a time",
              endpoint,
              e.getMessage(),
              held > 0 ? " (" + held + " more since the last line)" : "",
              TimeUnit.NANOSECONDS.toMillis(ACCEPT_ERROR_PAUSE_NANOS));
        }
        pause(true);
        loop.schedule(
            ACCEPT_ERROR_PAUSE_NANOS,
            () -> {
              if (!closed) pause(false);
            });
        return;
      }
      if (ch == null) return;
      handler.accepted(ch);
    }
  }

  @Override
  public void failed(RuntimeException e) {
    // A handler bug must not close the listener; the accepted channel was the handler's.
  }

  /**
   * Closes the socket (on its loop) and removes a Unix socket's file. Off the loop it waits
   * (bounded) until that is done, so the address can be bound again right away.
   */
  public void close() {
    closed = true;
    Runnable r =
        () -> {
          if (key != null) key.cancel();
          Closeables.closeQuietly(server);
          unixFile.ifPresent(
              f -> {
                try {
                  f.delete();
                } catch (IOException e) {
                  log.warn("listener {}: cannot remove {}: {}", endpoint, f.path(), e.toString());
                }
              });
        };
    if (loop.inLoop()) {
      r.run();
      return;
    }
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    loop.execute(
        () -> {
          try {
            r.run();
          } finally {
            done.countDown();
          }
        });
    try {
      done.await(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True when this listener is bound where {@code ep} asks (port 0 matches nothing). */
  public boolean boundAt(Endpoint ep) {
    if (ep.scheme() != endpoint.scheme()) return false;
    switch (ep.scheme()) {
      case UNIX:
        return ep.identity().equals(endpoint.identity());
      case INET:
        {
          if (ep.port() == 0 || ep.port() != port()) return false;
          try {
            return java.net.InetAddress.getByName(ep.host())
                .equals(((InetSocketAddress) localAddress()).getAddress());
          } catch (java.net.UnknownHostException e) {
            return false;
          }
        }
      default:
        return false;
    }
  }

  @Override
  public String toString() {
    return "listener " + endpoint;
  }
}
