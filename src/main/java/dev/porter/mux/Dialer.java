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
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Outbound connections for links and route exits: name resolution and connect block, so they run
 * on a small pool of worker threads, and the result is handed to an event loop.
 */
final class Dialer {
  /** Connects in progress at once; more wait in the queue (loopback and LAN connects take microseconds). */
  private static final int THREADS = 8;

  private static final ExecutorService POOL = pool();

  private Dialer() {}

  private static ExecutorService pool() {
    ThreadPoolExecutor p = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "porter-dial");
          t.setDaemon(true);
          return t;
        });
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  /**
   * Connects to {@code ep} within {@code timeout}; {@code connected} (which then owns the channel)
   * or {@code failed} runs on {@code loop}.
   */
  static void dial(Endpoint ep, Duration timeout, boolean noDelay, EventLoop loop, Consumer<SocketChannel> connected,
      Consumer<IOException> failed) {
    POOL.execute(() -> {
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
