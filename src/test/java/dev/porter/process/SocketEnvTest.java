package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketEnvTest {
  @Test
  void givesPiesNamesForATcpConnection() throws Exception {
    InetSocketAddress local = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1);
    InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 51514);
    assertEquals(
        Map.of(
            "PROTO",
            "TCP",
            "SOCKTYPE",
            "STREAM",
            "LOCALIP",
            "192.0.2.1",
            "LOCALPORT",
            "1",
            "REMOTEIP",
            "198.51.100.7",
            "REMOTEPORT",
            "51514"),
        SocketEnv.of(local, remote, false));
  }

  @Test
  void ipv6AddressesHaveNoBracketsOrScope() throws Exception {
    InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("fe80::1%1"), 7);
    assertEquals("fe80:0:0:0:0:0:0:1", SocketEnv.ip(a));
  }

  @Test
  void resolveAddsHostNames() throws Exception {
    InetSocketAddress lo = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 7);
    Map<String, String> env = SocketEnv.of(lo, lo, true);
    assertEquals(env.get("LOCALHOST"), env.get("REMOTEHOST"));
    assertEquals(8, env.size());
  }
}
