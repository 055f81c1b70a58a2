package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.net.ProxyHeader;
import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An attacker and the PROXY protocol: a header believed only from the balancer, never from a client
 * claiming to be someone else; a header consumed exactly, so that a spawned program gets every byte
 * after it; and nothing lost when a connection changes loops right after its header.
 */
class ProxyAbuseIT {
  /** The balancer is 127.0.0.1; every other loopback address is a client speaking for itself. */
  static final String BALANCER_ONLY =
      "acls { balancer = [ \"allow from 127.0.0.1\", \"deny any\" ] }\n";

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  @Test
  void aClientThatIsNotTheBalancerCannotClaimTheOneAddressTheAclAllows() throws Exception {
    String conf =
        "shutdown-timeout = 1s\n"
            + BALANCER_ONLY
            + "components {\n"
            + "  e { socket = \"inet://127.0.0.1:0\", builtin = echo, proxy-protocol = accept,\n"
            + "      proxy-protocol-from = balancer, acl = [ \"allow from 10.1.2.3\", \"deny any\""
            + " ] }\n"
            + "}\n";
    byte[] claim = ascii("PROXY TCP4 10.1.2.3 127.0.0.1 40000 7\r\nhello");
    try (RunningPorter p = RunningPorter.start(conf);
        LogCapture logs = new LogCapture()) {
      try (Client spoofer = Client.from("127.0.0.2", p.port("e"))) {
        spoofer.send(claim);
        assertTrue(spoofer.closedByServer());
      }
      logs.awaitLine(
          "component e: refused 127.0.0.2:", "(proxy-protocol-from: not a trusted PROXY sender)");
      assertTrue(
          logs.lines().stream().noneMatch(l -> l.contains("10.1.2.3")),
          "the claim was never believed");
      try (Client balancer = Client.from("127.0.0.1", p.port("e"))) {
        balancer.send(claim);
        assertEquals("hello", balancer.readN("hello"));
      }
      logs.awaitLine("component e: closed 10.1.2.3:40000 in=");
    }
  }

  @Test
  void aV2HeaderWithAFilesystemSourceOnATcpListenerIsRefused() throws Exception {
    String conf =
        "shutdown-timeout = 1s\n"
            + BALANCER_ONLY
            + "components {\n"
            + "  e { socket = \"inet://127.0.0.1:0\", builtin = echo, proxy-protocol = accept,"
            + " proxy-protocol-from = balancer }\n}\n";
    try (RunningPorter p = RunningPorter.start(conf);
        LogCapture logs = new LogCapture();
        Client c = Client.to(p.port("e"))) {
      c.send(
          ProxyHeader.v2(
              UnixDomainSocketAddress.of("/run/x\nforged"), UnixDomainSocketAddress.of("/run/y")));
      c.send("hello");
      assertTrue(c.closedByServer());
      logs.awaitLine(
          "component e: closed 127.0.0.1:",
          "(proxy-protocol: v2 header with an AF_UNIX source on a TCP connection)");
    }
  }

  /** What HAProxy does: the header and the client's first bytes in one segment. */
  @Test
  void aHeaderAndDataInOneSegmentReachASpawnedProgramWhole() throws Exception {
    String conf =
        "shutdown-timeout = 1s\n"
            + BALANCER_ONLY
            + "components {\n"
            + "  cat { socket = \"inet://127.0.0.1:0\", command = /bin/cat, proxy-protocol ="
            + " accept, proxy-protocol-from = balancer }\n"
            + "}\n";
    byte[] data = ascii("every byte after the header\n");
    try (RunningPorter p = RunningPorter.start(conf)) {
      byte[][] headers = {
        ascii("PROXY TCP4 192.0.2.7 127.0.0.1 51514 7\r\n"),
        ascii("PROXY UNKNOWN\r\n"),
        ProxyHeader.v2(
            new InetSocketAddress("192.0.2.7", 51514), new InetSocketAddress("127.0.0.1", 7)),
      };
      for (byte[] header : headers) {
        try (Client c = Client.to(p.port("cat"))) {
          assertArrayEquals(data, c.sendAllAndReadBack(concat(header, data)));
        }
      }
    }
  }

  @Test
  void aHeaderANameLineAndDataInOneSegmentReachASpawnedSubordinateWhole() throws Exception {
    String conf =
        "shutdown-timeout = 1s\n"
            + BALANCER_ONLY
            + "components {\n"
            + "  tcpmux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux, proxy-protocol ="
            + " accept, proxy-protocol-from = balancer }\n"
            + "  cat { tcpmux-master = tcpmux, command = /bin/cat }\n"
            + "}\n";
    byte[] data = ascii("after the name line\n");
    try (RunningPorter p = RunningPorter.start(conf);
        Client c = Client.to(p.port("tcpmux"))) {
      byte[] back =
          c.sendAllAndReadBack(
              concat(ascii("PROXY TCP4 192.0.2.7 127.0.0.1 51514 7\r\ncat\r\n"), data));
      assertArrayEquals(concat(ascii("+\r\n"), data), back);
    }
  }

  /**
   * The connection moves to the link's loop right after its header: not a byte may be read on the
   * old loop meanwhile. 400 KB, 50 times, through two porters with two loops each.
   */
  @Test
  void fourHundredKilobytesThroughAProxyMuxEntranceArriveWholeFiftyTimes() throws Exception {
    try (RunningPorter far =
            RunningPorter.start(
                "shutdown-timeout = 1s\ncomponents {\n"
                    + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\" }\n"
                    + "  echo-exit { mux-link = link, service = echo, builtin = echo }\n}\n");
        RunningPorter near =
            RunningPorter.start(
                "shutdown-timeout = 1s\n"
                    + BALANCER_ONLY
                    + "components {\n"
                    + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                    + far.port("link")
                    + "\" }\n"
                    + "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\","
                    + " proxy-protocol = accept, proxy-protocol-from = balancer }\n"
                    + "}\n")) {
      Await.until(
          "the link is up",
          Duration.ofSeconds(15),
          () -> near.porter().link("link").orElseThrow().isUp());
      Random random = new Random(400_000);
      for (int i = 0; i < 50; i++) {
        byte[] payload = new byte[400_000];
        random.nextBytes(payload);
        byte[] header =
            ProxyHeader.v2(
                new InetSocketAddress("192.0.2.7", 40000 + i),
                new InetSocketAddress("127.0.0.1", 7));
        try (Client c = Client.to(near.port("to-echo"))) {
          byte[] back = c.sendAllAndReadBack(concat(header, payload));
          assertEquals(payload.length, back.length, "trial " + i + ": bytes echoed");
          assertArrayEquals(payload, back, "trial " + i);
        }
      }
    }
  }
}
