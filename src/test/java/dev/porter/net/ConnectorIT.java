package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.config.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Porter's one connector: connections from an event loop to loopback and Unix sockets. */
class ConnectorIT {
  static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);

  EventLoop loop;
  final List<AutoCloseable> open = new ArrayList<>();
  @TempDir Path dir;

  @BeforeEach
  void start() {
    loop = new EventLoop("test-loop");
    loop.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) c.close();
    loop.stop(2, TimeUnit.SECONDS);
  }

  /** "connected to ADDRESS" or "failed: REASON", as the listener heard it on the loop. */
  String attempt(Endpoint target) throws Exception {
    return start(target, Connector.Lookup.SHARED).get(10, TimeUnit.SECONDS);
  }

  /** Starts an attempt on the loop; the future says how it ended, as {@link #attempt} does. */
  CompletableFuture<String> start(Endpoint target, Connector.Lookup lookup) {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    loop.execute(
        () ->
            Connector.connect(
                loop,
                target,
                TIMEOUT,
                lookup,
                new ConnectListener() {
                  @Override
                  public void connected(Connection c) {
                    outcome.complete(
                        loop.inLoop()
                            ? "connected to " + Addresses.format(c.peerAddress())
                            : "off the loop");
                    c.close();
                  }

                  @Override
                  public void failed(String reason) {
                    outcome.complete(loop.inLoop() ? "failed: " + reason : "off the loop");
                  }
                }));
    return outcome;
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
    Assumptions.abort(
        "this kernel completes connects to a full backlog;"
            + " the black hole needs it to drop SYNs");
    return -1;
  }

  @Test
  void aLiteralAddressConnectsOnTheLoop() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertEquals(
          "connected to 127.0.0.1:" + s.getLocalPort(),
          attempt(Endpoint.inet("127.0.0.1", s.getLocalPort())));
    }
  }

  @Test
  void aHostNameIsResolvedOffTheLoopAndConnects() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      assertTrue(
          attempt(Endpoint.inet("localhost", s.getLocalPort()))
              .startsWith("connected to 127.0.0.1:"));
    }
  }

  @Test
  void aClosedPortIsRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertEquals("failed: connection refused", attempt(Endpoint.inet("127.0.0.1", port)));
  }

  @Test
  void aMissingUnixSocketSaysSo() throws Exception {
    assertEquals(
        "failed: no such file or directory", attempt(Endpoint.unix(dir.resolve("absent.sock"))));
  }

  @Test
  void connectsToABackendThatDoesNotAnswerHoldNoThreadAndDelayNoOtherConnect() throws Exception {
    Endpoint hole = Endpoint.inet("127.0.0.1", blackHole());
    // More than any pool of connecting threads would have, each waiting out its 5 s timeout.
    List<CompletableFuture<String>> hanging = new ArrayList<>();
    for (int i = 0; i < 20; i++) hanging.add(start(hole, Connector.Lookup.SHARED));
    try (ServerSocket far = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> link =
          start(Endpoint.inet("127.0.0.1", far.getLocalPort()), Connector.Lookup.OWN_THREAD);
      assertEquals("connected to 127.0.0.1:" + far.getLocalPort(), link.get(10, TimeUnit.SECONDS));
      assertTrue(hanging.stream().noneMatch(CompletableFuture::isDone), "the black hole answered");
    }
    for (CompletableFuture<String> h : hanging) {
      assertEquals("failed: timed out", h.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aLookupOnItsOwnThreadDoesNotQueueBehindTheSharedPool() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(Resolver.POOL.getMaximumPoolSize());
    try (ServerSocket far = new ServerSocket()) {
      far.bind(new InetSocketAddress("127.0.0.1", 0));
      Endpoint byName = Endpoint.inet("localhost", far.getLocalPort());
      CompletableFuture<String> shared;
      try {
        // Lookups that hang, as for a backend whose DNS server does not answer, take every thread.
        for (long i = busy.getCount(); i > 0; i--) {
          Resolver.POOL.execute(
              () -> {
                busy.countDown();
                awaitQuietly(release);
              });
        }
        assertTrue(busy.await(10, TimeUnit.SECONDS), "the pool's threads are taken");
        shared = start(byName, Connector.Lookup.SHARED);
        String own = start(byName, Connector.Lookup.OWN_THREAD).get(10, TimeUnit.SECONDS);
        assertTrue(own.startsWith("connected to 127.0.0.1:"), own);
        assertFalse(shared.isDone(), "the shared lookup waits for a thread: " + shared.getNow(""));
      } finally {
        release.countDown();
      }
      assertTrue(shared.get(10, TimeUnit.SECONDS).startsWith("connected to 127.0.0.1:"));
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void onlyNamesGoToTheResolverPool() {
    assertTrue(Resolver.isLiteral("192.0.2.7"));
    assertTrue(Resolver.isLiteral("2001:db8::1"));
    assertFalse(Resolver.isLiteral("backend.example.org"));
    assertFalse(Resolver.isLiteral("localhost"));
  }
}
