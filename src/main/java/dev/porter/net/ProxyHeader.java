package dev.porter.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A HAProxy PROXY protocol header (v1 text or v2 binary): the real client's address and the one it
 * connected to, as a load balancer in front of porter saw them, or nothing ({@code LOCAL}, {@code
 * UNKNOWN}, {@code AF_UNSPEC}: the receiver keeps the socket's own addresses). Also writes headers
 * for a backend.
 *
 * @param version 1 or 2
 * @param source the real client, when the header carries addresses
 * @param destination the address the real client connected to; present exactly with {@code source}
 */
public record ProxyHeader(
    int version, Optional<SocketAddress> source, Optional<SocketAddress> destination) {

  /**
   * The v2 signature (spec section 2.2): starts with CRLF CRLF NUL, which no v1 header or text
   * protocol does.
   */
  static final byte[] V2_SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  /** v2: version 2 in the high nibble, command PROXY (1) or LOCAL (0) in the low one. */
  static final int V2_PROXY = 0x21;

  static final int V2_LOCAL = 0x20;

  /** v2 address families with their stream protocol (spec section 2.2, byte 14). */
  static final int V2_UNSPEC = 0x00;

  static final int V2_TCP4 = 0x11;
  static final int V2_TCP6 = 0x21;
  static final int V2_UNIX = 0x31;

  /** Lengths of the v2 address blocks: 2 addresses and 2 ports; AF_UNIX has two 108-byte paths. */
  static final int V2_TCP4_LENGTH = 12;

  static final int V2_TCP6_LENGTH = 36;
  static final int V2_UNIX_LENGTH = 216;
  static final int V2_UNIX_PATH = 108;

  public ProxyHeader {
    if (source.isPresent() != destination.isPresent()) {
      throw new IllegalArgumentException("a PROXY header has both addresses or neither");
    }
  }

  /** A header that says nothing about the client: the socket's addresses stand. */
  static ProxyHeader local(int version) {
    return new ProxyHeader(version, Optional.empty(), Optional.empty());
  }

  static ProxyHeader proxied(int version, SocketAddress source, SocketAddress destination) {
    return new ProxyHeader(version, Optional.of(source), Optional.of(destination));
  }

  /**
   * The v1 line for a connection from {@code source} to {@code destination}: TCP4 when both are
   * IPv4, TCP6 when either is IPv6 (the other mapped, ::ffff:a.b.c.d), UNKNOWN otherwise (spec
   * 2.1).
   */
  public static byte[] v1(SocketAddress source, SocketAddress destination) {
    String line;
    if (source instanceof InetSocketAddress && destination instanceof InetSocketAddress) {
      InetSocketAddress s = (InetSocketAddress) source;
      InetSocketAddress d = (InetSocketAddress) destination;
      boolean four =
          s.getAddress() instanceof Inet4Address && d.getAddress() instanceof Inet4Address;
      line =
          "PROXY "
              + (four ? "TCP4 " : "TCP6 ")
              + text(s.getAddress(), four)
              + " "
              + text(d.getAddress(), four)
              + " "
              + s.getPort()
              + " "
              + d.getPort()
              + "\r\n";
    } else {
      line = "PROXY UNKNOWN\r\n";
    }
    return line.getBytes(StandardCharsets.US_ASCII);
  }

  /** The v2 header (command PROXY) for a connection from {@code source} to {@code destination}. */
  public static byte[] v2(SocketAddress source, SocketAddress destination) {
    int family;
    int length;
    if (source instanceof InetSocketAddress && destination instanceof InetSocketAddress) {
      boolean four =
          ((InetSocketAddress) source).getAddress() instanceof Inet4Address
              && ((InetSocketAddress) destination).getAddress() instanceof Inet4Address;
      family = four ? V2_TCP4 : V2_TCP6;
      length = four ? V2_TCP4_LENGTH : V2_TCP6_LENGTH;
    } else if (source instanceof UnixDomainSocketAddress
        && destination instanceof UnixDomainSocketAddress) {
      family = V2_UNIX;
      length = V2_UNIX_LENGTH;
    } else {
      family = V2_UNSPEC;
      length = 0;
    }
    ByteBuffer b = ByteBuffer.allocate(V2_SIGNATURE.length + 4 + length);
    b.put(V2_SIGNATURE).put((byte) V2_PROXY).put((byte) family).putShort((short) length);
    if (family == V2_TCP4 || family == V2_TCP6) {
      InetSocketAddress s = (InetSocketAddress) source;
      InetSocketAddress d = (InetSocketAddress) destination;
      boolean four = family == V2_TCP4;
      b.put(bytes(s.getAddress(), four)).put(bytes(d.getAddress(), four));
      b.putShort((short) s.getPort()).putShort((short) d.getPort());
    } else if (family == V2_UNIX) {
      putPath(b, (UnixDomainSocketAddress) source);
      putPath(b, (UnixDomainSocketAddress) destination);
    }
    return b.array();
  }

  private static void putPath(ByteBuffer b, UnixDomainSocketAddress a) {
    byte[] p = a.getPath().toString().getBytes(StandardCharsets.UTF_8);
    int n = Math.min(p.length, V2_UNIX_PATH - 1); // sun_path is NUL-terminated
    b.put(p, 0, n);
    b.position(b.position() + V2_UNIX_PATH - n);
  }

  private static byte[] bytes(InetAddress a, boolean four) {
    byte[] raw = a.getAddress();
    if (four || raw.length == 16) return raw;
    byte[] mapped = new byte[16]; // RFC 4291 2.5.5.2: ::ffff:a.b.c.d
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(raw, 0, mapped, 12, 4);
    return mapped;
  }

  private static String text(InetAddress a, boolean four) {
    if (four) return a.getHostAddress();
    if (a instanceof Inet4Address) return "::ffff:" + a.getHostAddress();
    String s = ((Inet6Address) a).getHostAddress();
    int pct = s.indexOf('%');
    return pct < 0 ? s : s.substring(0, pct);
  }
}
