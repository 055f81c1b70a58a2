package dev.porter.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routes as clients and backends meet them: standalone and through TCPMUX, over real sockets. */
class RouteIT {
  /** Large enough to need many reads, and to fill every socket buffer on the way. */
  static final int PAYLOAD = 8 * 1024 * 1024;

  /**
   * What porter may hold queued for one stalled relay: one read buffer (64 KiB) per direction,
   * since a side's reads stop as soon as anything is queued for the other.
   */
  static final long QUEUE_LIMIT = 2 * 64 * 1024;

  @TempDir Path dir;

  /** The backend's side of a both-ways exchange: sends its payload and digests what it gets. */
  static Backend.Script exchange(byte[] payload, CompletableFuture<String> received) {
    return c -> {
      CompletableFuture<String> in = Streams.digestToEof(c.in);
      Streams.writeThen(c.out, payload, c::shutdownOutput).get(30, TimeUnit.SECONDS);
      received.complete(in.get(30, TimeUnit.SECONDS));
      c.close();
    };
  }

  static RunningPorter porter(String... components) throws Exception {
    return RunningPorter.start(
        "shutdown-timeout = 1s\ncomponents {\n" + String.join("\n", components) + "\n}");
  }

  private static void exchangeThrough(
      Client c, byte[] toBackend, byte[] toClient, CompletableFuture<String> atBackend)
      throws Exception {
    CompletableFuture<String> atClient = Streams.digestToEof(c.in());
    Streams.writeThen(c.out(), toBackend, c::shutdownOutput).get(30, TimeUnit.SECONDS);
    assertEquals(Streams.expected(toClient), atClient.get(30, TimeUnit.SECONDS));
    assertEquals(Streams.expected(toBackend), atBackend.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aStandaloneRouteCarriesMegabytesBothWaysAtOnce() throws Exception {
    byte[] up = Streams.random(PAYLOAD, 1);
    byte[] down = Streams.random(PAYLOAD + 17, 2);
    CompletableFuture<String> atBackend = new CompletableFuture<>();
    try (Backend b = Backend.tcp(exchange(down, atBackend));
        RunningPorter p =
            porter("r { socket = \"inet://127.0.0.1:0\", route = \"" + b.url() + "\" }");
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("r"))) {
      exchangeThrough(c, up, down, atBackend);
      // The close line counts the client's side of the relay.
      logs.awaitLine("component r: closed 127.0.0.1:", "in=" + up.length + " out=" + down.length);
      b.assertNoFailure();
    }
  }

  @Test
  void aTcpmuxRouteAnswersPlusForwardsEarlyBytesFirstAndCarriesMegabytes() throws Exception {
    byte[] up = Streams.random(PAYLOAD, 3);
    byte[] down = Streams.random(PAYLOAD, 4);
    byte[] early = "early bytes, sent with the name line".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[early.length + up.length];
    System.arraycopy(early, 0, all, 0, early.length);
    System.arraycopy(up, 0, all, early.length, up.length);
    CompletableFuture<String> atBackend = new CompletableFuture<>();
    try (Backend b = Backend.tcp(exchange(down, atBackend));
        RunningPorter p =
            porter(
                "mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
                "chat { tcpmux-master = mux, route = \"" + b.url() + "\" }");
        Client c = Client.to(p.port("mux"))) {
      c.send("chat\r\n");
      c.send(early);
      assertEquals("+\r\n", c.readLine());
      CompletableFuture<String> atClient = Streams.digestToEof(c.in());
      Streams.writeThen(c.out(), up, c::shutdownOutput).get(30, TimeUnit.SECONDS);
      assertEquals(Streams.expected(down), atClient.get(30, TimeUnit.SECONDS));
      assertEquals(Streams.expected(all), atBackend.get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void withFlagTcpmuxTheBackendSaysPlusItself() throws Exception {
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.out.write("+ready\r\n".getBytes(StandardCharsets.US_ASCII));
                  c.in.transferTo(c.out);
                  c.close();
                });
        RunningPorter p =
            porter(
                "mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
                "chat { tcpmux-master = mux, flags = [ tcpmux ], route = \"" + b.url() + "\" }");
        Client c = Client.to(p.port("mux"))) {
      c.send("chat\r\nping");
      assertEquals("+ready\r\nping", c.readN("+ready\r\nping"));
    }
  }

  @Test
  void theClientsHalfCloseReachesTheBackendWhileTheReplyStillFlows() throws Exception {
    try (Backend b =
            Backend.tcp(
                c -> {
                  byte[] request = c.in.readAllBytes(); // to EOF: the client's FIN came through
                  Thread.sleep(100);
                  c.out.write(
                      ("got " + request.length + " bytes").getBytes(StandardCharsets.US_ASCII));
                  c.close();
                });
        RunningPorter p =
            porter("r { socket = \"inet://127.0.0.1:0\", route = \"" + b.url() + "\" }");
        Client c = Client.to(p.port("r"))) {
      c.send(new byte[100_000]);
      c.shutdownOutput();
      assertEquals("got 100000 bytes", c.readAll());
      b.assertNoFailure();
    }
  }

  @Test
  void theBackendsHalfCloseReachesTheClientWhoMayGoOnSending() throws Exception {
    CompletableFuture<String> heard = new CompletableFuture<>();
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.out.write("greeting".getBytes(StandardCharsets.US_ASCII));
                  c.shutdownOutput();
                  heard.complete(new String(c.in.readAllBytes(), StandardCharsets.US_ASCII));
                  c.close();
                });
        RunningPorter p =
            porter("r { socket = \"inet://127.0.0.1:0\", route = \"" + b.url() + "\" }");
        Client c = Client.to(p.port("r"))) {
      assertEquals("greeting", c.readAll());
      c.send("still talking after your EOF");
      c.shutdownOutput();
      assertEquals("still talking after your EOF", heard.get(10, TimeUnit.SECONDS));
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void aBackendResetClosesTheClient() throws Exception {
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.in.readNBytes(4);
                  c.channel.socket().setSoLinger(true, 0); // close with RST
                  c.close();
                });
        RunningPorter p =
            porter("r { socket = \"inet://127.0.0.1:0\", route = \"" + b.url() + "\" }");
        Client c = Client.to(p.port("r"))) {
      c.send("ping");
      assertTrue(c.closedByServer());
      Await.until("the relay to end", () -> p.porter().activeConnections() == 0);
    }
  }

  @Test
  void aBackendThatNeverReadsStopsPorterReadingInsteadOfQueuing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Backend b = Backend.tcp(c -> release.await(30, TimeUnit.SECONDS));
        RunningPorter p =
            porter("r { socket = \"inet://127.0.0.1:0\", route = \"" + b.url() + "\" }");
        Client c = Client.to(p.port("r"))) {
      AtomicLong sent = new AtomicLong();
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                  for (int i = 0; i < 1024; i++) { // up to 64 MiB: far more than all socket buffers
                    c.out().write(chunk);
                    sent.addAndGet(chunk.length);
                  }
                } catch (IOException closed) {
                  // the test closes the client to stop a writer that is blocked, as it should be
                }
              },
              "test-flood");
      writer.setDaemon(true);
      writer.start();
      long before;
      do { // wait until the client's writes stall: every buffer on the way is full
        before = sent.get();
        Thread.sleep(300);
      } while (sent.get() != before);
      assertTrue(
          sent.get() < 1024L * 64 * 1024, "the client's writes should stall, sent " + sent.get());
      long queued = p.porter().queuedBytes();
      assertTrue(queued <= QUEUE_LIMIT, "porter queues " + queued + " bytes, limit " + QUEUE_LIMIT);
      release.countDown();
      c.close();
      writer.join(10_000);
    }
  }

  @Test
  void anIdleRelayIsClosedBothWaysAndLogged() throws Exception {
    CompletableFuture<Boolean> backendSawEof = new CompletableFuture<>();
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.out.write('x');
                  backendSawEof.complete(c.in.read() == 'y' && c.in.read() < 0);
                });
        RunningPorter p =
            porter(
                "r { socket = \"inet://127.0.0.1:0\", route = \""
                    + b.url()
                    + "\", idle-timeout = 300ms }");
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("r"))) {
      long start = System.nanoTime();
      assertEquals("x", c.readN("x"));
      Thread.sleep(200);
      c.send("y"); // activity: the timer starts over
      assertTrue(c.closedByServer());
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(
          elapsedMillis >= 450,
          "closed after " + elapsedMillis + " ms, activity at 200 ms should delay it");
      assertTrue(backendSawEof.get(10, TimeUnit.SECONDS));
      logs.awaitLine("component r: closing 127.0.0.1:", "idle for 0.3s (idle-timeout)");
    }
  }

  @Test
  void aTcpmuxClientGetsMinusWhenTheBackendRefuses() throws Exception {
    int closedPort = closedPort();
    try (RunningPorter p =
            porter(
                "mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
                "chat { tcpmux-master = mux, route = \"inet://127.0.0.1:" + closedPort + "\" }");
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("mux"))) {
      c.send("chat\r\n");
      assertEquals("-service unavailable (connection refused)\r\n", c.readAll());
      logs.awaitLine(
          "component chat: cannot reach inet://127.0.0.1:" + closedPort, "connection refused");
    }
  }

  @Test
  void aStandaloneRouteClosesTheClientWhenTheBackendRefuses() throws Exception {
    int closedPort = closedPort();
    try (RunningPorter p =
            porter(
                "r { socket = \"inet://127.0.0.1:0\", route = \"inet://127.0.0.1:"
                    + closedPort
                    + "\" }");
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("r"))) {
      assertTrue(c.closedByServer());
      logs.awaitLine("component r: cannot reach", "connection refused");
    }
  }

  @Test
  void aBackendThatDoesNotAnswerInTimeGetsTheClientMinusTimedOut() throws Exception {
    try (FullBacklog full = new FullBacklog();
        RunningPorter p =
            porter(
                "mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
                "chat { tcpmux-master = mux, connect-timeout = 500ms, route = \"inet://127.0.0.1:"
                    + full.port()
                    + "\" }");
        Client c = Client.to(p.port("mux"))) {
      long start = System.nanoTime();
      c.send("chat\r\nbytes sent while porter connects");
      assertEquals("-service unavailable (timed out)\r\n", c.readAll());
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(
          elapsedMillis >= 450 && elapsedMillis < 5000, "refused after " + elapsedMillis + " ms");
    }
  }

  @Test
  void aUnixSocketBackendIsRelayedLikeATcpOne() throws Exception {
    byte[] up = Streams.random(PAYLOAD / 2, 5);
    byte[] down = Streams.random(PAYLOAD / 2, 6);
    CompletableFuture<String> atBackend = new CompletableFuture<>();
    try (Backend b = Backend.unix(dir.resolve("backend.sock"), exchange(down, atBackend));
        RunningPorter p =
            porter("r { socket = \"inet://127.0.0.1:0\", route = \"" + b.url() + "\" }");
        Client c = Client.to(p.port("r"))) {
      exchangeThrough(c, up, down, atBackend);
    }
  }

  @Test
  void manyConcurrentRelaysEachCarryTheirOwnBytes() throws Exception {
    int clients = 50;
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.in.transferTo(c.out);
                  c.close();
                });
        RunningPorter p =
            porter("r { socket = \"inet://127.0.0.1:0\", route = \"" + b.url() + "\" }")) {
      List<Client> open = new ArrayList<>();
      try {
        for (int i = 0; i < clients; i++) open.add(Client.to(p.port("r")));
        for (int i = 0; i < clients; i++) open.get(i).send("client " + i + "\n");
        for (int i = 0; i < clients; i++)
          assertEquals("client " + i + "\n", open.get(i).readLine());
      } finally {
        for (Client c : open) c.close();
      }
      Await.until("every relay to end", () -> p.porter().activeConnections() == 0);
      assertEquals(0, p.porter().queuedBytes());
    }
  }

  @Test
  void socatThroughARouteGetsTheBackendsWholeReply() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        onPath("socat"), "socat is not installed (.ci/run installs it)");
    byte[] up = Streams.random(1024 * 1024, 7);
    Path input = dir.resolve("in");
    Path output = dir.resolve("out");
    java.nio.file.Files.write(input, up);
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.in.transferTo(c.out); // echo to EOF, then close
                  c.close();
                });
        RunningPorter p =
            porter("r { socket = \"inet://127.0.0.1:0\", route = \"" + b.url() + "\" }")) {
      // socat half-closes at the end of its input and waits (-t) for the echo to end.
      Process socat =
          new ProcessBuilder("socat", "-t", "10", "-", "TCP:127.0.0.1:" + p.port("r"))
              .redirectInput(input.toFile())
              .redirectOutput(output.toFile())
              .start();
      assertTrue(socat.waitFor(20, TimeUnit.SECONDS), "socat did not finish");
      assertArrayEquals(up, java.nio.file.Files.readAllBytes(output));
    }
  }

  static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (java.nio.file.Files.isExecutable(Path.of(d, program))) return true;
    }
    return false;
  }

  /** A port nobody listens on: bound, read, released. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * A loopback listener that never accepts, with its accept queue filled: Linux drops further SYNs
   * (tcp_conn_request: accept queue full), so a connect to it hangs until the caller gives up.
   */
  static final class FullBacklog implements AutoCloseable {
    private final ServerSocketChannel server = ServerSocketChannel.open();
    private final List<Socket> fillers = new ArrayList<>();

    FullBacklog() throws IOException {
      server.bind(new InetSocketAddress("127.0.0.1", 0), 1);
      for (int i = 0; i < 16; i++) {
        Socket s = new Socket();
        fillers.add(s);
        try {
          s.connect(server.getLocalAddress(), 300);
        } catch (SocketTimeoutException full) {
          return;
        }
      }
      throw new IOException("the accept queue of a backlog-1 listener never filled");
    }

    int port() throws IOException {
      return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    @Override
    public void close() throws IOException {
      for (Socket s : fillers) s.close();
      server.close();
    }
  }
}
