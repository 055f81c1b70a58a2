package dev.porter.tcpmux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 1078 as clients meet it, over real loopback sockets. */
class TcpmuxIT {
  static final String CONFIG =
      String.join(
          "\n",
          "shutdown-timeout = 1s",
          "components {",
          "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux, name-timeout = 1s }",
          "  echo { tcpmux-master = mux, builtin = echo }",
          "  discard { tcpmux-master = mux, builtin = discard }",
          "  Daytime { tcpmux-master = mux, builtin = daytime }",
          "  secret { tcpmux-master = mux, builtin = echo, acl = [ \"deny any\" ] }",
          "}");

  static RunningPorter porter;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    porter = RunningPorter.start(CONFIG);
    port = porter.port("mux");
  }

  @AfterAll
  static void stop() throws Exception {
    porter.close();
  }

  @Test
  void helpListsOnlyServicesTheClientMayUseThenCloses() throws IOException {
    try (Client c = Client.to(port)) {
      c.send("help\r\n");
      assertEquals("echo\r\ndiscard\r\nDaytime\r\n", c.readAll());
    }
  }

  @Test
  void aKnownNameGetsPlusAndTheService() throws IOException {
    try (Client c = Client.to(port)) {
      c.send("echo\r\n");
      assertEquals("+\r\n", c.readLine());
      c.send("ping");
      assertEquals("ping", c.readN("ping"));
    }
  }

  @Test
  void namesAreCaseInsensitive() throws IOException {
    try (Client c = Client.to(port)) {
      c.send("ECHO\r\nx");
      assertEquals("+\r\nx", c.readN("+\r\nx"));
    }
    try (Client c = Client.to(port)) {
      c.send("daytime\r\n");
      assertEquals("+\r\n", c.readLine());
      assertTrue(c.readLine().endsWith("\r\n"));
    }
  }

  @Test
  void aBareLineFeedEndsTheName() throws IOException {
    try (Client c = Client.to(port)) {
      c.send("echo\nabc");
      assertEquals("+\r\nabc", c.readN("+\r\nabc"));
    }
  }

  @Test
  void bytesSentWithTheNameLineReachTheServiceUnchanged() throws IOException {
    byte[] payload = new byte[4096];
    new Random(7).nextBytes(payload);
    byte[] wire = new byte[6 + payload.length];
    System.arraycopy("echo\r\n".getBytes(), 0, wire, 0, 6);
    System.arraycopy(payload, 0, wire, 6, payload.length);
    try (Client c = Client.to(port)) {
      c.send(wire);
      assertEquals("+\r\n", c.readN("+\r\n"));
      assertArrayEquals(payload, c.readN(payload.length));
    }
  }

  @Test
  void aNameSplitOverManyPacketsIsAssembled() throws Exception {
    try (Client c = Client.to(port)) {
      c.socket().setTcpNoDelay(true);
      for (char ch : "echo\r\n".toCharArray()) {
        c.send(String.valueOf(ch));
        Thread.yield();
      }
      c.send("z");
      assertEquals("+\r\nz", c.readN("+\r\nz"));
    }
  }

  @Test
  void anUnknownNameGetsMinusAndAReasonThenClose() throws IOException {
    try (Client c = Client.to(port)) {
      c.send("nosuch\r\n");
      assertEquals("-unknown service\r\n", c.readAll());
    }
  }

  @Test
  void aDeniedNameGetsMinusAndIsLoggedWithTheLayer() throws IOException {
    try (LogCapture logs = new LogCapture();
        Client c = Client.to(port)) {
      c.send("secret\r\n");
      assertEquals("-access denied\r\n", c.readAll());
      logs.awaitLine("component secret: refused 127.0.0.1:", "(acl subordinate)");
    }
  }

  @Test
  void anOverLongNameLineGetsMinusAndClose() throws IOException {
    try (Client c = Client.to(port)) {
      c.send("a".repeat(NameLine.MAX_LENGTH + 10));
      assertEquals("-service name too long\r\n", c.readLine());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void binaryGarbageGetsMinusAndClose() throws IOException {
    byte[] junk = new byte[600];
    new Random(3).nextBytes(junk);
    junk[0] = (byte) 0xff;
    try (Client c = Client.to(port)) {
      c.send(junk);
      assertEquals("-invalid service name\r\n", c.readLine());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void aSilentClientIsToldAndClosedAfterTheNameTimeout() throws IOException {
    try (Client c = Client.to(port)) {
      long start = System.nanoTime();
      assertEquals("-timeout\r\n", c.readAll());
      // name-timeout is 1 s: the close came from porter's timer, not the client's 10 s read
      // timeout.
      assertTrue(System.nanoTime() - start < 9_000_000_000L);
    }
  }

  @Test
  void thousandsOfSilentClientsDoNotDelayAFastOne() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 2000; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        idle.add(s);
      }
      try (Client c = Client.to(port)) {
        c.send("echo\r\nfast");
        assertEquals("+\r\nfast", c.readN("+\r\nfast"));
      }
    } finally {
      for (Socket s : idle) s.close();
    }
  }

  @Test
  void tenThousandConnectionsOpenedAndDroppedLeaveNothingBehind() throws Exception {
    for (int i = 0; i < 10_000; i++) {
      try (Socket s = new Socket()) {
        s.setSoLinger(true, 0);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        if (i % 3 == 0) s.getOutputStream().write("ech".getBytes());
      }
    }
    Await.until(
        "all dropped connections to be closed", () -> porter.porter().activeConnections() == 0);
    try (Client c = Client.to(port)) {
      c.send("echo\r\nstill here");
      assertEquals("+\r\nstill here", c.readN("+\r\nstill here"));
    }
  }
}
