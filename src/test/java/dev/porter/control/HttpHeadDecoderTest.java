package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP request head decoder, fed whole, one byte at a time, and at random splits (STYLE 17).
 */
class HttpHeadDecoderTest {
  static final byte[] AFTER = "a body or the next request".getBytes(StandardCharsets.US_ASCII);

  /** How a stream is cut into the buffers the decoder sees. */
  enum Feeder {
    WHOLE,
    ONE_BYTE,
    RANDOM_1,
    RANDOM_2,
    RANDOM_3;

    List<byte[]> split(byte[] all) {
      List<byte[]> parts = new ArrayList<>();
      Random r = new Random(ordinal());
      int off = 0;
      while (off < all.length) {
        int n = this == WHOLE ? all.length : this == ONE_BYTE ? 1 : 1 + r.nextInt(40);
        n = Math.min(n, all.length - off);
        byte[] p = new byte[n];
        System.arraycopy(all, off, p, 0, n);
        parts.add(p);
        off += n;
      }
      return parts;
    }
  }

  /** What feeding gave: the result, the decoder, and every byte the decoder did not take. */
  record Outcome(HttpHeadDecoder.Result result, HttpHeadDecoder decoder, byte[] rest) {}

  static Outcome feed(Feeder feeder, byte[] stream) {
    HttpHeadDecoder d = new HttpHeadDecoder();
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    HttpHeadDecoder.Result result = HttpHeadDecoder.Result.NEED_MORE;
    for (byte[] part : feeder.split(stream)) {
      ByteBuffer b = ByteBuffer.wrap(part);
      if (result == HttpHeadDecoder.Result.NEED_MORE) result = d.feed(b);
      rest.write(part, b.position(), b.remaining());
    }
    return new Outcome(result, d, rest.toByteArray());
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  static Stream<Arguments> byFeeder(Stream<Arguments> cases) {
    List<Arguments> all = new ArrayList<>();
    for (Arguments a : cases.toList()) {
      for (Feeder f : Feeder.values()) {
        Object[] x = a.get();
        Object[] y = new Object[x.length + 1];
        y[0] = x[0];
        y[1] = f;
        System.arraycopy(x, 1, y, 2, x.length - 1);
        all.add(Arguments.of(y));
      }
    }
    return all.stream();
  }

  static Stream<Arguments> validHeads() {
    String prometheus =
        "GET /metrics HTTP/1.1\r\n"
            + "Host: 127.0.0.1:9465\r\n"
            + "User-Agent: Prometheus/2.53.0\r\n"
            + "Accept:"
            + " application/openmetrics-text;version=1.0.0;q=0.5,"
            + "text/plain;version=0.0.4;q=0.4,*/*;q=0.1\r\n"
            + "Accept-Encoding: gzip\r\n"
            + "X-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n";
    return Stream.of(
        Arguments.of("a Prometheus scrape", prometheus, "GET", "/metrics", 1),
        Arguments.of(
            "curl",
            "GET /metrics HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "User-Agent: curl/7.88.1\r\n"
                + "Accept: */*\r\n\r\n",
            "GET",
            "/metrics",
            1),
        Arguments.of(
            "HTTP/1.0 without Host", "GET /metrics HTTP/1.0\r\n\r\n", "GET", "/metrics", 0),
        Arguments.of("HEAD", "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "HEAD", "/metrics", 1),
        Arguments.of(
            "bare LF line ends", "GET /metrics HTTP/1.1\nHost: x\n\n", "GET", "/metrics", 1),
        Arguments.of(
            "empty lines before the request line",
            "\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET",
            "/metrics",
            1),
        Arguments.of(
            "a query",
            "GET /metrics?name[]=porter_spawns_total HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET",
            "/metrics?name[]=porter_spawns_total",
            1),
        Arguments.of(
            "absolute-form",
            "GET http://x:9465/metrics HTTP/1.1\r\nHost: x:9465\r\n\r\n",
            "GET",
            "http://x:9465/metrics",
            1),
        Arguments.of(
            "a method porter does not serve",
            "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n",
            "DELETE",
            "/",
            1),
        Arguments.of(
            "a later HTTP/1 minor version", "GET / HTTP/1.7\r\nHost: x\r\n\r\n", "GET", "/", 7),
        Arguments.of(
            "an empty value, no space, tabs and obs-text",
            "GET / HTTP/1.1\r\nHost:x\r\nX-Empty:\r\nX-Tabs:\ta\tb\t\r\nX-Latin: caf\u00e9\r\n\r\n",
            "GET",
            "/",
            1),
        Arguments.of("host in any case", "GET / HTTP/1.1\r\nhOsT: x\r\n\r\n", "GET", "/", 1),
        Arguments.of(
            "a head of exactly 8 KiB",
            padded("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ", HttpHeadDecoder.MAX_HEAD_BYTES),
            "GET",
            "/metrics",
            1));
  }

  /** {@code start} + padding + CRLF CRLF, exactly {@code total} bytes. */
  static String padded(String start, int total) {
    return start + "p".repeat(total - start.length() - 4) + "\r\n\r\n";
  }

  static Stream<Arguments> validByFeeder() {
    return byFeeder(validHeads());
  }

  @ParameterizedTest(name = "{0}, fed {1}")
  @MethodSource("validByFeeder")
  void aValidHeadGivesItsRequestLineAndLeavesEveryFollowingByte(
      String name, Feeder feeder, String head, String method, String target, int minor) {
    Outcome o = feed(feeder, concat(ascii(head), AFTER));
    assertEquals(HttpHeadDecoder.Result.DONE, o.result(), o.decoder().error());
    assertEquals(new HttpRequestHead(method, target, minor), o.decoder().head());
    assertArrayEquals(AFTER, o.rest());
  }

  static Stream<Arguments> invalidHeads() {
    return Stream.of(
        Arguments.of("HTTP/0.9", "GET /metrics\r\n\r\n", 400, "not METHOD TARGET VERSION"),
        Arguments.of(
            "two spaces",
            "GET  /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
            "not METHOD TARGET VERSION"),
        Arguments.of(
            "a space in the target",
            "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
            "not METHOD TARGET VERSION"),
        Arguments.of(
            "a trailing space",
            "GET /metrics HTTP/1.1 \r\nHost: x\r\n\r\n",
            400,
            "not METHOD TARGET VERSION"),
        Arguments.of(
            "a tab for a space",
            "GET\t/metrics HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
            "byte 0x09 at 3"),
        Arguments.of(
            "NUL in the request line",
            "GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
            "byte 0x00 at 5"),
        Arguments.of(
            "a bare CR", "GET /\rmetrics HTTP/1.1\r\nHost: x\r\n\r\n", 400, "byte 0x0d at 5"),
        Arguments.of(
            "non-ASCII in the target",
            "GET /caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
            "byte 0xe9 at 8"),
        Arguments.of(
            "a method that is no token",
            "G(T /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
            "method is not a token: \"G(T\""),
        Arguments.of(
            "a lower-case version",
            "GET / http/1.1\r\nHost: x\r\n\r\n",
            400,
            "not an HTTP version: \"http/1.1\""),
        Arguments.of(
            "a version of three digits",
            "GET / HTTP/1.10\r\nHost: x\r\n\r\n",
            400,
            "not an HTTP version"),
        Arguments.of(
            "binary garbage",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\n",
            400,
            "byte 0x16 at 0"),
        Arguments.of(
            "HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "\"HTTP/2.0\" is not supported"),
        Arguments.of(
            "HTTP/1.1 without Host", "GET /metrics HTTP/1.1\r\n\r\n", 400, "without a Host field"),
        Arguments.of(
            "two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "2 Host fields"),
        Arguments.of(
            "two Hosts in HTTP/1.0",
            "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n",
            400,
            "2 Host fields"),
        Arguments.of(
            "obsolete line folding",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
            400,
            "obsolete line folding"),
        Arguments.of(
            "space before the colon",
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            400,
            "field name is not a token: \"Host \""),
        Arguments.of(
            "a field without a colon",
            "GET / HTTP/1.1\r\nHost\r\n\r\n",
            400,
            "field line without a name"),
        Arguments.of(
            "a field without a name",
            "GET / HTTP/1.1\r\n: x\r\n\r\n",
            400,
            "field line without a name"),
        Arguments.of(
            "NUL in a value",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n",
            400,
            "field \"X-A\" has byte 0x00"),
        Arguments.of(
            "a bare CR in a value",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
            400,
            "field \"X-A\" has byte 0x0d"),
        Arguments.of(
            "DEL in a value",
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: \u007f\r\n\r\n",
            400,
            "has byte 0x7f"),
        Arguments.of(
            "a request line over 8 KiB",
            "GET /" + "m".repeat(HttpHeadDecoder.MAX_HEAD_BYTES) + " HTTP/1.1\r\n",
            414,
            "request line longer than 8192 bytes"),
        Arguments.of(
            "empty lines past 8 KiB",
            "\r\n".repeat(HttpHeadDecoder.MAX_HEAD_BYTES),
            414,
            "request line longer than 8192 bytes"),
        Arguments.of(
            "a head one byte over 8 KiB",
            padded(
                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ", HttpHeadDecoder.MAX_HEAD_BYTES + 1),
            431,
            "request head longer than 8192 bytes"),
        Arguments.of(
            "endless fields",
            "GET / HTTP/1.1\r\n" + "X-A: b\r\n".repeat(2000),
            431,
            "request head longer than 8192 bytes"));
  }

  static Stream<Arguments> invalidByFeeder() {
    return byFeeder(invalidHeads());
  }

  @ParameterizedTest(name = "{0}, fed {1}")
  @MethodSource("invalidByFeeder")
  void aMalformedHeadIsRefusedWithItsStatusAndTheReason(
      String name, Feeder feeder, String head, int status, String reason) {
    Outcome o = feed(feeder, concat(ascii(head), AFTER));
    assertEquals(HttpHeadDecoder.Result.INVALID, o.result());
    assertEquals(status, o.decoder().status(), o.decoder().error());
    assertTrue(o.decoder().error().contains(reason), o.decoder().error());
  }

  static Stream<Feeder> feeders() {
    return Stream.of(Feeder.values());
  }

  @ParameterizedTest
  @MethodSource("feeders")
  void aHeadCutShortAsksForMoreAndTakesEveryByteOfIt(Feeder feeder) {
    Outcome o = feed(feeder, ascii("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */"));
    assertEquals(HttpHeadDecoder.Result.NEED_MORE, o.result());
    assertEquals(0, o.rest().length);
    assertThrows(IllegalStateException.class, () -> o.decoder().head());
  }

  @Test
  void aRefusedValueIsQuotedShortAndPrintable() {
    Outcome o =
        feed(Feeder.WHOLE, ascii("G\"\\" + "x".repeat(100) + " / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertEquals(
        "method is not a token: \"G\\x22\\x5c" + "x".repeat(29) + "\"...", o.decoder().error());
  }

  @Test
  void aLongRunOfGarbageIsRefusedWithinTheLimitWhateverItHolds() {
    Random r = new Random(10);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[HttpHeadDecoder.MAX_HEAD_BYTES + 1];
      r.nextBytes(junk);
      Outcome o = feed(Feeder.values()[i % Feeder.values().length], junk);
      assertEquals(HttpHeadDecoder.Result.INVALID, o.result(), "seed 10, case " + i);
    }
  }

  static Stream<Arguments> paths() {
    return Stream.of(
        Arguments.of("/metrics", "/metrics"),
        Arguments.of("/metrics?name[]=a", "/metrics"),
        Arguments.of("/", "/"),
        Arguments.of("http://x:9465/metrics?a", "/metrics"),
        Arguments.of("HTTP://x/metrics", "/metrics"),
        Arguments.of("http://x:9465", "/"),
        Arguments.of("http://x?a", "/"),
        Arguments.of("*", "*"),
        Arguments.of("x:9465", "x:9465"),
        Arguments.of("/a://b", "/a://b"));
  }

  @ParameterizedTest(name = "{0} names {1}")
  @MethodSource("paths")
  void theTargetNamesAPathWithoutItsQuery(String target, String path) {
    assertEquals(path, new HttpRequestHead("GET", target, 1).path());
  }
}
