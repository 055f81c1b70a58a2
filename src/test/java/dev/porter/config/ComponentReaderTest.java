package dev.porter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import dev.porter.testing.Certificates;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grammar of a component block: one table of statements, and files named but not read. */
class ComponentReaderTest {
  @TempDir Path dir;

  private final Problems problems = new Problems(Origins.forText("t.conf"));
  private final Values values = new Values(problems);

  private Draft read(String block) {
    ConfigObject decl =
        ConfigFactory.parseString(
                block, ConfigParseOptions.defaults().setOriginDescription("t.conf"))
            .root();
    return new ComponentReader(values, AclTable.read(Optional.empty(), values)).read("link", decl);
  }

  private List<String> problemLines() {
    try {
      problems.throwIfAny();
      return List.of();
    } catch (ConfigException e) {
      return e.problems();
    }
  }

  @Test
  void theGrammarNamesTheTlsFilesAndReadsNoneOfThem() {
    Path missing = dir.resolve("nope.pem");
    Draft d =
        read("mux.connect = \"inet://127.0.0.1:9000\"\nmux.tls { ca = \"" + missing + "\" }\n");
    assertEquals(List.of(), problemLines());
    assertEquals(List.of(missing), d.muxTlsDeclared.files.stream().map(f -> f.path()).toList());
    assertNull(d.muxTls);
  }

  @Test
  void theFileStepReportsAMissingFileAtTheLineThatNamedIt() {
    Path missing = dir.resolve("nope.pem");
    Draft d =
        read("mux.connect = \"inet://127.0.0.1:9000\"\nmux.tls { ca = \"" + missing + "\" }\n");
    TlsFiles.read(d, values);
    assertEquals(
        List.of("t.conf:2: components.link.mux.tls.ca: cannot read " + missing + ": no such file"),
        problemLines());
    assertNull(d.muxTls);
  }

  @Test
  void theFileStepTurnsAWellFormedDeclarationIntoTheSpec() throws Exception {
    Certificates certs = Certificates.make(dir);
    Draft d =
        read(
            "mux.listen = \"inet://127.0.0.1:9000\"\nmux.tls { cert = \""
                + certs.cert("server")
                + "\", key = \""
                + certs.key("server")
                + "\", ca = \""
                + certs.cert("ca")
                + "\" }\n");
    TlsFiles.read(d, values);
    assertEquals(List.of(), problemLines());
    assertTrue(d.muxTls.mutual());
    assertEquals("RSA", d.muxTls.key().orElseThrow().getAlgorithm());
  }

  @Test
  void aDeclarationTheGrammarFoundWrongBecomesNoSpecEvenWhenItsFilesRead() throws Exception {
    Certificates certs = Certificates.make(dir);
    Draft d =
        read(
            "mux.command = \"ssh far porter mux --stdio\"\nmux.tls { ca = \""
                + certs.cert("ca")
                + "\" }\n");
    TlsFiles.read(d, values);
    assertEquals(1, problemLines().size(), problemLines()::toString);
    assertNull(d.muxTls);
  }

  @Test
  void eachBlockAcceptsExactlyItsStatementsInTheOrderHintsPreferThem() {
    assertEquals(
        List.of(
            "socket",
            "builtin",
            "tcpmux-master",
            "service",
            "flags",
            "acl",
            "max-instances",
            "max-instances-message",
            "max-rate",
            "name-timeout",
            "command",
            "route",
            "pass-fd-socket",
            "mode",
            "user",
            "group",
            "umask",
            "chdir",
            "env",
            "limits",
            "prerequisites",
            "stdout",
            "stderr",
            "return-code",
            "idle-timeout",
            "send-timeout",
            "connect-timeout",
            "proxy-protocol",
            "proxy-protocol-from",
            "telnet-log",
            "telnet-compress-from-client",
            "mux",
            "mux-link"),
        ComponentReader.KEYS);
    assertEquals(List.of("clear", "keep", "set", "unset"), ComponentReader.ENV_KEYS);
    assertEquals(
        List.of("listen", "connect", "command", "tls", "replace", "max-streams"),
        ComponentReader.MUX_KEYS);
    assertEquals(List.of("cert", "key", "ca", "server-name", "peers"), ComponentReader.TLS_KEYS);
  }

  @Test
  void aStatementCannotBeInATableTwice() {
    StatementTable<Draft> table = new StatementTable<Draft>().add("user", (r, d, v, k) -> {});
    assertThrows(IllegalArgumentException.class, () -> table.add("user", (r, d, v, k) -> {}));
  }
}
