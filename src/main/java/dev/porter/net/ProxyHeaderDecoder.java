package dev.porter.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads one HAProxy PROXY protocol header, v1 or v2, from the start of a stream (sans-I/O). It
 * takes exactly the header's bytes from the buffers it is fed and never one more, so what follows
 * the header stays in the last buffer for the service. Memory is fixed: the address block is kept,
 * v2 TLVs are skipped. {@link ProxyHeaderReader} drives it through a {@link OneShotReader}.
 */
public final class ProxyHeaderDecoder implements OneShotDecoder {
  private enum State {
    SIGNATURE,
    V1_LINE,
    V2_HEADER,
    V2_BODY,
    DONE,
    INVALID
  }

  /**
   * Spec 2.1: a v1 line is at most 107 bytes, CRLF included ("PROXY UNKNOWN" + two IPv6 + ports).
   */
  static final int V1_MAX_LENGTH = 107;

  private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

  /** v2 fixed part: signature, version/command, family, 16-bit length (spec 2.2). */
  private static final int V2_FIXED_LENGTH = 16;

  /**
   * The shortest header there is: {@code "PROXY UNKNOWN\r\n"} (spec 2.1); v2's fixed part is 16.
   */
  static final int SHORTEST_HEADER = 15;

  /** The longest block kept: v1's line, or v2's fixed part and the AF_UNIX addresses. */
  private static final int KEPT =
      Math.max(V1_MAX_LENGTH, V2_FIXED_LENGTH + ProxyHeader.V2_UNIX_LENGTH);

  private final byte[] buf = new byte[KEPT];
  private State state = State.SIGNATURE;
  private int n;
  private int bodyLength;
  private int bodyRead;
  private ProxyHeader header;
  private String error = "";

  /**
   * Consumes header bytes from {@code in}. After {@code DONE} the header is in {@link #header()}
   * and {@code in} is positioned at the first byte after it; after {@code INVALID}, {@link
   * #error()} says why and the stream is not worth reading further.
   */
  @Override
  public Result feed(ByteBuffer in) {
    while (in.hasRemaining() && (state != State.DONE && state != State.INVALID)) {
      switch (state) {
        case SIGNATURE:
          {
            byte b = in.get();
            buf[n++] = b;
            // Byte 0 tells the versions apart: 'P' starts v1, CR starts v2's signature.
            byte[] expected = buf[0] == 'P' ? V1_PREFIX : ProxyHeader.V2_SIGNATURE;
            if (b != expected[n - 1]) {
              error = "not a PROXY protocol header";
              state = State.INVALID;
            } else if (n == expected.length) {
              state = expected == V1_PREFIX ? State.V1_LINE : State.V2_HEADER;
            }
            break;
          }
        case V1_LINE:
          {
            byte b = in.get();
            buf[n++] = b;
            if (b == '\n') {
              state = parseV1();
            } else if (n == V1_MAX_LENGTH) {
              error = "v1 line longer than " + V1_MAX_LENGTH + " bytes";
              state = State.INVALID;
            }
            break;
          }
        case V2_HEADER:
          buf[n++] = in.get();
          if (n == V2_FIXED_LENGTH) {
            bodyLength = ((buf[14] & 0xff) << 8) | (buf[15] & 0xff);
            state = bodyLength == 0 ? parseV2() : State.V2_BODY;
          }
          break;
        case V2_BODY:
          {
            int take = Math.min(in.remaining(), bodyLength - bodyRead);
            int keep = Math.max(0, Math.min(take, KEPT - n));
            in.get(buf, n, keep);
            n += keep;
            in.position(in.position() + take - keep); // TLVs: skipped, porter uses none of them
            bodyRead += take;
            if (bodyRead == bodyLength) state = parseV2();
            break;
          }
        default:
          throw new AssertionError(state);
      }
    }
    switch (state) {
      case DONE:
        return Result.DONE;
      case INVALID:
        return Result.INVALID;
      default:
        return Result.NEED_MORE;
    }
  }

  /**
   * The most bytes that may be read from the stream now without reading past the header, for a
   * reader that must leave everything after it in the kernel (a child process reads it from the
   * socket): up to the shortest header first, then v1 one byte at a time (its end is a CRLF nobody
   * can predict), v2 its fixed part and then exactly the length it announced. 0 once the header is
   * decided.
   */
  @Override
  public int safeReadLength() {
    switch (state) {
      case SIGNATURE:
        return SHORTEST_HEADER - n;
      case V1_LINE:
        return Math.max(1, SHORTEST_HEADER - n);
      case V2_HEADER:
        return V2_FIXED_LENGTH - n;
      case V2_BODY:
        return bodyLength - bodyRead;
      default:
        return 0;
    }
  }

  /** The header, once {@link #feed} returned {@code DONE}. */
  public ProxyHeader header() {
    if (header == null) throw new IllegalStateException("no complete PROXY header yet");
    return header;
  }

  /** Why the header was refused, once {@link #feed} returned {@code INVALID}. */
  public String error() {
    return error;
  }

  private State invalid(String why) {
    error = why;
    return State.INVALID;
  }

