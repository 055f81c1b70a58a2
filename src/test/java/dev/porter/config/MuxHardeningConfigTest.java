package dev.porter.config;

import static dev.porter.config.ConfigAssertions.assertOneProblem;
import static dev.porter.config.ConfigAssertions.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Certificates;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys that harden mux links ({@code mux.replace}, {@code mux.max-streams}, {@code
 * mux.tls.peers}) and the open-link warning.
 */
class MuxHardeningConfigTest {
  @TempDir Path dir;

  private static String listen(String more) {
    return "components.link {\n mux.listen = \"inet://0.0.0.0:9000\"\n" + more + "}\n";
  }

  @Test
  void aReceptorRefusesReplacementsUnlessReplaceIsAllow() {
    assertFalse(load(listen("")).components().get(0).muxReplace());
    assertTrue(load(listen(" mux.replace = allow\n")).components().get(0).muxReplace());
    assertFalse(load(listen(" mux.replace = refuse\n")).components().get(0).muxReplace());
  }

  @Test
  void anUnknownReplaceValueIsRefusedWithTheChoices() {
    assertOneProblem(
        listen(" mux.replace = always\n"),
        "t.conf:3: components.link.mux.replace: unknown mux.replace \"always\" (one of: allow,"
            + " refuse)");
  }

  @Test
  void replaceIsOnlyForMuxListen() {
    assertOneProblem(
        "components.link {\n mux.connect = \"inet://peer:9000\"\n mux.replace = allow\n}\n",
        "t.conf:3: components.link.mux.replace: replace is for mux.listen");
  }

  @Test
  void maxStreamsIsAWholeNumberFromOneTo8192() {
    assertEquals(Optional.empty(), load(listen("")).components().get(0).muxMaxStreams());
    assertEquals(
        Optional.of(1000),
        load(listen(" mux.max-streams = 1000\n")).components().get(0).muxMaxStreams());
    assertOneProblem(
        listen(" mux.max-streams = 0\n"),
        "t.conf:3: components.link.mux.max-streams: must be at least 1, got 0");
    assertOneProblem(
        listen(" mux.max-streams = 8193\n"),
        "t.conf:3: components.link.mux.max-streams: must be at most 8192, got 8193");
  }

  @Test
  void aListenerThatAnyAddressMayReachWithoutMutualTlsIsWarnedOf() {
    PorterConfig c = load("acl = [ \"allow any\" ]\n" + listen(""));
    assertEquals(1, c.warnings().size());
    assertEquals(
        "t.conf:3: warning: components.link.mux.listen: any address may establish this link, and it"
            + " has no mutual TLS (mux.tls.ca): whoever reaches inet://0.0.0.0:9000 may use its"
            + " exits; limit acl, or require client certificates",
        c.warnings().get(0).toString());
  }

  @Test
  void anAclThatOnlyDeniesSomeStillLetsTheWorldInAndIsWarnedOf() {
    assertEquals(
        1,
        load(listen(" acl = [ \"deny from 10.0.0.0/8\", \"allow from 0.0.0.0/0\" ]\n"))
            .warnings()
            .size());
    assertEquals(
        1,
        load("acls { open = [ \"allow any\" ] }\n" + listen(" acl = [ \"allow acl open\" ]\n"))
            .warnings()
            .size());
  }

  @Test
  void aListenerLimitedByEitherAclIsNotWarnedOf() {
    assertEquals(
        List.of(),
        load(listen(" acl = [ \"allow from 192.0.2.0/24\", \"deny any\" ]\n")).warnings());
    assertEquals(
        List.of(),
        load("acl = [ \"allow from 127.0.0.0/8\", \"deny any\" ]\n" + listen("")).warnings());
    assertEquals(
        List.of(),
        load("acls { near = [ \"allow from 10.0.0.0/8\" ] }\n"
                + listen(" acl = [ \"allow acl near\", \"deny any\" ]\n"))
            .warnings());
  }

  @Test
  void connectorsAndUnixListenersAreNotWarnedOf() {
    assertEquals(
        List.of(), load("components.link { mux.connect = \"inet://peer:9000\" }\n").warnings());
    assertEquals(
        List.of(),
        load("components.link { mux.listen = \"unix:///run/porter/link.sock\" }\n").warnings());
  }

  @Test
  void aMutualTlsReceptorIsNotWarnedOfButOneWithoutCaIs() throws Exception {
    Certificates certs = Certificates.make(dir);
    String keys = "cert = \"" + certs.cert("server") + "\", key = \"" + certs.key("server") + "\"";
    assertEquals(
        List.of(),
        load(listen(" mux.tls { " + keys + ", ca = \"" + certs.cert("ca") + "\" }\n")).warnings());
    assertEquals(1, load(listen(" mux.tls { " + keys + " }\n")).warnings().size());
  }

  @Test
  void peersNameSubjectAltNamesOrTheCommonName() throws Exception {
    Certificates certs = Certificates.make(dir);
    TlsSpec tls =
        load(listen(
                " mux.tls { cert = \""
                    + certs.cert("server")
                    + "\", key = \""
                    + certs.key("server")
                    + "\", ca = \""
                    + certs.cert("ca")
                    + "\", peers = [ \"DNS:far.example.org\", \"ip:192.0.2.7\", \"CN=far\" ] }\n"))
            .components()
            .get(0)
            .muxTls()
            .orElseThrow();
    assertEquals("[DNS:far.example.org, IP:192.0.2.7, CN=far]", tls.peers().toString());
  }

  @Test
  void peersNeedAMutualReceptor() throws Exception {
    Certificates certs = Certificates.make(dir);
    String keys = "cert = \"" + certs.cert("server") + "\", key = \"" + certs.key("server") + "\"";
    assertOneProblem(
        listen(" mux.tls { " + keys + ", peers = [ \"CN=far\" ] }\n"),
        "t.conf:3: components.link.mux.tls.peers: peers is for a receptor (mux.listen) with ca");
    assertOneProblem(
        "components.link {\n mux.connect = \"inet://peer:9000\"\n mux.tls { ca = \""
            + certs.cert("ca")
            + "\", peers = [ \"CN=far\" ] }\n}\n",
        "t.conf:3: components.link.mux.tls.peers: peers is for a receptor");
  }

  @Test
  void aPeerThatIsNoNameOrAnAddressWithAPrefixIsRefused() throws Exception {
    Certificates certs = Certificates.make(dir);
    String mutual =
        "cert = \""
            + certs.cert("server")
            + "\", key = \""
            + certs.key("server")
            + "\", ca = \""
            + certs.cert("ca")
            + "\"";
    assertOneProblem(
        listen(" mux.tls { " + mutual + ", peers = [ \"far.example.org\" ] }\n"),
        "t.conf:3: components.link.mux.tls.peers: \"far.example.org\" is not DNS:name, IP:address"
            + " or CN=name");
    assertOneProblem(
        listen(" mux.tls { " + mutual + ", peers = [ \"IP:192.0.2.0/24\" ] }\n"),
        "t.conf:3: components.link.mux.tls.peers: \"IP:192.0.2.0/24\" is not DNS:name");
    assertOneProblem(
        listen(" mux.tls { " + mutual + ", peers = [ ] }\n"),
        "t.conf:3: components.link.mux.tls.peers: must name at least one peer");
  }
}
