package dev.porter.process;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The socket environment a child gets with {@code flags = [sockenv]}: GNU pies' names and values
 * for a TCP connection ({@code PROTO SOCKTYPE LOCALIP LOCALPORT REMOTEIP REMOTEPORT}, and {@code
 * LOCALHOST REMOTEHOST} with {@code resolve}).
 */
public final class SocketEnv {
  private SocketEnv() {}

  /**
   * The variables for a connection between {@code local} and {@code remote}. With {@code resolve},
   * LOCALHOST and REMOTEHOST come from reverse DNS (falling back to the address), which blocks:
   * call it on a worker thread, never on an event loop.
   */
  public static Map<String, String> of(
      InetSocketAddress local, InetSocketAddress remote, boolean resolve) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PROTO", "TCP");
    env.put("SOCKTYPE", "STREAM");
    env.put("LOCALIP", ip(local));
    env.put("LOCALPORT", Integer.toString(local.getPort()));
    env.put("REMOTEIP", ip(remote));
    env.put("REMOTEPORT", Integer.toString(remote.getPort()));
    if (resolve) {
      env.put("LOCALHOST", host(local));
      env.put("REMOTEHOST", host(remote));
    }
    return env;
  }

  /** The numeric address, without brackets or an IPv6 scope suffix. */
  static String ip(InetSocketAddress a) {
    InetAddress addr = a.getAddress();
    if (addr == null) {
      throw new IllegalArgumentException("socket address is not resolved: " + a);
    }
    String s = addr.getHostAddress();
    int scope = s.indexOf('%');
    return scope < 0 ? s : s.substring(0, scope);
  }

  private static String host(InetSocketAddress a) {
    return a.getAddress().getCanonicalHostName();
  }
}