  // "PROXY TCP4 192.0.2.7 198.51.100.1 51514 443\r\n", "PROXY UNKNOWN ...\r\n" (spec 2.1).
  private State parseV1() {
    if (buf[n - 2] != '\r') return invalid("v1 line ends without CRLF");
    String line = new String(buf, 0, n - 2, StandardCharsets.US_ASCII);
    String[] f = line.split(" ", -1);
    if (f.length >= 2 && f[1].equals("UNKNOWN")) {
      header = ProxyHeader.local(1);
      return State.DONE;
    }
    if (f.length != 6)
      return invalid("v1 line needs 6 fields, got " + f.length + ": \"" + line + "\"");
    boolean four;
    if (f[1].equals("TCP4")) four = true;
    else if (f[1].equals("TCP6")) four = false;
    else return invalid("v1 protocol must be TCP4, TCP6 or UNKNOWN, got \"" + f[1] + "\"");
    Optional<InetAddress> src = four ? ipv4(f[2]) : ipv6(f[2]);
    Optional<InetAddress> dst = four ? ipv4(f[3]) : ipv6(f[3]);
    if (src.isEmpty() || dst.isEmpty())
      return invalid("v1 line has a bad " + f[1] + " address: \"" + line + "\"");
    int sport = port(f[4]);
    int dport = port(f[5]);
    if (sport < 0 || dport < 0) return invalid("v1 line has a bad port: \"" + line + "\"");
    header =
        ProxyHeader.proxied(
            1, new InetSocketAddress(src.get(), sport), new InetSocketAddress(dst.get(), dport));
    return State.DONE;
  }

  private State parseV2() {
    int verCmd = buf[12] & 0xff;
    int family = buf[13] & 0xff;
    if (verCmd >> 4 != 2) return invalid("v2 version must be 2, got " + (verCmd >> 4));
    if (verCmd == ProxyHeader.V2_LOCAL) {
      header = ProxyHeader.local(2); // health checks from the balancer itself: addresses ignored
      return State.DONE;
    }
    if (verCmd != ProxyHeader.V2_PROXY)
      return invalid("v2 command must be LOCAL or PROXY, got " + (verCmd & 0xf));
    int a = V2_FIXED_LENGTH;
    try {
      switch (family) {
        case ProxyHeader.V2_UNSPEC:
          header = ProxyHeader.local(2);
          return State.DONE;
        case ProxyHeader.V2_TCP4:
          if (bodyLength < ProxyHeader.V2_TCP4_LENGTH) return short4or6(family);
          header = ProxyHeader.proxied(2, inet(a, 4, a + 8), inet(a + 4, 4, a + 10));
          return State.DONE;
        case ProxyHeader.V2_TCP6:
          if (bodyLength < ProxyHeader.V2_TCP6_LENGTH) return short4or6(family);
          header = ProxyHeader.proxied(2, inet(a, 16, a + 32), inet(a + 16, 16, a + 34));
          return State.DONE;
        case ProxyHeader.V2_UNIX:
          if (bodyLength < ProxyHeader.V2_UNIX_LENGTH) return short4or6(family);
          header = ProxyHeader.proxied(2, path(a), path(a + ProxyHeader.V2_UNIX_PATH));
          return State.DONE;
        default:
          return invalid(
              String.format("v2 family/protocol 0x%02x is not a stream porter knows", family));
      }
    } catch (UnknownHostException e) {
      throw new AssertionError("a raw address of the right length always converts", e);
    }
  }

  private State short4or6(int family) {
    return invalid(
        String.format(
            "v2 address block of %d bytes is too short for family 0x%02x", bodyLength, family));
  }

  private SocketAddress inet(int at, int length, int portAt) throws UnknownHostException {
    byte[] raw = new byte[length];
    System.arraycopy(buf, at, raw, 0, length);
    int port = ((buf[portAt] & 0xff) << 8) | (buf[portAt + 1] & 0xff);
    return new InetSocketAddress(InetAddress.getByAddress(raw), port);
  }

  private SocketAddress path(int at) {
    int end = at;
    while (end < at + ProxyHeader.V2_UNIX_PATH && buf[end] != 0) end++;
    return UnixDomainSocketAddress.of(new String(buf, at, end - at, StandardCharsets.UTF_8));
  }

  // Dotted quad, each part 0-255 in at most 3 digits (no DNS: the text never reaches a resolver).
  private static Optional<InetAddress> ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) return Optional.empty();
    byte[] raw = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9'))
        return Optional.empty();
      int v = Integer.parseInt(p);
      if (v > 255) return Optional.empty();
      raw[i] = (byte) v;
    }
    try {
      return Optional.of(InetAddress.getByAddress(raw));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  // A literal with a colon never goes to DNS; the character check keeps names and zone ids out.
  private static Optional<InetAddress> ipv6(String s) {
    if (s.isEmpty() || s.indexOf(':') < 0) return Optional.empty();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static int port(String s) {
    if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
    int p = Integer.parseInt(s);
    return p > 65535 ? -1 : p;
  }
}
