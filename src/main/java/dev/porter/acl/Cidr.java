package dev.porter.acl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address block, IPv4 or IPv6, written {@code ADDR} or {@code ADDR/LEN}. */
public final class Cidr {
  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses a literal address with an optional prefix length; host names are refused (no DNS in
   * ACLs).
   */
  public static Cidr parse(String text) throws AclException {
    String addr = text;
    int slash = text.indexOf('/');
    int prefix = -1;
    if (slash >= 0) {
      addr = text.substring(0, slash);
      String len = text.substring(slash + 1);
      try {
        prefix = Integer.parseInt(len);
      } catch (NumberFormatException e) {
        throw new AclException("bad prefix length \"" + len + "\" in \"" + text + "\"");
      }
    }
    if (addr.startsWith("[") && addr.endsWith("]")) addr = addr.substring(1, addr.length() - 1);
    if (!looksLikeLiteral(addr)) {
      throw new AclException("not an IP address: \"" + text + "\"");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new AclException("not an IP address: \"" + text + "\"");
    }
    int bits = bytes.length * 8;
    if (prefix < 0) prefix = bits;
    if (prefix > bits) {
      throw new AclException(
          "prefix length "
              + prefix
              + " is longer than the address ("
              + bits
              + " bits) in \""
              + text
              + "\"");
    }
    return new Cidr(mask(bytes, prefix), prefix);
  }

  // InetAddress.getByName would resolve a host name: allow only hex digits, dots and colons.
  private static boolean looksLikeLiteral(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == '.'
              || c == ':';
      if (!ok) return false;
    }
    return s.indexOf(':') >= 0 || s.chars().filter(c -> c == '.').count() == 3;
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }

  /** True for a block as wide as its address family ({@code 0.0.0.0/0}, {@code ::/0}). */
  public boolean isWholeFamily() {
    return prefix == 0;
  }

  /** True when the address lies in this block; an IPv4-mapped IPv6 address matches IPv4 blocks. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length == 16 && network.length == 4 && isV4Mapped(a)) a = Arrays.copyOfRange(a, 12, 16);
    if (a.length != network.length) return false;
    return Arrays.equals(mask(a, prefix), network);
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
