package dev.porter.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.net.ProxyHeader;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** HAProxy's PROXY protocol: accepted in front of porter's checks, sent to a route's backend. */
class ProxyProtocolIT {
  static final String BEHIND_BALANCER =
      String.join(
          "\n",
          "shutdown-timeout = 1s",
          "acls { balancer = [ \"allow from 127.0.0.1\", \"deny any\" ] }",
          "components {",
          "  e { socket = \"inet://127.0.0.1:0\", builtin = echo, proxy-protocol = accept,"
              + " proxy-protocol-from = balancer,",
          "      acl = [ \"allow from 192.0.2.7\", \"deny any\" ] }",
          "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux, proxy-protocol = accept,"
              + " proxy-protocol-from = balancer }",
          "  echo { tcpmux-master = mux, builtin = echo }",
          "}");

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aV1HeaderMakesTheAclAndTheLogsSeeTheRealClient() throws Exception {
    try (RunningPorter p = RunningPorter.start(BEHIND_BALANCER);
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("e"))) {
      c.send("PROXY TCP4 192.0.2.7 198.51.");
      Thread.sleep(50); // the header may arrive in pieces
      c.send("100.1 51514 7\r\nhello");
      assertEquals("hello", c.readN("hello"));
      c.shutdownOutput();
      assertTrue(c.closedByServer());
      logs.awaitLine("component e: closed 192.0.2.7:51514 in=");
    }
  }

  @Test
  void aV2HeaderForAnotherClientIsRefusedByTheAcl() throws Exception {
    try (RunningPorter p = RunningPorter.start(BEHIND_BALANCER);
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("e"))) {
      c.send(
          ProxyHeader.v2(
              new InetSocketAddress("192.0.2.8", 40000), new InetSocketAddress("198.51.100.1", 7)));
      c.send("hello");
      assertTrue(c.closedByServer());
      logs.awaitLine("component e: refused 192.0.2.8:40000 (acl component)");
    }
  }

  @Test
  void aV2HeaderForTheAllowedClientGetsTheService() throws Exception {
    try (RunningPorter p = RunningPorter.start(BEHIND_BALANCER);
        Client c = Client.to(p.port("e"))) {
      c.send(
          ProxyHeader.v2(
              new InetSocketAddress("192.0.2.7", 40000), new InetSocketAddress("198.51.100.1", 7)));
      c.send("hello");
      assertEquals("hello", c.readN("hello"));
    }
  }

  @Test
  void aTcpmuxMasterReadsTheNameLineRightAfterTheHeader() throws Exception {
    try (RunningPorter p = RunningPorter.start(BEHIND_BALANCER);
        Client c = Client.to(p.port("mux"))) {
      c.send("PROXY TCP6 2001:db8::7 2001:db8::1 51514 1\r\necho\r\nping");
      assertEquals("+\r\nping", c.readN("+\r\nping"));
    }
  }

  @Test
  void aConnectionWithoutAHeaderIsClosedAndLogged() throws Exception {
    try (RunningPorter p = RunningPorter.start(BEHIND_BALANCER);
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("e"))) {
      c.send("GET / HTTP/1.0\r\n\r\n");
      assertTrue(c.closedByServer());
      logs.awaitLine(
          "component e: closed 127.0.0.1:", "(proxy-protocol: not a PROXY protocol header)");
    }
  }

  @Test
  void aMalformedHeaderIsClosedAndLogged() throws Exception {
    try (RunningPorter p = RunningPorter.start(BEHIND_BALANCER);
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("e"))) {
      c.send("PROXY TCP4 192.0.2.300 198.51.100.1 1 2\r\nhello");
      assertTrue(c.closedByServer());
      logs.awaitLine("component e: closed 127.0.0.1:", "bad TCP4 address");
    }
  }

  @Test
  void aClientThatStopsInsideTheHeaderIsClosedAndLogged() throws Exception {
    try (RunningPorter p = RunningPorter.start(BEHIND_BALANCER);
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("e"))) {
      c.send("PROXY TCP4 192.0.2.7");
      c.shutdownOutput();
      assertTrue(c.closedByServer());
      logs.awaitLine("component e: closed 127.0.0.1:", "closed before the PROXY header ended");
    }
  }

  /** A backend that reads {@code headerLength} bytes, then echoes; completes with the header. */
  static Backend.Script headerThenEcho(int headerLength, CompletableFuture<byte[]> header) {
    return c -> {
      header.complete(c.in.readNBytes(headerLength));
      c.in.transferTo(c.out);
      c.close();
    };
  }

  @Test
  void sendV1GivesTheBackendTheClientAndPortersAddressesFirst() throws Exception {
    CompletableFuture<byte[]> header = new CompletableFuture<>();
    // The v1 line's length depends on the ports, known only once connected: read up to its LF.
    try (Backend b =
            Backend.tcp(
                c -> {
                  StringBuilder line = new StringBuilder();
                  int ch;
                  while ((ch = c.in.read()) != '\n') line.append((char) ch);
                  header.complete(ascii(line + "\n"));
                  c.in.transferTo(c.out);
                  c.close();
                });
        RunningPorter p =
            RunningPorter.start(
                "components { r { socket = \"inet://127.0.0.1:0\", proxy-protocol = send-v1, route"
                    + " = \""
                    + b.url()
                    + "\" } }");
        Client c = Client.to(p.port("r"))) {
      c.send("after the header");
      assertEquals("after the header", c.readN("after the header"));
      String expected =
          "PROXY TCP4 127.0.0.1 127.0.0.1 "
              + c.socket().getLocalPort()
              + " "
              + p.port("r")
              + "\r\n";
      assertEquals(
          expected, new String(header.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void sendV2GivesTheBackendTheBinaryHeaderFirst() throws Exception {
    CompletableFuture<byte[]> header = new CompletableFuture<>();
    int v2Tcp4 = 16 + 12;
    try (Backend b = Backend.tcp(headerThenEcho(v2Tcp4, header));
        RunningPorter p =
            RunningPorter.start(
                "components { r { socket = \"inet://127.0.0.1:0\", proxy-protocol = send-v2, route"
                    + " = \""
                    + b.url()
                    + "\" } }");
        Client c = Client.to(p.port("r"))) {
      c.send("after the header");
      assertEquals("after the header", c.readN("after the header"));
      byte[] expected =
          ProxyHeader.v2(
              new InetSocketAddress("127.0.0.1", c.socket().getLocalPort()),
              new InetSocketAddress("127.0.0.1", p.port("r")));
      assertArrayEquals(expected, header.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aPorterBehindAPorterSeesTheRealClientThroughV2() throws Exception {
    String inner =
        String.join(
            "\n",
            "shutdown-timeout = 1s",
            "acls { balancer = [ \"allow from 127.0.0.1\", \"deny any\" ] }",
            "components {",
            "  e { socket = \"inet://127.0.0.1:0\", builtin = echo, proxy-protocol = accept,"
                + " proxy-protocol-from = balancer,",
            "      acl = [ \"allow from 127.0.0.5\", \"deny any\" ] }",
            "}");
    try (RunningPorter back = RunningPorter.start(inner);
        RunningPorter front =
            RunningPorter.start(
                "shutdown-timeout = 1s\ncomponents { f { socket = \"inet://127.0.0.1:0\","
                    + " proxy-protocol = send-v2, route = \"inet://127.0.0.1:"
                    + back.port("e")
                    + "\" } }");
        LogCapture logs = new LogCapture()) {
      try (Client c = Client.from("127.0.0.5", front.port("f"))) {
        c.send("through two porters");
        assertEquals("through two porters", c.readN("through two porters"));
      }
      try (Client c = Client.from("127.0.0.6", front.port("f"))) {
        c.send("denied");
        assertTrue(c.closedByServer());
      }
      logs.awaitLine("component e: refused 127.0.0.6:", "(acl component)");
      logs.awaitLine("component e: closed 127.0.0.5:");
    }
  }
}
