package dev.porter.config;

import static dev.porter.config.ConfigAssertions.assertOneProblem;
import static dev.porter.config.ConfigAssertions.load;
import static dev.porter.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mux.tls}: its keys, and the PEM files it names read and checked at load time. */
class TlsConfigTest {
  @TempDir Path dir;

  private static String connector(String tls) {
    return "components.link {\n mux.connect = \"inet://127.0.0.1:9000\"\n mux.tls " + tls + "\n}\n";
  }

  private static String receptor(String tls) {
    return "components.link {\n mux.listen = \"inet://127.0.0.1:9000\"\n mux.tls " + tls + "\n}\n";
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private Path rsaKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
    return write(
        "rsa.key",
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8)
            + "\n-----END PRIVATE KEY-----\n");
  }

  @Test
  void aMissingCaFileIsNamedWithItsLine() {
    Path missing = dir.resolve("nope.pem");
    assertOneProblem(
        connector("{ ca = \"" + missing + "\" }"),
        "t.conf:3: components.link.mux.tls.ca: cannot read " + missing + ": no such file");
  }

  @Test
  void aFileWithoutACertificateIsRefused() throws Exception {
    Path junk = write("junk.pem", "hello\n");
    assertOneProblem(
        connector("{ ca = \"" + junk + "\" }"),
        "t.conf:3: components.link.mux.tls.ca: " + junk + ": no \"BEGIN CERTIFICATE\" block in it");
  }

  @Test
  void aCertificateBlockThatIsNotACertificateIsRefused() throws Exception {
    Path bad =
        write("bad.pem", "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n");
    assertOneProblem(
        connector("{ ca = \"" + bad + "\" }"),
        "t.conf:3: components.link.mux.tls.ca: " + bad + ": not a valid X.509 certificate");
  }

  @Test
  void aTraditionalRsaKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
    Path old =
        write(
            "old.key",
            "-----BEGIN RSA PRIVATE KEY-----\naGVsbG8=\n-----END RSA PRIVATE KEY-----\n");
    Path cert = write("c.pem", "x");
    List<String> p = problems(connector("{ cert = \"" + cert + "\", key = \"" + old + "\" }"));
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                            "t.conf:3: components.link.mux.tls.key: "
                                + old
                                + ": the key must be unencrypted PKCS#8")
                        && s.contains("openssl pkcs8 -topk8")),
        p::toString);
  }

  @Test
  void aKeyBlockThatIsNoKeyIsRefused() throws Exception {
    Path bad =
        write("bad.key", "-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n");
    List<String> p = problems(connector("{ cert = \"" + bad + "\", key = \"" + bad + "\" }"));
    assertTrue(
        p.contains(
            "t.conf:3: components.link.mux.tls.key: "
                + bad
                + ": not an RSA or EC private key in PKCS#8 form"),
        p::toString);
  }

  @Test
  void certWithoutKeyIsRefused() throws Exception {
    assertOneProblem(
        connector("{ key = \"" + rsaKey() + "\" }"),
        "t.conf:3: components.link.mux.tls.key: cert and key go together");
  }

  @Test
  void aReceptorNeedsACertificate() {
    assertOneProblem(
        receptor("{ }"),
        "t.conf:3: components.link.mux.tls: a receptor (mux.listen) needs cert and key");
  }

  @Test
  void tlsIsNotForACommandLink() {
    assertOneProblem(
        "components.link {\n mux.command = \"ssh far porter mux --stdio\"\n mux.tls { }\n}\n",
        "t.conf:3: components.link.mux.tls: TLS is for links over mux.listen and mux.connect");
  }

  @Test
  void tlsIsNotForAUnixLink() {
    assertOneProblem(
        "components.link {\n mux.connect = \"unix:///run/far.sock\"\n mux.tls { }\n}\n",
        "t.conf:3: components.link.mux.tls: TLS is for inet links");
  }

  @Test
  void serverNameIsOnlyForTheConnector() throws Exception {
    Path key = rsaKey();
    List<String> p = problems(receptor("{ server-name = far, key = \"" + key + "\" }"));
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "t.conf:3: components.link.mux.tls.server-name: server-name is for"
                            + " mux.connect")),
        p::toString);
  }

  @Test
  void anUnknownTlsKeyIsRefusedWithAHint() {
    assertOneProblem(
        connector("{ serv-name = far }"),
        "t.conf:3: components.link.mux.tls.serv-name: unknown key \"serv-name\" (did you mean"
            + " \"server-name\"?)");
  }

  @Test
  void tlsAloneDoesNotSayHowTheLinkComesUp() {
    assertOneProblem(
        "components.link {\n mode = mux\n mux.tls { }\n}\n",
        "t.conf:",
        "exactly one of mux.listen, mux.connect or mux.command");
  }

  @Test
  void aConnectorWithCaAndServerNameLoads() throws Exception {
    Certificates certs = Certificates.make(dir);
    PorterConfig c =
        load(connector("{ ca = \"" + certs.cert("ca") + "\", server-name = localhost }"));
    TlsSpec tls = c.components().get(0).muxTls().orElseThrow();
    assertEquals(1, tls.trusted().size());
    assertEquals(Optional.of("localhost"), tls.serverName());
    assertTrue(tls.chain().isEmpty() && tls.key().isEmpty());
  }

  @Test
  void aMutualReceptorLoadsWithAnRsaCertificateAndAClientWithAnEcOne() throws Exception {
    Certificates certs = Certificates.make(dir);
    TlsSpec server =
        load(receptor(
                "{ cert = \""
                    + certs.cert("server")
                    + "\", key = \""
                    + certs.key("server")
                    + "\", ca = \""
                    + certs.cert("ca")
                    + "\" }"))
            .components()
            .get(0)
            .muxTls()
            .orElseThrow();
    assertTrue(server.mutual());
    assertEquals("RSA", server.key().orElseThrow().getAlgorithm());
    TlsSpec client =
        load(connector(
                "{ cert = \""
                    + certs.cert("client")
                    + "\", key = \""
                    + certs.key("client")
                    + "\" }"))
            .components()
            .get(0)
            .muxTls()
            .orElseThrow();
    assertEquals("EC", client.key().orElseThrow().getAlgorithm());
  }

  @Test
  void aKeyThatDoesNotFitTheCertificateIsRefused() throws Exception {
    Certificates certs = Certificates.make(dir);
    assertOneProblem(
        connector("{ cert = \"" + certs.cert("client") + "\", key = \"" + rsaKey() + "\" }"),
        "t.conf:3: components.link.mux.tls.key: the key is RSA but the certificate's is EC");
  }

  @Test
  void aKeyOfTheRightKindButAnotherCertificateIsRefused() throws Exception {
    Certificates certs = Certificates.make(dir);
    assertOneProblem(
        connector("{ cert = \"" + certs.cert("client") + "\", key = \"" + certs.key("ca") + "\" }"),
        "t.conf:3: components.link.mux.tls.key: the key does not belong to the first certificate of"
            + " cert");
  }

  @Test
  void changingACertificateFileChangesTheFingerprint() throws Exception {
    Certificates certs = Certificates.make(dir);
    Path ca = dir.resolve("trust.pem");
    Files.copy(certs.cert("ca"), ca);
    String text = connector("{ ca = \"" + ca + "\" }");
    String before = load(text).components().get(0).fingerprint();
    Files.copy(certs.cert("other-ca"), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertNotEquals(before, load(text).components().get(0).fingerprint());
  }
}
