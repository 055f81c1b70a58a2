package dev.porter.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two porters in this JVM joined by a mux link on loopback. */
class MuxLinkIT {
  private RunningPorter receptor;
  private RunningPorter connector;
  private TcpProxy proxy;

  @AfterEach
  void stop() throws Exception {
    if (connector != null) connector.close();
    if (receptor != null) receptor.close();
    if (proxy != null) proxy.close();
  }

  /** Starts the receptor, then the connector (through a cuttable proxy when asked). */
  private void startPair(String receptorComponents, String connectorComponents, boolean viaProxy)
      throws Exception {
    receptor =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents {\n"
                + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\" }\n"
                + receptorComponents
                + "\n}\n");
    int port = receptor.port("link");
    if (viaProxy) {
      proxy = new TcpProxy(port);
      port = proxy.port();
    }
    connector =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents {\n"
                + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                + port
                + "\" }\n"
                + connectorComponents
                + "\n}\n");
    awaitLinkUp();
  }

  private void startPair(String receptorComponents, String connectorComponents) throws Exception {
    startPair(receptorComponents, connectorComponents, false);
  }

  private void awaitLinkUp() {
    Await.until(
        "the link is up at both ends",
        Duration.ofSeconds(15),
        () ->
            connector.porter().link("link").orElseThrow().isUp()
                && receptor.porter().link("link").orElseThrow().isUp());
  }

  @Test
  void anEntranceReachesAnExitOnTheOtherSide() throws Exception {
    startPair(
        "  echo-exit { mux-link = link, service = echo, builtin = echo }",
        "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }");
    try (Client c = Client.to(connector.port("to-echo"))) {
      c.send("hello\n");
      assertEquals("hello\n", c.readLine());
    }
  }

  @Test
  void entrancesOnBothSidesCarryAHundredConcurrentStreamsWithIntactPayloads() throws Exception {
    String both =
        "  echo-exit { mux-link = link, service = echo, builtin = echo }\n"
            + "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }";
    startPair(both, both);
    int[] ports = {connector.port("to-echo"), receptor.port("to-echo")};
    ExecutorService pool = Executors.newFixedThreadPool(200);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int port = ports[i % 2];
        int seed = i;
        results.add(pool.submit(() -> echoChecked(port, seed, 256 * 1024, pool)));
      }
      for (Future<String> f : results) assertEquals("ok", f.get(60, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        2,
        receptor.porter().links().get(0).sessions() + connector.porter().links().get(0).sessions());
  }

  /** Sends {@code size} random bytes while reading the echo; compares digests. */
  private static String echoChecked(int port, int seed, int size, ExecutorService pool)
      throws Exception {
    byte[] payload = new byte[size];
    new Random(seed).nextBytes(payload);
    try (Client c = Client.to(port)) {
      Future<byte[]> echoed = pool.submit(() -> c.readN(size));
      OutputStream out = c.out();
      for (int off = 0; off < size; off += 8192)
        out.write(payload, off, Math.min(8192, size - off));
      out.flush();
      byte[] back = echoed.get(60, TimeUnit.SECONDS);
      MessageDigest sent = MessageDigest.getInstance("SHA-256");
      MessageDigest got = MessageDigest.getInstance("SHA-256");
      return MessageDigest.isEqual(sent.digest(payload), got.digest(back))
          ? "ok"
          : "stream " + seed + " corrupted";
    }
  }

  @Test
  void aStreamWhoseReaderStallsDoesNotSlowAnotherStream() throws Exception {
    startPair(
        "  chargen-exit { mux-link = link, service = chargen, builtin = chargen }",
        "  to-chargen { socket = \"inet://127.0.0.1:0\", route = \"mux://link/chargen\" }");
    int port = connector.port("to-chargen");
    try (Client stalled = Client.to(port);
        Client flowing = Client.to(port)) {
      stalled.readN(100); // the stream is up; now its reader stops reading
      long start = System.nanoTime();
      int total = 64 * 1024 * 1024;
      byte[] buf = new byte[65536];
      InputStream in = flowing.in();
      for (int got = 0; got < total; ) {
        int n = in.read(buf);
        assertTrue(n > 0, "the flowing stream ended early");
        got += n;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds < 30, "64 MiB took " + seconds + "s next to a stalled stream");
      // The stalled stream is intact: it reads on where it stopped.
      assertEquals(100, stalled.readN(100).length);
    }
  }

