package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Certificates;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on mux links: a link peer that floods porter with what porter must answer (pings, streams
 * it opens and resets, requests whose answers it never reads), and connections to a receptor's
 * {@code mux.listen} that try to take a working link over. Real porters in this JVM, real sockets
 * on loopback; the attacker is a raw socket speaking (or not) yamux.
 */
class MuxAbuseIT {
  private static final int PING = 2;
  private static final int WINDOW = 1;
  private static final int DATA = 0;
  private static final int GO_AWAY = 3;
  private static final int SYN = 1;
  private static final int FIN = 4;
  private static final int RST = 8;

  private RunningPorter receptor;
  private RunningPorter connector;
  private final List<Socket> attackers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket s : attackers) s.close();
    if (connector != null) connector.close();
    if (receptor != null) receptor.close();
  }

  // ---------------------------------------------------------------- a peer that floods

  /** A porter whose link connects to {@code port}, where the test's fake far end listens. */
  private void connectorTo(int port) throws Exception {
    connector =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents {\n"
                + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                + port
                + "\" }\n"
                + "  echo-exit { mux-link = link, service = echo, builtin = echo }\n"
                + "  day { mux-link = link, service = daytime, builtin = daytime }\n"
                + "  gen { mux-link = link, service = chargen, builtin = chargen }\n}\n");
  }

  /** Accepts porter's link; the flood starts without reading anything of it. */
  private Socket acceptLink(ServerSocket far) throws IOException {
    Socket s = far.accept();
    attackers.add(s);
    s.setSoTimeout(Client.TIMEOUT_MILLIS);
    return s;
  }

  /**
   * Accepts porter's link again and checks that porter opens it with a ping, as a receptor
   * requires.
   */
  private void acceptReconnect(ServerSocket far) throws IOException {
    Socket s = acceptLink(far);
    byte[] first = new DataInputStream(s.getInputStream()).readNBytes(12);
    assertEquals(PING, first[1], "porter's first frame is a ping");
    assertEquals(SYN, first[3], "a ping with SYN");
  }

  @Test
  void aPeerThatFloodsPingsAndNeverReadsIsToldGoAwayAndDropped() throws Exception {
    try (ServerSocket far = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LogCapture logs = new LogCapture()) {
      connectorTo(far.getLocalPort());
      Socket peer = acceptLink(far);
      // 24 MB of pings (porter once queued all their answers), written without reading a byte.
      byte[] flood = repeat(frame(PING, SYN, 0, 7), 2_000_000);
      long[] maxQueued = {0};
      Thread writer = writeInBackground(peer.getOutputStream(), flood);
      Await.until(
          () -> "porter calls it a flood; it holds " + maxQueued[0] + " bytes of answers",
          Duration.ofSeconds(20),
          () -> {
            maxQueued[0] = Math.max(maxQueued[0], connector.porter().queuedBytes());
            return logs.contains("ping flood: more than 1000 at once or 33 a second");
          });
      logs.awaitLine(
          "component link: protocol error from 127.0.0.1:" + far.getLocalPort(),
          "ping flood",
          "dropping the link");
      writer.join(Client.TIMEOUT_MILLIS);
      // The flooder is cut off: its writes fail, and the link is dropped for good.
      assertTrue(!writer.isAlive(), "the flooder's writes ended");
      logs.awaitLine("component link: link with 127.0.0.1:" + far.getLocalPort() + " down");
      assertTrue(maxQueued[0] < 64 * 1024, "porter held " + maxQueued[0] + " bytes of answers");
      // The connector comes back with its backoff, as after any failure.
      acceptReconnect(far);
    }
  }

  @Test
  void aPeerThatOpensAndResetsStreamsFastIsToldGoAwayAndDropped() throws Exception {
    try (ServerSocket far = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LogCapture logs = new LogCapture()) {
      connectorTo(far.getLocalPort());
      Socket peer = acceptLink(far);
      // The HTTP/2 rapid-reset attack in yamux: each stream asks for a service, then is reset.
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = 0; i < 20_000; i++) {
        int id = 2 * i + 2;
        b.write(frame(DATA, SYN, id, 6));
        b.write("echo\r\n".getBytes(StandardCharsets.US_ASCII));
        b.write(frame(WINDOW, RST, id, 0));
      }
      Thread writer = writeInBackground(peer.getOutputStream(), b.toByteArray());
      logs.awaitLine(
          "component link: protocol error from",
          "reset flood: more than 1000 at once or 33 a second");
      writer.join(Client.TIMEOUT_MILLIS);
      assertTrue(!writer.isAlive(), "the flooder's writes ended");
      acceptReconnect(far);
    }
  }

  @Test
  void aPeerThatAsksMoreThanItReadsIsNoLongerReadRatherThanQueuedFor() throws Exception {
    try (ServerSocket far = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LogCapture logs = new LogCapture()) {
      connectorTo(far.getLocalPort());
      Socket peer = acceptLink(far);
      peer.setSendBufferSize(64 * 1024);
      // Each stream asks for the list of exits and ends: no refusal, no reset, nothing a rate limit
      // counts; but each answer is twice the request, and the peer reads none of them.
      int streams = 500_000;
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = 0; i < streams; i++) {
        int id = 2 * i + 2;
        b.write(frame(DATA, SYN, id, 6));
        b.write("help\r\n".getBytes(StandardCharsets.US_ASCII));
        b.write(frame(WINDOW, FIN, id, 0));
      }
      byte[] requests = b.toByteArray();
      AtomicLong written = new AtomicLong();
      AtomicLong lastProgress = new AtomicLong(System.nanoTime());
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = peer.getOutputStream();
                  for (int off = 0; off < requests.length; off += 4096) {
                    out.write(requests, off, Math.min(4096, requests.length - off));
                    written.addAndGet(Math.min(4096, requests.length - off));
                    lastProgress.set(System.nanoTime());
                  }
                } catch (IOException e) {
                  // reported by the assertions below
                }
              },
              "test-asker");
      writer.setDaemon(true);
      writer.start();
      long[] maxQueued = {0};
      Await.until(
          "the asker's writes stall or end",
          Duration.ofSeconds(60),
          () -> {
            maxQueued[0] = Math.max(maxQueued[0], connector.porter().queuedBytes());
            return !writer.isAlive()
                || System.nanoTime() - lastProgress.get() > Duration.ofSeconds(2).toNanos();
          });
      assertTrue(
          writer.isAlive(),
          "porter kept reading: all "
              + requests.length
              + " bytes went in, "
              + maxQueued[0]
              + " bytes of answers queued");
      assertTrue(
          maxQueued[0] < 4 * 1024 * 1024, "porter queued " + maxQueued[0] + " bytes of answers");
      logs.awaitLine("component link:", "which reads too slowly; reading the link waits");
      // Nothing is lost: once the peer reads, every stream gets its whole answer.
      InputStream in = peer.getInputStream();
      int fins = 0;
      byte[] header = new byte[12];
      DataInputStream data = new DataInputStream(in);
      while (fins < streams) {
        data.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        int type = h.get(1);
        int flags = h.getShort(2);
        int length = h.getInt(8);
        if (type == DATA) data.skipNBytes(length);
        if ((type == WINDOW || type == DATA) && (flags & FIN) != 0) fins++;
        if (type == GO_AWAY) throw new AssertionError("porter went away with code " + length);
      }
      writer.join(Client.TIMEOUT_MILLIS);
      assertEquals(requests.length, written.get());
      assertTrue(connector.porter().link("link").orElseThrow().isUp());
    }
  }

  private static Thread writeInBackground(OutputStream out, byte[] bytes) {
    Thread t =
        new Thread(
            () -> {
              try {
                out.write(bytes);
              } catch (IOException cut) {
                // porter dropped the link: what the test waits for
              }
            },
            "test-flooder");
    t.setDaemon(true);
    t.start();
    return t;
  }

  // ---------------------------------------------------------------- connections that try to take a
  // link over

  /** A receptor with an entrance to the connector's echo exit, and the connector, linked. */
  private void startPair(String receptorLink) throws Exception {
    startPair(receptorLink, "");
  }

  private void startPair(String receptorLink, String connectorLink) throws Exception {
    receptor =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents {\n"
                + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\""
                + receptorLink
                + " }\n"
                + "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }\n"
                + "}\n");
    connector =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents {\n"
                + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                + receptor.port("link")
                + "\""
                + connectorLink
                + " }\n  echo-exit { mux-link = link, service = echo, builtin = echo }\n}\n");
    Await.until(
        "the link is up at both ends",
        Duration.ofSeconds(15),
        () ->
            connector.porter().link("link").orElseThrow().isUp()
                && receptor.porter().link("link").orElseThrow().isUp());
  }

  private boolean echoesThroughTheLink(int i) {
    try (Client c = Client.to(receptor.port("to-echo"))) {
      String line = "request " + i + "\n";
      c.send(line);
      return c.readLine().equals(line);
    } catch (IOException e) {
      return false;
    }
  }

  private Socket attacker() throws IOException {
    Socket s = new Socket("127.0.0.1", receptor.port("link"));
    s.setSoTimeout(Client.TIMEOUT_MILLIS);
    attackers.add(s);
    return s;
  }

  @Test
  void connectsThatSendNothingOrNoYamuxLeaveTheWorkingLinkAlone() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startPair("");
      int failed = 0;
      for (int i = 0; i < 45; i++) {
        // Before the hardening, 20 silent connects made 32 of 45 requests through the link fail.
        if (i % 2 == 0 && i < 40) attacker();
        if (i == 41)
          attacker()
              .getOutputStream()
              .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (!echoesThroughTheLink(i)) failed++;
      }
      assertEquals(0, failed, "requests through the link that failed");
      assertEquals(1, receptor.porter().links().get(0).sessions(), "the link was never replaced");
      logs.awaitLine(
          "component link: 127.0.0.1:", "does not carry the link: opened with version 71, not 0");
      // Eight connections at most wait to prove themselves; the oldest make way.
      logs.awaitLine(
          "component link: 127.0.0.1:", "more than 8 connections are waiting to carry the link");
    }
  }

  @Test
  void aConnectionThatSpeaksYamuxIsRefusedWhileTheLinkAnswersItsPing() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startPair("");
      Socket intruder = attacker();
      intruder.getOutputStream().write(frame(PING, SYN, 0, 1));
      DataInputStream in = new DataInputStream(intruder.getInputStream());
      byte[] reply = in.readNBytes(12);
      assertEquals(GO_AWAY, reply[1], "the intruder is told to go away");
      assertEquals(-1, in.read(), "and closed");
      logs.awaitLine(
          "component link: refused 127.0.0.1:",
          "as a new connection for the link: the link with",
          "is alive (it answered a ping");
      assertEquals(1, receptor.porter().links().get(0).sessions());
      assertTrue(echoesThroughTheLink(0));
    }
  }

  @Test
  void onAMutualTlsReceptorConnectsThatStallOrFailTheHandshakeLeaveTheLinkAlone(@TempDir Path dir)
      throws Exception {
    Certificates certs = Certificates.make(dir);
    try (LogCapture logs = new LogCapture()) {
      startPair(
          ", mux.tls { cert = \""
              + certs.cert("server")
              + "\", key = \""
              + certs.key("server")
              + "\", ca = \""
              + certs.cert("ca")
              + "\" }",
          ", mux.tls { ca = \""
              + certs.cert("ca")
              + "\", cert = \""
              + certs.cert("client")
              + "\", key = \""
              + certs.key("client")
              + "\" }");
      int failed = 0;
      for (int i = 0; i < 12; i++) {
        if (i % 3 == 0) attacker();
        if (i % 3 == 1) attacker().getOutputStream().write(frame(PING, SYN, 0, 1));
        if (i % 3 == 2) tlsWithoutCertificate(certs);
        if (!echoesThroughTheLink(i)) failed++;
      }
      assertEquals(0, failed, "requests through the link that failed");
      assertEquals(1, receptor.porter().links().get(0).sessions(), "the link was never replaced");
      logs.awaitLine("component link: tls handshake with 127.0.0.1:", "failed");
    }
  }

  /** A TLS client that trusts the receptor but shows no certificate of its own. */
  private void tlsWithoutCertificate(Certificates certs) throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream pem = java.nio.file.Files.newInputStream(certs.cert("ca"))) {
      trust.setCertificateEntry(
          "ca",
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    javax.net.ssl.SSLSocket s =
        (javax.net.ssl.SSLSocket)
            ctx.getSocketFactory()
                .createSocket(attacker(), "localhost", receptor.port("link"), true);
    try {
      s.startHandshake();
      s.getOutputStream().write(frame(PING, SYN, 0, 1));
      s.getOutputStream().flush();
    } catch (IOException refused) {
      // TLS 1.2 refuses it during the handshake, TLS 1.3 right after
    }
  }

  @Test
  void withReplaceAllowAConnectionThatSpeaksYamuxTakesTheLinkOver() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startPair(", mux.replace = allow");
      Socket newcomer = attacker();
      newcomer.getOutputStream().write(frame(PING, SYN, 0, 1));
      logs.awaitLine(
          "component link: a new connection from 127.0.0.1:",
          "replaces the link with",
          "(mux.replace = allow)");
      Await.until(
          "the newcomer carries the link", () -> receptor.porter().links().get(0).sessions() == 2);
      // The newcomer is the link now: the receptor's pings and streams go to it.
      byte[] header = new DataInputStream(newcomer.getInputStream()).readNBytes(12);
      assertTrue(header[1] == PING, "the receptor opens with a ping on the new session");
    }
  }

  // ---------------------------------------------------------------- frames

  private static byte[] frame(int type, int flags, int id, int length) {
    return ByteBuffer.allocate(12)
        .put((byte) 0)
        .put((byte) type)
        .putShort((short) flags)
        .putInt(id)
        .putInt(length)
        .array();
  }

  private static byte[] repeat(byte[] one, int times) {
    byte[] all = new byte[one.length * times];
    for (int i = 0; i < times; i++) System.arraycopy(one, 0, all, i * one.length, one.length);
    return all;
  }
}
