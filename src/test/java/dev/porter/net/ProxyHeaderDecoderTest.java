package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The PROXY protocol decoder, fed whole, one byte at a time, and at random splits (STYLE 17). */
class ProxyHeaderDecoderTest {
  static final byte[] AFTER = "bytes for the service".getBytes(StandardCharsets.US_ASCII);

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
        int n = this == WHOLE ? all.length : this == ONE_BYTE ? 1 : 1 + r.nextInt(24);
        n = Math.min(n, all.length - off);
        byte[] p = new byte[n];
        System.arraycopy(all, off, p, 0, n);
        parts.add(p);
        off += n;
      }
      return parts;
    }
  }

  /**
   * What feeding gave: the result, the header or error, and every byte the decoder did not take.
   */
  record Outcome(ProxyHeaderDecoder.Result result, ProxyHeaderDecoder decoder, byte[] rest) {}

  static Outcome feed(Feeder feeder, byte[] stream) {
    ProxyHeaderDecoder d = new ProxyHeaderDecoder();
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    ProxyHeaderDecoder.Result result = ProxyHeaderDecoder.Result.NEED_MORE;
    for (byte[] part : feeder.split(stream)) {
      ByteBuffer b = ByteBuffer.wrap(part);
      if (result == ProxyHeaderDecoder.Result.NEED_MORE) result = d.feed(b);
      rest.write(part, b.position(), b.remaining());
    }
    return new Outcome(result, d, rest.toByteArray());
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static SocketAddress inet(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  static Stream<Feeder> feeders() {
    return Stream.of(Feeder.values());
  }

  static Stream<Arguments> validHeaders() throws Exception {
    byte[] v2tcp4WithTlv =
        HexFormat.of()
            .parseHex(
                "0d0a0d0a000d0a515549540a"
                    + "21"
                    + "11"
                    + "0016"
                    + "c0000207"
                    + "c6336401"
                    + "c93a"
                    + "01bb" // 192.0.2.7:51514 -> 198.51.100.1:443
                    + "04000401020304"
                    + "040000"); // two PP2_TYPE_NOOP TLVs (4 bytes, then empty): skipped
    return Stream.of(
        Arguments.of(
            "v1 TCP4",
            ascii("PROXY TCP4 192.0.2.7 198.51.100.1 51514 443\r\n"),
            Optional.of(inet("192.0.2.7", 51514)),
            Optional.of(inet("198.51.100.1", 443))),
        Arguments.of(
            "v1 TCP6",
            ascii("PROXY TCP6 2001:db8::7 2001:db8::1 51514 443\r\n"),
            Optional.of(inet("2001:db8::7", 51514)),
            Optional.of(inet("2001:db8::1", 443))),
        Arguments.of("v1 UNKNOWN", ascii("PROXY UNKNOWN\r\n"), Optional.empty(), Optional.empty()),
        Arguments.of(
            "v1 UNKNOWN with addresses",
            ascii("PROXY UNKNOWN ffff:f::1 ffff:f::2 1 2\r\n"),
            Optional.empty(),
            Optional.empty()),
        Arguments.of(
            "v1 at the 107-byte limit",
            ascii(
                "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                    + " ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
            Optional.of(inet("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535)),
            Optional.of(inet("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535))),
        Arguments.of(
            "v2 TCP4 with TLVs",
            v2tcp4WithTlv,
            Optional.of(inet("192.0.2.7", 51514)),
            Optional.of(inet("198.51.100.1", 443))),
        Arguments.of(
            "v2 TCP6 as porter writes it",
            ProxyHeader.v2(inet("2001:db8::7", 1), inet("2001:db8::1", 2)),
            Optional.of(inet("2001:db8::7", 1)),
            Optional.of(inet("2001:db8::1", 2))),
        Arguments.of(
            "v2 AF_UNIX as porter writes it",
            ProxyHeader.v2(
                UnixDomainSocketAddress.of("/run/client.sock"),
                UnixDomainSocketAddress.of("/run/porter.sock")),
            Optional.of(UnixDomainSocketAddress.of("/run/client.sock")),
            Optional.of(UnixDomainSocketAddress.of("/run/porter.sock"))),
        Arguments.of(
            "v2 LOCAL",
            HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000"),
            Optional.empty(),
            Optional.empty()),
        Arguments.of(
            "v2 PROXY AF_UNSPEC",
            HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "21" + "00" + "0003" + "010203"),
            Optional.empty(),
            Optional.empty()));
  }

  static Stream<Arguments> validByFeeder() throws Exception {
    List<Arguments> all = new ArrayList<>();
    for (Arguments a : validHeaders().toList()) {
      for (Feeder f : Feeder.values()) {
        Object[] x = a.get();
        all.add(Arguments.of(x[0], f, x[1], x[2], x[3]));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}, fed {1}")
  @MethodSource("validByFeeder")
  void aValidHeaderGivesItsAddressesAndLeavesEveryFollowingByte(
      String name,
      Feeder feeder,
      byte[] header,
      Optional<SocketAddress> source,
      Optional<SocketAddress> destination) {
    Outcome o = feed(feeder, concat(header, AFTER));
    assertEquals(ProxyHeaderDecoder.Result.DONE, o.result(), o.decoder().error());
    assertEquals(source, o.decoder().header().source());
    assertEquals(destination, o.decoder().header().destination());
    assertArrayEquals(AFTER, o.rest());
  }

  static Stream<Arguments> invalidHeaders() {
    String sig = "0d0a0d0a000d0a515549540a";
    return Stream.of(
        Arguments.of(
            "no header at all", ascii("GET / HTTP/1.1\r\n"), "not a PROXY protocol header"),
        Arguments.of(
            "lower-case v1",
            ascii("proxy TCP4 192.0.2.7 198.51.100.1 1 2\r\n"),
            "not a PROXY protocol header"),
        Arguments.of(
            "broken v2 signature",
            HexFormat.of().parseHex("0d0a0d0a000d0a515549540b21110000"),
            "not a PROXY protocol header"),
        Arguments.of(
            "v1 line over 107 bytes",
            ascii("PROXY UNKNOWN " + "x".repeat(100) + "\r\n"),
            "longer than 107"),
        Arguments.of(
            "v1 with a bare LF", ascii("PROXY TCP4 192.0.2.7 198.51.100.1 1 2\n"), "without CRLF"),
        Arguments.of(
            "v1 missing a port",
            ascii("PROXY TCP4 192.0.2.7 198.51.100.1 1\r\n"),
            "needs 6 fields"),
        Arguments.of(
            "v1 with two spaces",
            ascii("PROXY TCP4  192.0.2.7 198.51.100.1 1 2\r\n"),
            "needs 6 fields"),
        Arguments.of(
            "v1 UDP4",
            ascii("PROXY UDP4 192.0.2.7 198.51.100.1 1 2\r\n"),
            "must be TCP4, TCP6 or UNKNOWN"),
        Arguments.of(
            "v1 octet over 255",
            ascii("PROXY TCP4 192.0.2.256 198.51.100.1 1 2\r\n"),
            "bad TCP4 address"),
        Arguments.of(
            "v1 host name", ascii("PROXY TCP4 localhost 198.51.100.1 1 2\r\n"), "bad TCP4 address"),
        Arguments.of(
            "v1 IPv4 as TCP6",
            ascii("PROXY TCP6 192.0.2.7 2001:db8::1 1 2\r\n"),
            "bad TCP6 address"),
        Arguments.of(
            "v1 port over 65535",
            ascii("PROXY TCP4 192.0.2.7 198.51.100.1 65536 2\r\n"),
            "bad port"),
        Arguments.of(
            "v2 version 1", HexFormat.of().parseHex(sig + "11110000"), "version must be 2"),
        Arguments.of(
            "v2 command 2",
            HexFormat.of().parseHex(sig + "22110000"),
            "command must be LOCAL or PROXY"),
        Arguments.of(
            "v2 UDP4", HexFormat.of().parseHex(sig + "2112000c" + "00".repeat(12)), "not a stream"),
        Arguments.of(
            "v2 unknown family", HexFormat.of().parseHex(sig + "21410000"), "not a stream"),
        Arguments.of(
            "v2 TCP4 block too short",
            HexFormat.of().parseHex(sig + "21110004c0000207"),
            "too short"));
  }

  static Stream<Arguments> invalidByFeeder() {
    List<Arguments> all = new ArrayList<>();
    for (Arguments a : invalidHeaders().toList()) {
      for (Feeder f : Feeder.values()) {
        Object[] x = a.get();
        all.add(Arguments.of(x[0], f, x[1], x[2]));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}, fed {1}")
  @MethodSource("invalidByFeeder")
  void aMalformedHeaderIsRefusedWithTheReason(
      String name, Feeder feeder, byte[] stream, String reason) {
    Outcome o = feed(feeder, concat(stream, AFTER));
    assertEquals(ProxyHeaderDecoder.Result.INVALID, o.result());
    assertTrue(o.decoder().error().contains(reason), o.decoder().error());
  }

  @ParameterizedTest
  @MethodSource("feeders")
  void aHeaderCutShortAsksForMoreAndTakesEveryByteOfIt(Feeder feeder) {
    byte[] part = ascii("PROXY TCP4 192.0.2.7 198.51.");
    Outcome o = feed(feeder, part);
    assertEquals(ProxyHeaderDecoder.Result.NEED_MORE, o.result());
    assertEquals(0, o.rest().length);
  }

  @ParameterizedTest
  @MethodSource("feeders")
  void aV2HeaderWithLongTlvsIsSkippedToItsEnd(Feeder feeder) throws Exception {
    byte[] h = ProxyHeader.v2(inet("192.0.2.7", 1), inet("192.0.2.8", 2));
    ByteBuffer b = ByteBuffer.allocate(h.length + 3000);
    b.put(h).putShort(14, (short) (12 + 3000)); // 3000 bytes of TLVs after the addresses
    Outcome o = feed(feeder, concat(b.array(), AFTER));
    assertEquals(ProxyHeaderDecoder.Result.DONE, o.result());
    assertEquals(Optional.of(inet("192.0.2.7", 1)), o.decoder().header().source());
    assertArrayEquals(AFTER, o.rest());
  }

  /**
   * A reader that asks the kernel for at most {@link ProxyHeaderDecoder#safeReadLength} bytes each
   * time, as porter does when a child will read the socket: it must never take a byte past the
   * header, and must reach the end of every valid one.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("validHeaders")
  void readingAtMostTheSafeLengthStopsExactlyAtTheEndOfTheHeader(
      String name,
      byte[] header,
      Optional<SocketAddress> source,
      Optional<SocketAddress> destination) {
    byte[] stream = concat(header, AFTER);
    ProxyHeaderDecoder d = new ProxyHeaderDecoder();
    int read = 0;
    ProxyHeaderDecoder.Result result = ProxyHeaderDecoder.Result.NEED_MORE;
    while (result == ProxyHeaderDecoder.Result.NEED_MORE) {
      int n = d.safeReadLength();
      assertTrue(n > 0, "a header still open asks for at least one byte");
      ByteBuffer b = ByteBuffer.wrap(stream, read, Math.min(n, stream.length - read));
      read += b.remaining();
      assertTrue(
          read <= header.length, "read " + read + " bytes of a " + header.length + "-byte header");
      result = d.feed(b);
      assertEquals(0, b.remaining(), "the decoder takes every byte it was allowed to read");
    }
    assertEquals(ProxyHeaderDecoder.Result.DONE, result, d.error());
    assertEquals(header.length, read);
    assertEquals(0, d.safeReadLength());
  }
}
