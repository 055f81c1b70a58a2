package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.config.Endpoint;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outgoing connections from an event loop, over real loopback and Unix sockets. */
class ConnectorIT {
  static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);

  EventLoop loop;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    loop = new EventLoop("test-loop");
    loop.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    loop.stop(2, TimeUnit.SECONDS);
  }

  /** "connected to ADDRESS" or "failed: REASON", as the listener heard it on the loop. */
  String attempt(Endpoint target) throws Exception {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    loop.execute(() -> Connector.connect(loop, target, TIMEOUT, new ConnectListener() {
      @Override
      public void connected(Connection c) {
        outcome.complete(loop.inLoop() ? "connected to " + Addresses.format(c.peerAddress()) : "off the loop");
        c.close();
      }

      @Override
      public void failed(String reason) {
        outcome.complete(loop.inLoop() ? "failed: " + reason : "off the loop");
      }
    }));
    return outcome.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aLiteralAddressConnectsOnTheLoop() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertEquals("connected to 127.0.0.1:" + s.getLocalPort(), attempt(Endpoint.inet("127.0.0.1", s.getLocalPort())));
    }
  }

  @Test
  void aHostNameIsResolvedOffTheLoopAndConnects() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      assertTrue(attempt(Endpoint.inet("localhost", s.getLocalPort())).startsWith("connected to 127.0.0.1:"));
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
    assertEquals("failed: no such file or directory", attempt(Endpoint.unix(dir.resolve("absent.sock"))));
  }

  @Test
  void onlyNamesGoToTheResolverPool() {
    assertTrue(Resolver.isLiteral("192.0.2.7"));
    assertTrue(Resolver.isLiteral("2001:db8::1"));
    assertFalse(Resolver.isLiteral("backend.example.org"));
    assertFalse(Resolver.isLiteral("localhost"));
  }
}