  @Test
  void aLinkCutMidTransferResetsItsStreamsAndTheConnectorComesBack() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startPair(
          "  echo-exit { mux-link = link, service = echo, builtin = echo }",
          "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }",
          true);
      int port = connector.port("to-echo");
      try (Client c = Client.to(port)) {
        byte[] chunk = new byte[65536];
        for (int i = 0; i < 16; i++) c.send(chunk);
        c.readN(65536);
        proxy.cut();
        // The client sees its connection end, not a hang.
        boolean ended = false;
        try {
          byte[] buf = new byte[65536];
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (System.nanoTime() < deadline) {
            if (c.in().read(buf) < 0) {
              ended = true;
              break;
            }
          }
        } catch (IOException reset) {
          ended = true;
        }
        assertTrue(ended, "the client's connection was closed when the link dropped");
      }
      logs.awaitLine("component link", "down", "stream(s) reset");
      Await.until(
          "the connector reconnected",
          Duration.ofSeconds(15),
          () -> connector.porter().link("link").orElseThrow().status().sessions() >= 2);
      awaitLinkUp();
      try (Client c = Client.to(port)) {
        c.send("again\n");
        assertEquals("again\n", c.readLine());
      }
    }
  }

  @Test
  void aFarPorterThatRestartsWhileItsOldLinkLooksAliveTakesTheLinkOverWithinSeconds()
      throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startPair(
          "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }",
          "  echo-exit { mux-link = link, service = echo, builtin = echo }",
          true);
      // The path to the old far porter dies silently: the receptor's session looks alive.
      proxy.freeze();
      // A crowd of silent connections waits on mux.listen too; it must not keep the far porter out.
      List<Socket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) silent.add(new Socket("127.0.0.1", receptor.port("link")));
        long start = System.nanoTime();
        try (RunningPorter restarted =
            RunningPorter.start(
                "shutdown-timeout = 1s\ncomponents {\n"
                    + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                    + receptor.port("link")
                    + "\" }\n"
                    + "  echo-exit { mux-link = link, service = echo, builtin = echo }\n}\n")) {
          Await.until(
              "the restarted far porter carries the link",
              Duration.ofSeconds(20),
              () ->
                  receptor.porter().links().get(0).sessions() == 2
                      && restarted.porter().link("link").orElseThrow().isUp());
          long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
          assertTrue(seconds < 15, "the link came back after " + seconds + " s");
          logs.awaitLine(
              "component link: the link with 127.0.0.1:",
              "did not answer a ping within 5s;",
              "takes it over");
          try (Client c = Client.to(receptor.port("to-echo"))) {
            c.send("back\n");
            assertEquals("back\n", c.readLine());
          }
        }
      } finally {
        for (Socket s : silent) s.close();
      }
    }
  }

  @Test
  void streamsBeyondTheReceptorsCapAreRefusedAndTheOthersGoOn() throws Exception {
    receptor =
        RunningPorter.start(
            "shutdown-timeout = 1s\n"
                + "components {\n"
                + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\", mux.max-streams = 2"
                + " }\n"
                + "  echo-exit { mux-link = link, service = echo, builtin = echo }\n"
                + "}\n");
    connector =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents {\n"
                + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                + receptor.port("link")
                + "\" }\n"
                + "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }\n"
                + "}\n");
    awaitLinkUp();
    int port = connector.port("to-echo");
    try (Client a = Client.to(port);
        Client b = Client.to(port)) {
      a.send("a\n");
      b.send("b\n");
      assertEquals("a\n", a.readLine());
      assertEquals("b\n", b.readLine());
      try (Client third = Client.to(port)) {
        third.send("c\n");
        assertTrue(third.closedByServer(), "the third stream is refused by the receptor's cap");
      }
      a.send("still\n");
      assertEquals("still\n", a.readLine());
    }
    Await.until(
        "the receptor's streams ended", () -> receptor.porter().links().get(0).streams() == 0);
    try (Client again = Client.to(port)) {
      again.send("again\n");
      assertEquals("again\n", again.readLine());
    }
    assertEquals(
        1, receptor.porter().links().get(0).sessions(), "refused streams leave the session alone");
  }

  @Test
  void anUnknownNameIsRefusedWithMinusAndTheReasonLogged() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startPair(
          "",
          "  nowhere { socket = \"inet://127.0.0.1:0\", route = \"mux://link/nosuch\" }\n"
              + "  master { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }\n"
              + "  far { tcpmux-master = master, route = \"mux://link/nosuch\" }");
      try (Client c = Client.to(connector.port("nowhere"))) {
        assertTrue(c.closedByServer());
      }
      logs.awaitLine("component nowhere", "refused by the far end of link link", "unknown service");
      // Through a TCPMUX master the client gets the far end's own reply.
      try (Client c = Client.to(connector.port("master"))) {
        c.send("far\r\n");
        assertEquals("-unknown service\r\n", c.readLine());
        assertTrue(c.closedByServer());
      }
    }
  }

  @Test
  void throughATcpmuxMasterTheClientGetsTheFarEndsPlus() throws Exception {
    startPair(
        "  echo-exit { mux-link = link, service = echo, builtin = echo }",
        "  master { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }\n"
            + "  far-echo { tcpmux-master = master, route = \"mux://link/echo\" }");
    try (Client c = Client.to(connector.port("master"))) {
      c.send("far-echo\r\nhi\n");
      assertEquals("+\r\n", c.readLine());
      assertEquals("hi\n", c.readLine());
    }
  }

  @Test
  void helpOverAStreamListsTheExits() throws Exception {
    startPair(
        "  echo-exit { mux-link = link, service = echo, builtin = echo }\n"
            + "  day { mux-link = link, service = daytime, builtin = daytime }",
        "  ask { socket = \"inet://127.0.0.1:0\", route = \"mux://link/help\" }");
    try (Client c = Client.to(connector.port("ask"))) {
      assertEquals("echo\r\ndaytime\r\n", c.readAll());
    }
  }

  @Test
  void halfCloseCarriesAcrossTheLinkBothWays() throws Exception {
    startPair(
        "  echo-exit { mux-link = link, service = echo, builtin = echo }",
        "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }");
    try (Client c = Client.to(connector.port("to-echo"))) {
      c.send("last words");
      c.shutdownOutput();
      assertEquals("last words", c.readAll());
    }
  }

  @Test
  void aCommandExitServesTheStreamOnARealSocket() throws Exception {
    startPair(
        "  cat { mux-link = link, command = \"/bin/cat\" }",
        "  to-cat { socket = \"inet://127.0.0.1:0\", route = \"mux://link/cat\" }");
    try (Client c = Client.to(connector.port("to-cat"))) {
      c.send("through a child\n");
      assertEquals("through a child\n", c.readLine());
      c.shutdownOutput();
      assertEquals("", c.readAll());
    }
  }

  @Test
  void aRouteExitRelaysToItsBackend() throws Exception {
    try (ServerSocket backend = new ServerSocket(0)) {
      Thread t =
          new Thread(
              () -> {
                try (Socket s = backend.accept()) {
                  byte[] all = s.getInputStream().readAllBytes();
                  s.getOutputStream()
                      .write(("got " + all.length + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                  // the test fails on its own
                }
              });
      t.setDaemon(true);
      t.start();
      startPair(
          "  count { mux-link = link, route = \"inet://127.0.0.1:"
              + backend.getLocalPort()
              + "\" }",
          "  to-count { socket = \"inet://127.0.0.1:0\", route = \"mux://link/count\" }");
      try (Client c = Client.to(connector.port("to-count"))) {
        byte[] payload = new byte[3_000_000];
        c.send(payload);
        c.shutdownOutput();
        assertEquals("got 3000000\n", c.readAll());
      }
    }
  }

  @Test
  void aClientThatResetsItsConnectionResetsTheStreamAndTheBackendSeesItEnd() throws Exception {
    try (ServerSocket backend = new ServerSocket(0)) {
      java.util.concurrent.CompletableFuture<String> seen =
          new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.CountDownLatch firstByte = new java.util.concurrent.CountDownLatch(1);
      Thread t =
          new Thread(
              () -> {
                try (Socket s = backend.accept()) {
                  s.setSoTimeout(10_000);
                  InputStream in = s.getInputStream();
                  int first = in.read();
                  firstByte.countDown();
                  int next = in.read();
                  seen.complete(
                      "first " + (char) first + ", then " + (next < 0 ? "EOF" : "byte " + next));
                } catch (IOException e) {
                  seen.complete("first, then " + e.getClass().getSimpleName());
                }
              });
      t.setDaemon(true);
      t.start();
      startPair(
          "  back { mux-link = link, route = \"inet://127.0.0.1:" + backend.getLocalPort() + "\" }",
          "  to-back { socket = \"inet://127.0.0.1:0\", route = \"mux://link/back\" }");
      Client c = Client.to(connector.port("to-back"));
      c.send("x");
      assertTrue(firstByte.await(10, TimeUnit.SECONDS), "the stream reached the backend");
      c.socket().setSoLinger(true, 0);
      c.close(); // RST
      String what = seen.get(15, TimeUnit.SECONDS);
      assertTrue(what.startsWith("first x, then "), what);
    }
  }

  @Test
  void anIdleStreamIsClosedAfterItsIdleTimeout() throws Exception {
    startPair(
        "  echo-exit { mux-link = link, service = echo, builtin = echo }",
        "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\", idle-timeout ="
            + " 1s }");
    try (LogCapture logs = new LogCapture();
        Client c = Client.to(connector.port("to-echo"))) {
      c.send("x");
      assertEquals("x", c.readN("x"));
      long start = System.nanoTime();
      assertTrue(c.closedByServer());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
      logs.awaitLine(
          "component to-echo: closing 127.0.0.1:",
          "on stream 1 of link link idle for 1s (idle-timeout)");
    }
  }

  @Test
  void anIdleStreamIsClosedAfterItsExitsIdleTimeout() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      startPair(
          "  back { mux-link = link, route = \"inet://127.0.0.1:"
              + backend.getLocalPort()
              + "\", idle-timeout = 1s }",
          "  to-back { socket = \"inet://127.0.0.1:0\", route = \"mux://link/back\" }");
      try (LogCapture logs = new LogCapture();
          Client c = Client.to(connector.port("to-back"));
          Socket far = backend.accept()) {
        far.setSoTimeout(10_000);
        c.send("x");
        assertEquals('x', far.getInputStream().read());
        assertEquals(-1, far.getInputStream().read(), "the exit closes its backend after 1 s idle");
        assertTrue(c.closedByServer());
        logs.awaitLine(
            "component back: closing stream 1 of link link from 127.0.0.1:",
            "idle for 1s (idle-timeout)");
      }
    }
  }

  @Test
  void aReloadThatAddsExitsAndEntrancesKeepsTheLinkUp() throws Exception {
    startPair(
        "  echo-exit { mux-link = link, service = echo, builtin = echo }",
        "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }");
    receptor
        .porter()
        .reload(
            dev.porter.config.ConfigLoader.parse(
                "shutdown-timeout = 1s\ncomponents {\n"
                    + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\" }\n"
                    + "  echo-exit { mux-link = link, service = echo, builtin = echo }\n"
                    + "  day { mux-link = link, service = daytime, builtin = daytime }\n}\n",
                "test.conf"));
    connector
        .porter()
        .reload(
            dev.porter.config.ConfigLoader.parse(
                "shutdown-timeout = 1s\ncomponents {\n"
                    + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                    + receptor.port("link")
                    + "\" }\n"
                    + "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }\n"
                    + "  to-day { socket = \"inet://127.0.0.1:0\", route = \"mux://link/daytime\""
                    + " }\n"
                    + "}\n",
                "test.conf"));
    try (Client c = Client.to(connector.port("to-day"))) {
      assertTrue(c.readLine().length() > 10, "daytime answers over the same link");
    }
    LinkStatus status = connector.porter().links().get(0);
    assertEquals(1, status.sessions(), "the link was not re-established");
    assertEquals("up", status.state());
  }

  @Test
  void anExitsLimitsAndAclAnswerWithMinusAcrossTheLink() throws Exception {
    startPair(
        "  echo-exit { mux-link = link, service = echo, builtin = echo, max-instances = 1 }\n"
            + "  cat { mux-link = link, command = \"/bin/cat\", max-instances = 1 }\n"
            + "  secret { mux-link = link, builtin = echo, acl = [ \"deny any\" ] }",
        "  master { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }\n"
            + "  e { tcpmux-master = master, route = \"mux://link/echo\" }\n"
            + "  c { tcpmux-master = master, route = \"mux://link/cat\" }\n"
            + "  s { tcpmux-master = master, route = \"mux://link/secret\" }");
    int port = connector.port("master");
    for (String name : new String[] {"e", "c"}) {
      try (Client first = Client.to(port)) {
        first.send(name + "\r\nx\n");
        assertEquals("+\r\n", first.readLine());
        assertEquals("x\n", first.readLine());
        try (Client second = Client.to(port)) {
          second.send(name + "\r\n");
          assertEquals("-service busy\r\n", second.readLine());
        }
      }
    }
    try (Client c = Client.to(port)) {
      c.send("s\r\n");
      assertEquals("-access denied\r\n", c.readLine());
    }
  }

  @Test
  void theLinkRefusesAPeerItsAclDenies() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      receptor =
          RunningPorter.start(
              "components {\n"
                  + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\", acl = [ \"deny any\""
                  + " ] }\n"
                  + "}\n");
      try (Client c = Client.to(receptor.port("link"))) {
        assertTrue(c.closedByServer());
      }
      logs.awaitLine("component link: refused");
      assertArrayEquals(new long[] {0}, new long[] {receptor.porter().links().get(0).sessions()});
    }
  }
}
