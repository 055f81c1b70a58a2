package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.acl.Acl;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PROXY header stage on a real connection: deadline, address override, bytes after it. */
class ProxyHeaderReaderIT {
  EventLoop loop;
  ServerSocketChannel server;

  @BeforeEach
  void start() throws Exception {
    loop = new EventLoop("test-loop");
    loop.start();
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    loop.stop(2, TimeUnit.SECONDS);
  }

  /** Accepts one connection and puts the reader on it; completes with what the next stage saw. */
  CompletableFuture<String> acceptWithReader(long timeoutNanos) {
    CompletableFuture<String> seen = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                SocketChannel ch = server.accept();
                Connection.open(
                    loop,
                    ch,
                    new ConnectionHandler() {
                      @Override
                      public void onOpen(Connection c) {
                        ProxyHeaderReader.read(
                            c,
                            new ProxyHeaderReader.Policy("t", Acl.ALLOW_ALL, false),
                            timeoutNanos,
                            (conn, rest) -> {
                              seen.complete(
                                  conn.client()
                                      + " -> "
                                      + Addresses.format(conn.localAddress())
                                      + " then \""
                                      + StandardCharsets.US_ASCII.decode(rest)
                                      + "\"");
                              conn.close();
                            });
                      }

                      @Override
                      public void onData(Connection c, ByteBuffer data) {
                        data.position(data.limit());
                      }
                    });
              } catch (Exception e) {
                seen.completeExceptionally(e);
              }
            },
            "test-accept");
    t.setDaemon(true);
    t.start();
    return seen;
  }

  int port() throws Exception {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  @Test
  void theNextStageSeesTheRealClientAndTheBytesAfterTheHeader() throws Exception {
    CompletableFuture<String> seen = acceptWithReader(TimeUnit.SECONDS.toNanos(5));
    try (Client c = Client.to(port())) {
      c.send("PROXY TCP4 192.0.2.7 198.51.100.1 51514 443\r\nfirst bytes");
      assertEquals(
          "192.0.2.7:51514 -> 198.51.100.1:443 then \"first bytes\"",
          seen.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aSilentSenderIsClosedAtTheDeadlineAndLogged() throws Exception {
    acceptWithReader(TimeUnit.MILLISECONDS.toNanos(200));
    try (LogCapture logs = new LogCapture();
        Client c = Client.to(port())) {
      long start = System.nanoTime();
      assertTrue(c.closedByServer());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 150 && millis < 5000, "closed after " + millis + " ms");
      logs.awaitLine("component t: closed 127.0.0.1:", "(proxy-protocol: no PROXY header in time)");
    }
  }
}
