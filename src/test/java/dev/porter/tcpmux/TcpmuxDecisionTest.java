package dev.porter.tcpmux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.acl.Acl;
import dev.porter.acl.AclException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 1078's answer to a name line, decided without a socket. */
class TcpmuxDecisionTest {
  static final SocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);
  static final SocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 51514);

  /** A subordinate that only has a name and an ACL: the decision never serves anything itself. */
  record FakeSubordinate(String service, Acl acl) implements Subordinate {
    @Override
    public String component() {
      return service + "-component";
    }

    @Override
    public void refusedByAcl() {
      throw new AssertionError("the decision counts nothing");
    }
  }

  static Acl acl(String... rules) throws AclException {
    return Acl.parse(List.of(rules), n -> Optional.empty());
  }

  static final FakeSubordinate ECHO = new FakeSubordinate("echo", Acl.ALLOW_ALL);
  static final FakeSubordinate DAYTIME = new FakeSubordinate("Daytime", Acl.ALLOW_ALL);
  static final FakeSubordinate SECRET;

  static {
    try {
      SECRET = new FakeSubordinate("secret", acl("allow from 127.0.0.0/8", "deny any"));
    } catch (AclException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static final Directory<FakeSubordinate> DIRECTORY =
      new Directory<>(List.of(ECHO, SECRET, DAYTIME));

  @Test
  void helpListsTheServicesTheClientMayUseInDeclarationOrder() {
    assertEquals(
        new TcpmuxDecision.Help<>(List.of("echo", "secret", "Daytime")),
        TcpmuxDecision.decide("help", DIRECTORY, LOCAL));
    assertEquals(
        new TcpmuxDecision.Help<>(List.of("echo", "Daytime")),
        TcpmuxDecision.decide("help", DIRECTORY, REMOTE));
  }

  @Test
  void theHelpListIsOneNamePerLineEachEndedByCrlf() {
    assertEquals(
        "echo\r\nDaytime\r\n", new TcpmuxDecision.Help<>(List.of("echo", "Daytime")).text());
    assertEquals("", new TcpmuxDecision.Help<>(List.of()).text());
  }

  @Test
  void helpIsCaseInsensitiveLikeEveryName() {
    assertEquals(
        TcpmuxDecision.decide("help", DIRECTORY, REMOTE),
        TcpmuxDecision.decide("HeLP", DIRECTORY, REMOTE));
  }

  @Test
  void aKnownNameTheClientMayUseIsServedByItsSubordinate() {
    assertEquals(
        new TcpmuxDecision.Serve<>(ECHO), TcpmuxDecision.decide("echo", DIRECTORY, REMOTE));
    assertEquals(
        new TcpmuxDecision.Serve<>(SECRET), TcpmuxDecision.decide("secret", DIRECTORY, LOCAL));
  }

  @Test
  void namesAreMatchedWhateverTheirCase() {
    assertEquals(
        new TcpmuxDecision.Serve<>(ECHO), TcpmuxDecision.decide("ECHO", DIRECTORY, REMOTE));
    assertEquals(
        new TcpmuxDecision.Serve<>(DAYTIME), TcpmuxDecision.decide("daytime", DIRECTORY, REMOTE));
  }

  @Test
  void anUnknownNameIsRefusedWithUnknownService() {
    TcpmuxDecision<FakeSubordinate> d = TcpmuxDecision.decide("nosuch", DIRECTORY, LOCAL);
    assertEquals(new TcpmuxDecision.Unknown<>("nosuch"), d);
    assertEquals("unknown service", ((TcpmuxDecision.Unknown) d).reply());
  }

  @Test
  void aNameTheSubordinatesAclRefusesIsDeniedNamingThatSubordinate() {
    TcpmuxDecision<FakeSubordinate> d = TcpmuxDecision.decide("secret", DIRECTORY, REMOTE);
    assertEquals(new TcpmuxDecision.Denied<>(SECRET), d);
    assertEquals("access denied", ((TcpmuxDecision.Denied) d).reply());
  }

  @Test
  void anEmptyDirectoryKnowsNoNameAndListsNothing() {
    Directory<FakeSubordinate> empty = Directory.empty();
    assertEquals(new TcpmuxDecision.Unknown<>("echo"), TcpmuxDecision.decide("echo", empty, LOCAL));
    assertEquals(new TcpmuxDecision.Help<>(List.of()), TcpmuxDecision.decide("help", empty, LOCAL));
  }
}
