package dev.porter.config;

import static dev.porter.config.ConfigAssertions.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.acl.Acl;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelDefaultsTest {
  private static final String MASTER =
      "components.tcpmux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }\n";

  @Test
  void emptyConfigurationHasGlobalDefaults() {
    PorterConfig c = load("");
    assertEquals("t.conf", c.source());
    assertEquals(Duration.ofSeconds(5), c.shutdownTimeout());
    assertSame(Acl.ALLOW_ALL, c.globalAcl());
    assertEquals(Optional.empty(), c.pidfile());
    assertEquals(List.of(), c.components());
  }

  @Test
  void componentWithSocketDefaultsToInetdMode() {
    PorterConfig c = load("components.e { socket = \"inet://127.0.0.1:0\", builtin = echo }");
    assertEquals(Mode.INETD, c.component("e").orElseThrow().mode());
  }

  @Test
  void componentWithOnlyACommandDefaultsToRespawn() {
    PorterConfig c = load("components.web { command = \"/usr/sbin/lighttpd -D\" }");
    assertEquals(Mode.RESPAWN, c.component("web").orElseThrow().mode());
    assertEquals(List.of("/usr/sbin/lighttpd", "-D"), c.component("web").orElseThrow().command());
  }

  @Test
  void componentWithMuxDefaultsToMuxMode() {
    PorterConfig c = load("components.link { mux.connect = \"inet://peer:9000\" }");
    assertEquals(Mode.MUX, c.component("link").orElseThrow().mode());
  }

  @Test
  void subordinateDefaultsToInetdModeAndItsKeyAsService() {
    PorterConfig c =
        load(MASTER + "components.date { tcpmux-master = tcpmux, command = [\"/bin/date\"] }");
    ComponentSpec date = c.component("date").orElseThrow();
    assertEquals(Mode.INETD, date.mode());
    assertEquals("date", date.service());
  }

  @Test
  void subordinateWithoutReplyFlagGetsTcpmuxplus() {
    PorterConfig c = load(MASTER + "components.e { tcpmux-master = tcpmux, builtin = echo }");
    assertEquals(Set.of(Flag.TCPMUXPLUS), c.component("e").orElseThrow().flags());
  }

  @Test
  void componentDefaultsAreUnlimitedAndOpen() {
    ComponentSpec e =
        load("components.e { socket = \"inet://127.0.0.1:0\", builtin = echo }")
            .components()
            .get(0);
    assertSame(Acl.ALLOW_ALL, e.acl());
    assertEquals(0, e.maxInstances());
    assertEquals(0, e.maxRate());
    assertEquals(Duration.ofSeconds(10), e.nameTimeout());
    assertEquals(Duration.ZERO, e.idleTimeout());
    assertEquals(Duration.ofSeconds(10), e.connectTimeout());
    assertEquals(ProxyProtocol.NONE, e.proxyProtocol());
    assertEquals(EnvSpec.INHERIT, e.env());
    assertEquals(List.of(), e.command());
    assertEquals(new Origin("t.conf", 1), e.origin());
  }

  @Test
  void aTelnetProxyRefusesCompressionFromTheClientUnlessAllowed() {
    String proxy =
        "components.m { socket = \"inet://127.0.0.1:0\", builtin = telnet-proxy, route ="
            + " \"inet://127.0.0.1:1\"";
    assertFalse(load(proxy + " }").components().get(0).telnetCompressFromClient());
    assertFalse(
        load(proxy + ", telnet-compress-from-client = deny }")
            .components()
            .get(0)
            .telnetCompressFromClient());
    assertTrue(
        load(proxy + ", telnet-compress-from-client = allow }")
            .components()
            .get(0)
            .telnetCompressFromClient());
  }

  @Test
  void componentsKeepDeclarationOrder() {
    PorterConfig c =
        load(
            "components {\n zeta { command = x }\n alpha { command = y }\n mid { command = z }\n}");
    assertEquals(
        List.of("zeta", "alpha", "mid"), c.components().stream().map(ComponentSpec::name).toList());
  }

  @Test
  void shellFlagRunsTheCommandStringThroughBinSh() {
    ComponentSpec s =
        load("components.s { command = \"date | tr a-z A-Z\", flags = [shell] }")
            .components()
            .get(0);
    assertEquals(List.of("/bin/sh", "-c", "date | tr a-z A-Z"), s.command());
  }

  @Test
  void umaskIsOctalQuotedOrNot() {
    assertEquals(
        Optional.of(022),
        load("components.s { command = x, umask = 022 }").components().get(0).umask());
    assertEquals(
        Optional.of(027),
        load("components.s { command = x, umask = \"027\" }").components().get(0).umask());
  }

  @Test
  void fingerprintChangesExactlyWhenTheDeclarationChanges() {
    String a = load("components.s { command = x, user = a }").components().get(0).fingerprint();
    String same =
        load("components {\n  s {\n    user = a\n    command = x   # reordered\n  }\n}")
            .components()
            .get(0)
            .fingerprint();
    String other = load("components.s { command = x, user = b }").components().get(0).fingerprint();
    assertEquals(a, same);
    assertNotEquals(a, other);
  }

  @Test
  void fingerprintFollowsTheNamedAclsTheComponentUses() {
    String base =
        "acls { inner = [\"allow from 10.0.0.0/8\"], outer = [\"allow acl inner\", \"deny any\"],"
            + " other = [\"deny any\"] }\n"
            + "components.e { socket = \"inet://127.0.0.1:0\", builtin = echo, acl = outer }\n";
    String a = load(base).components().get(0).fingerprint();
    String otherChanged =
        load(base + "acls.other = [\"allow any\"]").components().get(0).fingerprint();
    String innerChanged =
        load(base + "acls.inner = [\"allow from 10.1.0.0/16\"]").components().get(0).fingerprint();
    assertEquals(a, otherChanged);
    assertNotEquals(a, innerChanged);
  }

  @Test
  void namedAclsReferToEachOther() {
    PorterConfig c =
        load(
            "acls { lan = [\"allow from 192.168.0.0/16\"], local = [\"allow acl lan\", \"allow from"
                + " 127.0.0.1\", \"deny any\"] }\n"
                + "acl = local\n");
    assertTrue(c.globalAcl().allows(new InetSocketAddress("192.168.1.2", 1)));
    assertTrue(c.globalAcl().allows(new InetSocketAddress("127.0.0.1", 1)));
    assertTrue(!c.globalAcl().allows(new InetSocketAddress("10.0.0.1", 1)));
  }

  @Test
  void componentAclMayBeAnInlineList() {
    PorterConfig c =
        load(
            "components.e { socket = \"inet://127.0.0.1:0\", builtin = echo, acl = [\"allow from"
                + " 10.0.0.0/8\"] }");
    Acl acl = c.components().get(0).acl();
    assertTrue(acl.allows(new InetSocketAddress("10.2.3.4", 1)));
    assertTrue(!acl.allows(new InetSocketAddress("11.2.3.4", 1)));
  }

  @Test
  void limitsTakeNumbersAndUnlimited() {
    ComponentSpec s =
        load("components.s { command = x, limits { nofile = 1024, core = unlimited } }")
            .components()
            .get(0);
    assertEquals(java.util.Map.of("nofile", 1024L, "core", -1L), s.limits());
  }

  @Test
  void byteLimitsTakeSizes() {
    ComponentSpec s =
        load("components.s { command = x, limits { as = 512M, stack = \"8 KiB\" } }")
            .components()
            .get(0);
    assertEquals(java.util.Map.of("as", 512L << 20, "stack", 8192L), s.limits());
  }

  @Test
  void substitutionsAreResolved() {
    PorterConfig c =
        load("vars.bin = /opt/bin\ncomponents.s { command = [${vars.bin}\"/tool\", \"-v\"] }");
    assertEquals(List.of("/opt/bin/tool", "-v"), c.components().get(0).command());
  }
}
