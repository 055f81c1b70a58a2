package dev.porter.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Client;
import dev.porter.testing.RunningPorter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in telnet proxy between real sockets: a scripted TELNET session, MCCP2, many clients.
 */
class TelnetProxyIT {
  private static final int IAC = 255;
  private static final int SB = 250;
  private static final int SE = 240;
  private static final int WILL = 251;
  private static final int DO = 253;
  private static final int NAWS = 31;
  private static final int TTYPE = 24;
  private static final int COMPRESS2 = 86;

  /** Large enough for many reads and many IAC bytes (random data holds one 0xFF in 256). */
  private static final int PAYLOAD = 3 * 1024 * 1024;

  @TempDir Path dir;

  static byte[] bytes(int... b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) r[i] = (byte) b[i];
    return r;
  }

  /** Application data as TELNET carries it: every 0xFF doubled. */
  static byte[] escaped(byte[] data) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(data.length + data.length / 128);
    for (byte b : data) {
      o.write(b);
      if (b == (byte) IAC) o.write(b);
    }
    return o.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) o.writeBytes(p);
    return o.toByteArray();
  }

  static byte[] deflate(byte[] data) {
    Deflater d = new Deflater();
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    while (!d.finished()) o.write(buf, 0, d.deflate(buf));
    d.end();
    return o.toByteArray();
  }

  /** Inflates a zlib stream that may not be finished (a proxy's sync-flushed stream stays open). */
  static byte[] inflate(byte[] data, int off) throws Exception {
    Inflater z = new Inflater();
    z.setInput(data, off, data.length - off);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = z.inflate(buf)) > 0 || !z.needsInput() && !z.finished()) o.write(buf, 0, n);
    z.end();
    return o.toByteArray();
  }

  /** Reads to EOF on a thread of its own (not the common pool: it may have one thread here). */
  static CompletableFuture<byte[]> readAll(java.io.InputStream in) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                f.complete(in.readAllBytes());
              } catch (Exception e) {
                f.completeExceptionally(e);
              }
            },
            "test-read-all");
    t.setDaemon(true);
    t.start();
    return f;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  static RunningPorter porter(String... components) throws Exception {
    return RunningPorter.start(
        "shutdown-timeout = 1s\ncomponents {\n" + String.join("\n", components) + "\n}");
  }

  // What the client says: negotiation, NAWS and TTYPE subnegotiations, then escaped data.
  static final byte[] CLIENT_OPENING =
      concat(
          bytes(IAC, WILL, NAWS, IAC, WILL, TTYPE),
          bytes(IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE),
          bytes(IAC, SB, TTYPE, 0),
          "xterm-256color".getBytes(StandardCharsets.US_ASCII),
          bytes(IAC, SE));
  // What the server says before it turns MCCP2 on: a greeting, negotiation, TTYPE SEND, a GA.
  static final byte[] SERVER_OPENING =
      concat(
          "Welcome\r\n".getBytes(StandardCharsets.US_ASCII),
          bytes(IAC, DO, NAWS, IAC, DO, TTYPE, IAC, WILL, COMPRESS2),
          bytes(IAC, SB, TTYPE, 1, IAC, SE, IAC, 249));
  static final byte[] MCCP2 = bytes(IAC, SB, COMPRESS2, IAC, SE);

  @Test
  void aScriptedSessionWithMccp2ArrivesIntactBothWays() throws Exception {
    byte[] up = concat(CLIENT_OPENING, escaped(Streams.random(PAYLOAD, 11)));
    byte[] downPlain = escaped(Streams.random(PAYLOAD, 12));
    CompletableFuture<byte[]> atBackend = new CompletableFuture<>();
    try (Backend b =
            Backend.tcp(
                c -> {
                  CompletableFuture<byte[]> in = readAll(c.in);
                  c.out.write(SERVER_OPENING);
                  c.out.write(MCCP2);
                  c.out.write(
                      deflate(
                          downPlain)); // MCCP2: the rest of the stream, compressed by java.util.zip
                  c.out.flush();
                  atBackend.complete(in.get(30, TimeUnit.SECONDS));
                  c.close();
                });
        RunningPorter p =
            porter(
                "mud { socket = \"inet://127.0.0.1:0\", builtin = telnet-proxy,"
                    + " route = \""
                    + b.url()
                    + "\", telnet-log = \""
                    + dir.resolve("mud")
                    + "\" }");
        Client c = Client.to(p.port("mud"))) {
      CompletableFuture<byte[]> atClient = readAll(c.in());
      Streams.writeThen(c.out(), up, c::shutdownOutput).get(30, TimeUnit.SECONDS);
      // Proxy mode re-encodes each event the way it came: the client's bytes reach the backend as
      // sent.
      assertEquals(Streams.sha256(up), Streams.sha256(atBackend.get(30, TimeUnit.SECONDS)));
      byte[] got = atClient.get(30, TimeUnit.SECONDS);
      int marker = indexOf(got, MCCP2);
      assertTrue(marker >= 0, "the client saw COMPRESS2 start");
      assertArrayEquals(SERVER_OPENING, java.util.Arrays.copyOf(got, marker));
      // Recompressed by the proxy: different compressed bytes, the same TELNET stream inside.
      byte[] inflated = inflate(got, marker + MCCP2.length);
      assertEquals(
          Streams.sha256(downPlain) + " " + downPlain.length,
          Streams.sha256(inflated) + " " + inflated.length);
      b.assertNoFailure();
    }
    List<String> log = awaitLogFile("mud.");
    assertTrue(log.contains("client> WILL 31"), log.subList(0, 10).toString());
    assertTrue(log.contains("client> SUBNEGOTIATION 31 00500018"));
    assertTrue(log.contains("client> TTYPE IS " + hex("xterm-256color")));
    assertTrue(log.contains("server> DO 31"));
    assertTrue(log.contains("server> TTYPE SEND"));
    assertTrue(log.contains("server> IAC 249"));
    assertTrue(log.contains("server> SUBNEGOTIATION 86 -"));
    // The backend finished its zlib stream: the server side stops inflating; the client's stays
    // open.
    assertEquals(
        List.of("client> COMPRESS 1", "server> COMPRESS 1", "server> COMPRESS 0"),
        log.stream().filter(l -> l.contains("COMPRESS")).toList());
    assertTrue(log.stream().anyMatch(l -> l.startsWith("server> DATA ")));
  }

  private static String hex(String s) {
    return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
  }

  private List<String> awaitLogFile(String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> found =
            files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
        if (found.size() == 1) {
          List<String> lines = Files.readAllLines(found.get(0), StandardCharsets.US_ASCII);
          if (!lines.isEmpty() && lines.contains("server> COMPRESS 0")) return lines;
        }
      }
      if (System.nanoTime() > deadline)
        throw new AssertionError("no telnet-log file " + prefix + "* in " + dir);
      Thread.sleep(50);
    }
  }

  @Test
  void aClientThatStopsReadingStopsPorterInflatingInsteadOfQueuing() throws Exception {
    byte[] plain = escaped(Streams.random(24 * 1024 * 1024, 13));
    byte[] stream = concat(MCCP2, deflate(plain)); // random data: zlib cannot shrink it
    AtomicLong sent = new AtomicLong();
    try (Backend b =
            Backend.tcp(
                c -> {
                  for (int off = 0; off < stream.length; off += 64 * 1024) {
                    c.out.write(stream, off, Math.min(64 * 1024, stream.length - off));
                    sent.set(off);
                  }
                  c.out.flush();
                  c.in.transferTo(java.io.OutputStream.nullOutputStream());
                });
        RunningPorter p =
            porter(
                "mud { socket = \"inet://127.0.0.1:0\", builtin = telnet-proxy,"
                    + " route = \""
                    + b.url()
                    + "\" }");
        Client c = Client.to(p.port("mud"))) {
      long before;
      do { // wait until the backend's writes stall: the client reads nothing, every buffer fills
        before = sent.get();
        Thread.sleep(300);
      } while (sent.get() != before);
      assertTrue(
          sent.get() < stream.length - 64 * 1024,
          "the backend's writes should stall, sent " + sent.get());
      // What porter holds for the pair: a turn's output queued, not the stream inflated.
      long queued = p.porter().queuedBytes();
      assertTrue(queued <= 2 * TelnetProxy.OUT_STAGE, "porter queues " + queued + " bytes");
      // Then the client reads, and the stream arrives whole, compressed again by porter.
      assertArrayEquals(MCCP2, c.readN(MCCP2.length));
      Inflater z = new Inflater();
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] in = new byte[64 * 1024];
      byte[] out = new byte[256 * 1024];
      long total = 0;
      while (total < plain.length) {
        int n = c.in().read(in);
        assertTrue(n > 0, "the stream ended after " + total + " of " + plain.length + " bytes");
        z.setInput(in, 0, n);
        for (int k; (k = z.inflate(out)) > 0; ) {
          sha.update(out, 0, k);
          total += k;
        }
      }
      z.end();
      assertEquals(plain.length, total);
      assertEquals(Streams.sha256(plain), java.util.HexFormat.of().formatHex(sha.digest()));
      b.assertNoFailure();
    }
  }

  @Test
  void throughTcpmuxPlusComesOnceTheBackendAnsweredAndEarlyBytesArePartOfTheSession()
      throws Exception {
    CompletableFuture<byte[]> atBackend = new CompletableFuture<>();
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.out.write(SERVER_OPENING);
                  atBackend.complete(c.in.readNBytes(CLIENT_OPENING.length));
                  c.close();
                });
        RunningPorter p =
            porter(
                "tcpmux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
                "mud { tcpmux-master = tcpmux, builtin = telnet-proxy, route = \""
                    + b.url()
                    + "\" }");
        Client c = Client.to(p.port("tcpmux"))) {
      // The name line and the first TELNET bytes in one segment: the proxy parses them first.
      c.send(concat("mud\r\n".getBytes(StandardCharsets.US_ASCII), CLIENT_OPENING));
      assertEquals("+\r\n", c.readN("+\r\n"));
      assertArrayEquals(SERVER_OPENING, c.readN(SERVER_OPENING.length));
      assertArrayEquals(CLIENT_OPENING, atBackend.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aBackendThatIsDownGetsTheTcpmuxClientAMinusReply() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (RunningPorter p =
            porter(
                "tcpmux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
                "mud { tcpmux-master = tcpmux, builtin = telnet-proxy, route = \"inet://127.0.0.1:"
                    + closedPort
                    + "\" }");
        Client c = Client.to(p.port("tcpmux"))) {
      c.send("mud\r\n");
      String reply = c.readLine();
      assertTrue(reply.startsWith("-service unavailable (connection refused"), reply);
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void manyClientsAtOnceEachGetTheirOwnStreamBack() throws Exception {
    int clients = 40;
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.in.transferTo(c.out); // a TELNET echo: well-formed input comes back the same
                  c.close();
                });
        RunningPorter p =
            porter(
                "mud { socket = \"inet://127.0.0.1:0\", builtin = telnet-proxy,"
                    + " route = \""
                    + b.url()
                    + "\" }")) {
      List<CompletableFuture<String>> results = new ArrayList<>();
      List<Client> open = new ArrayList<>();
      try {
        for (int i = 0; i < clients; i++) {
          byte[] mine = concat(CLIENT_OPENING, escaped(Streams.random(128 * 1024 + i, 100 + i)));
          Client c = Client.to(p.port("mud"));
          open.add(c);
          CompletableFuture<String> back = Streams.digestToEof(c.in());
          Streams.writeThen(c.out(), mine, c::shutdownOutput);
          results.add(back.thenApply(got -> got.equals(Streams.expected(mine)) ? "ok" : got));
        }
        for (CompletableFuture<String> r : results) assertEquals("ok", r.get(60, TimeUnit.SECONDS));
      } finally {
        for (Client c : open) c.close();
      }
      b.assertNoFailure();
    }
  }

  @Test
  void aSilentSessionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Backend b =
            Backend.tcp(
                c -> {
                  c.in.transferTo(java.io.OutputStream.nullOutputStream());
                  c.close();
                });
        RunningPorter p =
            porter(
                "mud { socket = \"inet://127.0.0.1:0\", builtin = telnet-proxy,"
                    + " route = \""
                    + b.url()
                    + "\", idle-timeout = 300ms }");
        dev.porter.testing.LogCapture logs = new dev.porter.testing.LogCapture();
        Client c = Client.to(p.port("mud"))) {
      c.send(CLIENT_OPENING);
      assertTrue(c.closedByServer());
      logs.awaitLine("component mud: closing 127.0.0.1:", "(idle-timeout)");
    }
  }
}
