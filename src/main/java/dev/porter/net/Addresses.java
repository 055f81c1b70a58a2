package dev.porter.net;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Socket addresses as people write them: {@code 192.0.2.7:51514}, {@code [::1]:7}, {@code
 * unix:/run/x}.
 */
public final class Addresses {
  private Addresses() {}

  public static String format(SocketAddress a) {
    if (a instanceof InetSocketAddress) {
      InetSocketAddress i = (InetSocketAddress) a;
      if (i.isUnresolved()) return i.getHostString() + ":" + i.getPort();
      String host = i.getAddress().getHostAddress();
      int pct = host.indexOf('%');
      if (pct >= 0) host = host.substring(0, pct);
      return (i.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + i.getPort();
    }
    if (a instanceof UnixDomainSocketAddress) {
      String p = ((UnixDomainSocketAddress) a).getPath().toString();
      return "unix:" + (p.isEmpty() ? "(unnamed)" : p);
    }
    return String.valueOf(a);
  }
}
