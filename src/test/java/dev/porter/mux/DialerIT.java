package dev.porter.mux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.config.Endpoint;
import dev.porter.net.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Outbound connects on loopback: a link's reconnect never waits behind streams' backends. */
class DialerIT {
  private final List<AutoCloseable> open = new ArrayList<>();
  private EventLoop loop;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) c.close();
    if (loop != null) loop.stop(5, TimeUnit.SECONDS);
  }

  /**
   * A listener that never accepts, its backlog filled: Linux then drops further SYNs, so a connect
   * to it hangs until its timeout, as to a backend that has stopped answering.
   */
  private int blackHole() throws IOException {
    ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(s);
    for (int i = 0; i < 16; i++) {
      Socket c = new Socket();
      open.add(c);
      try {
        c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()), 300);
      } catch (SocketTimeoutException full) {
        return s.getLocalPort();
      }
    }
    Assumptions.abort("this kernel completes connects to a full backlog; the black hole needs it to drop SYNs");
    return -1;
  }

  @Test
  void aLinksReconnectDoesNotQueueBehindStreamsWaitingForABackendThatDoesNotAnswer() throws Exception {
    loop = new EventLoop("test-loop");
    loop.start();
    Endpoint hole = Endpoint.parse("inet://127.0.0.1:" + blackHole());
    // More stream connects than the stream pool has threads, each waiting out its 10 s timeout.
    for (int i = 0; i < 20; i++) {
      Dialer.dialStream(hole, Duration.ofSeconds(10), loop, DialerIT::closeQuietly, e -> { });
    }
    try (ServerSocket far = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<SocketChannel> link = new CompletableFuture<>();
      long start = System.nanoTime();
      Dialer.dialLink(Endpoint.parse("inet://127.0.0.1:" + far.getLocalPort()), Duration.ofSeconds(10), loop,
          link::complete, link::completeExceptionally);
      SocketChannel ch = link.get(10, TimeUnit.SECONDS);
      closeQuietly(ch);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < 5_000, "the link's connect took " + millis + " ms behind the streams' connects");
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // a test connection
    }
  }
}
