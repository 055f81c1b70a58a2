package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The PROXY headers porter sends to backends, byte for byte as the spec writes them. */
class ProxyHeaderTest {
  static SocketAddress inet(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  static String v1(SocketAddress s, SocketAddress d) {
    return new String(ProxyHeader.v1(s, d), StandardCharsets.US_ASCII);
  }

  @Test
  void v1SaysTcp4ForTwoIpv4Addresses() throws Exception {
    assertEquals(
        "PROXY TCP4 192.0.2.7 198.51.100.1 51514 443\r\n",
        v1(inet("192.0.2.7", 51514), inet("198.51.100.1", 443)));
  }

  @Test
  void v1SaysTcp6AndMapsAnIpv4AddressWhenEitherSideIsIpv6() throws Exception {
    assertEquals(
        "PROXY TCP6 2001:db8:0:0:0:0:0:7 ::ffff:198.51.100.1 1 2\r\n",
        v1(inet("2001:db8::7", 1), inet("198.51.100.1", 2)));
  }

  @Test
  void v1SaysUnknownForUnixSockets() {
    assertEquals(
        "PROXY UNKNOWN\r\n",
        v1(UnixDomainSocketAddress.of("/a"), UnixDomainSocketAddress.of("/b")));
  }

  @Test
  void v2Tcp4IsTheSignatureThenTwelveAddressBytes() throws Exception {
    assertEquals(
        "0d0a0d0a000d0a515549540a"
            + "21"
            + "11"
            + "000c"
            + "c0000207"
            + "c6336401"
            + "c93a"
            + "01bb",
        HexFormat.of()
            .formatHex(ProxyHeader.v2(inet("192.0.2.7", 51514), inet("198.51.100.1", 443))));
  }

  @Test
  void everyHeaderPorterWritesReadsBackToTheSameAddresses() throws Exception {
    SocketAddress[][] pairs = {
      {inet("192.0.2.7", 1), inet("192.0.2.8", 65535)},
      {inet("2001:db8::7", 1), inet("2001:db8::8", 2)},
      {UnixDomainSocketAddress.of("/run/c.sock"), UnixDomainSocketAddress.of("/run/p.sock")},
    };
    for (SocketAddress[] p : pairs) {
      for (byte[] h : new byte[][] {ProxyHeader.v1(p[0], p[1]), ProxyHeader.v2(p[0], p[1])}) {
        ProxyHeaderDecoder d = new ProxyHeaderDecoder();
        assertEquals(ProxyHeaderDecoder.Result.DONE, d.feed(ByteBuffer.wrap(h)), d.error());
        boolean unixV1 = p[0] instanceof UnixDomainSocketAddress && h[0] == 'P';
        assertEquals(unixV1 ? Optional.empty() : Optional.of(p[0]), d.header().source());
        assertEquals(unixV1 ? Optional.empty() : Optional.of(p[1]), d.header().destination());
      }
    }
  }
}
