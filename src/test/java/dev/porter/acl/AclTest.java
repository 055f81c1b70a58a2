package dev.porter.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AclTest {
  private static InetSocketAddress at(String ip) {
    return new InetSocketAddress(ip, 4000);
  }

  private static Acl acl(String... rules) throws AclException {
    return Acl.parse(List.of(rules), n -> Optional.empty());
  }

  @Test
  void theFirstMatchingRuleWins() throws AclException {
    Acl a = acl("deny from 10.1.0.0/16", "allow from 10.0.0.0/8", "deny any");
    assertFalse(a.allows(at("10.1.2.3")));
    assertTrue(a.allows(at("10.2.2.3")));
    assertFalse(a.allows(at("192.0.2.1")));
  }

  @Test
  void anAclInWhichNoRuleMatchesDenies() throws AclException {
    assertFalse(acl("allow from 127.0.0.0/8").allows(at("192.0.2.7")));
  }

  @Test
  void ipv6BlocksMatchIpv6ClientsAndMappedIpv4MatchesIpv4Blocks() throws AclException {
    Acl a = acl("allow from 2001:db8::/32", "allow from 127.0.0.1", "deny any");
    assertTrue(a.allows(at("2001:db8::7")));
    assertFalse(a.allows(at("2001:db9::7")));
    assertTrue(a.allows(at("::ffff:127.0.0.1")));
  }

  @Test
  void namedAclsAreReferencedByName() throws AclException {
    Acl local = acl("allow from 127.0.0.0/8", "deny any");
    Acl a =
        Acl.parse(
            List.of("allow acl local", "deny any"),
            n -> Optional.ofNullable(Map.of("local", local).get(n)));
    assertTrue(a.allows(at("127.0.0.2")));
    assertFalse(a.allows(at("192.0.2.1")));
  }

  @Test
  void unixSocketClientsMatchOnlyAny() throws AclException {
    UnixDomainSocketAddress u = UnixDomainSocketAddress.of("/tmp/x");
    assertFalse(acl("allow from 0.0.0.0/0").allows(u));
    assertTrue(acl("allow any").allows(u));
  }

  @Test
  void badRulesAreRefusedWithTheValueNamed() {
    AclException e = assertThrows(AclException.class, () -> acl("permit from 10.0.0.0/8"));
    assertTrue(e.getMessage().contains("permit from 10.0.0.0/8"), e.getMessage());
    assertTrue(
        assertThrows(AclException.class, () -> acl("allow from 10.0.0.0/33"))
            .getMessage()
            .contains("33"));
    assertTrue(
        assertThrows(AclException.class, () -> acl("allow from example.org"))
            .getMessage()
            .contains("example.org"));
    assertTrue(
        assertThrows(AclException.class, () -> acl("allow acl nosuch"))
            .getMessage()
            .contains("nosuch"));
  }

  @Test
  void aChainNamesTheFirstLayerThatRefuses() throws AclException {
    AclChain chain =
        new AclChain(List.of(new AclChain.Layer("global", acl("allow any"))))
            .then("master", acl("allow from 127.0.0.0/8"))
            .then("subordinate", acl("deny from 127.0.0.2", "allow any"));
    assertEquals(Optional.empty(), chain.refusingLayer(at("127.0.0.1")));
    assertEquals(Optional.of("subordinate"), chain.refusingLayer(at("127.0.0.2")));
    assertEquals(Optional.of("master"), chain.refusingLayer(at("192.0.2.1")));
  }
}
