package dev.porter.mux;

import dev.porter.config.Endpoint;
import dev.porter.net.EventLoop;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Outbound connections for links and route exits: name resolution and connect block, so they run
 * on worker threads, and the result is handed to an event loop. A link's own reconnect has a pool
 * of its own: however many streams wait for backends that do not answer, it never queues behind
 * them.
 */
final class Dialer {
  /**
   * Stream connects in progress at once; more wait in the queue (loopback and LAN connects take
   * microseconds). The queue is bounded by the streams the links' caps allow.
   */
  private static final int STREAM_THREADS = 8;

  private static final ExecutorService STREAMS = streamPool();
  /**
   * A thread per link dial: each link has at most one dial in flight (it dials again only once
   * that one has failed), so there are never more than links; idle threads end after 30 s.
   */
  private static final ExecutorService LINKS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> daemon(r, "porter-dial-link"));

  private Dialer() {}

  private static ExecutorService streamPool() {
    ThreadPoolExecutor p = new ThreadPoolExecutor(STREAM_THREADS, STREAM_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> daemon(r, "porter-dial"));
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A link's connect ({@code mux.connect}), with TCP_NODELAY: see {@link #dial}. */
  static void dialLink(Endpoint ep, Duration timeout, EventLoop loop, Consumer<SocketChannel> connected,
      Consumer<IOException> failed) {
    dial(LINKS, ep, timeout, true, loop, connected, failed);
  }

  /** A route exit's connect to its backend for one stream: see {@link #dial}. */
  static void dialStream(Endpoint ep, Duration timeout, EventLoop loop, Consumer<SocketChannel> connected,
      Consumer<IOException> failed) {
    dial(STREAMS, ep, timeout, false, loop, connected, failed);
  }

  /**
   * Connects to {@code ep} within {@code timeout} on a thread of {@code pool}; {@code connected}
   * (which then owns the channel) or {@code failed} runs on {@code loop}.
   */
  private static void dial(ExecutorService pool, Endpoint ep, Duration timeout, boolean noDelay, EventLoop loop,
      Consumer<SocketChannel> connected, Consumer<IOException> failed) {
    pool.execute(() -> {
      SocketChannel ch = null;
      try {
        if (ep.scheme() == Endpoint.Scheme.UNIX) {
          ch = SocketChannel.open(StandardProtocolFamily.UNIX);
          ch.connect(ep.socketAddress());
        } else {
          ch = SocketChannel.open();
          Socket s = ch.socket();
          s.connect(ep.socketAddress(), (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
          if (noDelay) ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        SocketChannel done = ch;
        loop.execute(() -> connected.accept(done));
      } catch (IOException | RuntimeException e) {
        if (ch != null) {
          try {
            ch.close();
          } catch (IOException ignored) {
            // the connect failed: nothing to release beyond the descriptor
          }
        }
        IOException io = e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
        loop.execute(() -> failed.accept(io));
      }
    });
  }
}
