package dev.porter.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Certificates;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two porters in this JVM joined by a mux link over TLS on loopback (certificates from openssl).
 */
class MuxTlsIT {
  private static final String ECHO_EXIT =
      "  echo-exit { mux-link = link, service = echo, builtin = echo }\n";
  private static final String ENTRANCE =
      "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }\n";

  @TempDir Path dir;
  private Certificates certs;
  private RunningPorter receptor;
  private RunningPorter connector;

  @BeforeEach
  void certificates() throws Exception {
    certs = Certificates.make(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (connector != null) connector.close();
    if (receptor != null) receptor.close();
  }

  private void startReceptor(String tls) throws Exception {
    receptor =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents {\n"
                + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\", mux.tls "
                + tls
                + " }\n"
                + ECHO_EXIT
                + "}\n");
  }

  private void startConnector(String tls) throws Exception {
    connector =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents {\n"
                + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                + receptor.port("link")
                + "\", mux.tls "
                + tls
                + " }\n"
                + ENTRANCE
                + "}\n");
  }

  private String serverTls(boolean mutual) {
    return serverTls(mutual, "");
  }

  /** With {@code more} inside the braces, e.g. {@code , peers = [ ... ]}. */
  private String serverTls(boolean mutual, String more) {
    return "{ cert = \""
        + certs.cert("server")
        + "\", key = \""
        + certs.key("server")
        + "\""
        + (mutual ? ", ca = \"" + certs.cert("ca") + "\"" : "")
        + more
        + " }";
  }

  private String clientTls(String ca, boolean withCertificate) {
    return "{ ca = \""
        + certs.cert(ca)
        + "\""
        + (withCertificate
            ? ", cert = \"" + certs.cert("client") + "\", key = \"" + certs.key("client") + "\""
            : "")
        + " }";
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
  void mutualTlsCarriesConcurrentStreamsWithIntactPayloads() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startReceptor(serverTls(true));
      startConnector(clientTls("ca", true));
      awaitLinkUp();
      logs.awaitLine("component link: link up with", "(connector, tls)");
    }
    int port = connector.port("to-echo");
    ExecutorService pool = Executors.newFixedThreadPool(40);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int seed = i;
        results.add(pool.submit(() -> echoChecked(port, seed, 1024 * 1024, pool)));
      }
      for (Future<String> f : results) assertEquals("ok", f.get(60, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    // One session each way: nothing failed and reconnected underneath.
    assertEquals(1, connector.porter().links().get(0).sessions());
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
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return MessageDigest.isEqual(
              sha.digest(payload), MessageDigest.getInstance("SHA-256").digest(back))
          ? "ok"
          : "stream " + seed + " corrupted";
    }
  }

  @Test
  void aConnectorTrustingAnotherCaFailsTheHandshakeAndNoStreamPasses() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startReceptor(serverTls(false));
      startConnector(clientTls("other-ca", false));
      String line =
          logs.awaitLine(
              "component link: tls handshake with 127.0.0.1:"
                  + receptor.port("link")
                  + " failed: ");
      assertTrue(line.contains("PKIX") || line.contains("certificat"), line);
      // The connector tries again with its backoff, failing the same way each time.
      Await.until(
          "a second attempt",
          Duration.ofSeconds(10),
          () ->
              logs.lines().stream()
                      .filter(
                          l -> l.contains("tls handshake with 127.0.0.1:" + receptor.port("link")))
                      .count()
                  >= 2);
      assertFalse(connector.porter().link("link").orElseThrow().isUp());
      assertFalse(receptor.porter().link("link").orElseThrow().isUp());
      assertClientSeesOnlyAClose(connector.port("to-echo"));
    }
  }

  @Test
  void aMutualReceptorRefusesAConnectorWithoutACertificate() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startReceptor(serverTls(true));
      startConnector(clientTls("ca", false));
      logs.awaitLine("component link: tls handshake with 127.0.0.1:", "failed: ");
      // TLS 1.3: the client thinks its part done before the server refuses it; the receptor never
      // starts a session, and whatever the connector started ends at once.
      Thread.sleep(500);
      assertFalse(receptor.porter().link("link").orElseThrow().isUp());
      assertEquals(0, receptor.porter().links().get(0).sessions());
      assertClientSeesOnlyAClose(connector.port("to-echo"));
    }
  }

  @Test
  void aReceptorWithPeersRefusesAClientCertificateThatHoldsNoneOfTheirNames() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startReceptor(
          serverTls(true, ", peers = [ \"CN=far\", \"DNS:near.example.org\", \"IP:192.0.2.7\" ]"));
      startConnector(clientTls("ca", true));
      String line = logs.awaitLine("component link: refused 127.0.0.1:", "(mux.tls.peers)");
      assertTrue(
          line.endsWith(
              "its certificate \"CN=client\" holds none of [CN=far, DNS:near.example.org,"
                  + " IP:192.0.2.7]"),
          line);
      assertEquals(0, receptor.porter().links().get(0).sessions());
      assertFalse(receptor.porter().link("link").orElseThrow().isUp());
    }
  }

  @Test
  void aReceptorWithPeersTakesAClientCertificateByItsCommonNameOrItsSubjectAltNames()
      throws Exception {
    for (String peers :
        new String[] {"\"CN=Client\"", "\"DNS:FAR.example.org\"", "\"CN=x\", \"IP:127.0.0.2\""}) {
      startReceptor(serverTls(true, ", peers = [ " + peers + " ]"));
      startConnector(clientTls("ca", true));
      awaitLinkUp();
      try (Client c = Client.to(connector.port("to-echo"))) {
        c.send("hello\n");
        assertEquals("hello\n", c.readLine(), "with peers = [ " + peers + " ]");
      }
      connector.close();
      receptor.close();
      connector = null;
      receptor = null;
    }
  }

  @Test
  void theConnectorChecksTheServerAgainstServerName() throws Exception {
    startReceptor(serverTls(false));
    startConnector("{ ca = \"" + certs.cert("ca") + "\", server-name = localhost }");
    awaitLinkUp();
    try (Client c = Client.to(connector.port("to-echo"))) {
      c.send("hello\n");
      assertEquals("hello\n", c.readLine());
    }
  }

  @Test
  void aServerNameTheCertificateDoesNotHoldFailsTheHandshake() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startReceptor(serverTls(false));
      startConnector("{ ca = \"" + certs.cert("ca") + "\", server-name = far.example.org }");
      String line =
          logs.awaitLine(
              "component link: tls handshake with 127.0.0.1:"
                  + receptor.port("link")
                  + " failed: ");
      assertTrue(line.contains("far.example.org"), line);
      assertFalse(receptor.porter().link("link").orElseThrow().isUp());
    }
  }

  @Test
  void aPlainTcpClientOnATlsReceptorGetsNoLink() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startReceptor(serverTls(false));
      try (Socket s = new Socket("127.0.0.1", receptor.port("link"))) {
        // A yamux ping frame, not a TLS record.
        s.getOutputStream().write(new byte[] {0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1});
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
          // whatever alert the engine sends, then the close
        }
      }
      logs.awaitLine("component link: tls handshake with 127.0.0.1:", "failed: ");
      assertEquals(0, receptor.porter().links().get(0).sessions());
    }
  }

  private static void assertClientSeesOnlyAClose(int port) throws Exception {
    try (Client c = Client.to(port)) {
      c.send("hello\n");
      assertTrue(c.closedByServer(), "the entrance should close its client while the link is down");
    }
  }
}
