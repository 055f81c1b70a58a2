package dev.porter.config;

import static dev.porter.config.ConfigAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.acl.Acl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static List<String> problems(Path file) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).problems();
  }

  @Test
  void embeddedDefaultServesBuiltinsThroughALoopbackMaster() {
    PorterConfig c = ConfigLoader.loadDefault();
    assertEquals("<embedded default>", c.source());
    ComponentSpec master = c.component("tcpmux").orElseThrow();
    assertTrue(master.isTcpmuxMaster());
    assertEquals("inet://127.0.0.1:7001", master.socket().orElseThrow().text());
    for (String s : List.of("echo", "discard", "daytime", "time", "chargen", "qotd")) {
      ComponentSpec sub = c.component(s).orElseThrow();
      assertEquals(Optional.of("tcpmux"), sub.tcpmuxMaster(), s);
      assertEquals(s, sub.builtin().orElseThrow().configName(), s);
      assertTrue(sub.has(Flag.TCPMUXPLUS), s);
    }
    assertTrue(c.globalAcl().allows(new InetSocketAddress("127.0.0.1", 1)));
    assertTrue(c.globalAcl().allows(new InetSocketAddress("::1", 1)));
    assertFalse(c.globalAcl().allows(new InetSocketAddress("192.0.2.1", 1)));
  }

  @Test
  void realisticConfigurationLoadsWithTheExpectedModel()
      throws URISyntaxException, ConfigException {
    Path file = Path.of(getClass().getResource("/config/full.conf").toURI());
    PorterConfig c = ConfigLoader.load(file);
    assertEquals(file.toString(), c.source());
    assertEquals(Optional.of(Path.of("/run/porter.pid")), c.pidfile());
    assertEquals(Duration.ofSeconds(5), c.shutdownTimeout());
    assertEquals(Optional.of(Path.of("/etc/porter/qotd")), c.qotdFile());
    assertEquals(Optional.of(0600), c.controlSocket().orElseThrow().mode());
    assertEquals(9105, c.metricsSocket().orElseThrow().port());
    assertEquals(
        List.of(
            "tcpmux",
            "date",
            "chat",
            "mud",
            "echo",
            "link",
            "peer-chat",
            "chat-exit",
            "web",
            "setup",
            "cleanup",
            "daemon-fd",
            "login"),
        c.components().stream().map(ComponentSpec::name).toList());

    ComponentSpec tcpmux = c.component("tcpmux").orElseThrow();
    assertEquals(Mode.INETD, tcpmux.mode());
    assertFalse(tcpmux.acl().allows(new InetSocketAddress("192.0.2.1", 1)));
    assertTrue(tcpmux.acl().allows(new InetSocketAddress("127.0.0.1", 1)));

    ComponentSpec date = c.component("date").orElseThrow();
    assertEquals(Set.of(Flag.TCPMUXPLUS, Flag.SOCKENV), date.flags());
    assertEquals(List.of("/bin/date", "-u"), date.command());
    assertEquals(8, date.maxInstances());
    assertEquals(Optional.of("too busy, try later"), date.maxInstancesMessage());
    assertEquals(120, date.maxRate());

    ComponentSpec chat = c.component("chat").orElseThrow();
    assertEquals("inet://127.0.0.1:7000", chat.route().orElseThrow().text());
    assertEquals(Duration.ofMinutes(10), chat.idleTimeout());
    assertEquals(Duration.ofSeconds(3), chat.connectTimeout());
    assertEquals(ProxyProtocol.SEND_V1, chat.proxyProtocol());

    ComponentSpec mud = c.component("mud").orElseThrow();
    assertEquals(Optional.of(Builtin.TELNET_PROXY), mud.builtin());
    assertEquals("mud.example.org", mud.route().orElseThrow().host());
    assertEquals(Optional.of(Path.of("/var/log/porter/mud")), mud.telnetLog());

    ComponentSpec echo = c.component("echo").orElseThrow();
    assertEquals("::1", echo.socket().orElseThrow().host());
    assertTrue(echo.acl().allows(new InetSocketAddress("192.0.2.9", 1)));
    assertFalse(echo.acl().allows(new InetSocketAddress("198.51.100.1", 1)));

    ComponentSpec link = c.component("link").orElseThrow();
    assertEquals(Mode.MUX, link.mode());
    assertEquals(9000, link.muxConnect().orElseThrow().port());
    ComponentSpec entrance = c.component("peer-chat").orElseThrow();
    assertEquals("link", entrance.route().orElseThrow().muxLink());
    assertEquals("chat", entrance.route().orElseThrow().muxService());
    ComponentSpec exit = c.component("chat-exit").orElseThrow();
    assertEquals(Optional.of("link"), exit.muxLink());
    assertEquals("chat", exit.service());
    assertEquals(Mode.INETD, exit.mode());

    ComponentSpec web = c.component("web").orElseThrow();
    assertEquals(Mode.RESPAWN, web.mode());
    assertEquals(
        List.of("/usr/sbin/lighttpd", "-D", "-f", "/etc/lighttpd/lighttpd.conf"), web.command());
    assertEquals(Optional.of("www-data"), web.user());
    assertEquals(Optional.of("www-data"), web.group());
    assertEquals(Optional.of(027), web.umask());
    assertEquals(Optional.of(Path.of("/var/www")), web.chdir());
    assertEquals(
        new EnvSpec(
            true,
            List.of("PATH", "LC_*"),
            Map.of("LANG", "C.UTF-8", "WORKERS", "4"),
            List.of("TZ")),
        web.env());
    assertEquals(Map.of("nofile", 4096L, "core", -1L), web.limits());
    assertEquals(List.of("setup"), web.prerequisites());
    assertEquals(
        Optional.of(
            new OutputSpec(OutputSpec.Kind.FILE, Optional.of(Path.of("/var/log/porter/web.out")))),
        web.stdout());
    assertEquals(Optional.of(new OutputSpec(OutputSpec.Kind.LOG, Optional.empty())), web.stderr());
    assertEquals(
        List.of(
            new ReturnCodeAction(
                Set.of(1, 2), Optional.of(ReturnCodeAction.Action.RESTART), Optional.empty()),
            new ReturnCodeAction(
                Set.of(78),
                Optional.of(ReturnCodeAction.Action.DISABLE),
                Optional.of("/usr/bin/logger -t porter web config broken"))),
        web.returnCodes());
    assertTrue(web.has(Flag.PRECIOUS));

    assertEquals(Mode.STARTUP, c.component("setup").orElseThrow().mode());
    assertEquals(Mode.SHUTDOWN, c.component("cleanup").orElseThrow().mode());
    ComponentSpec fd = c.component("daemon-fd").orElseThrow();
    assertEquals(Mode.PASS_FD, fd.mode());
    assertEquals(Optional.of("app"), fd.socket().orElseThrow().owner());
    assertEquals(Path.of("/run/app/fd.sock"), fd.passFdSocket().orElseThrow().path());
    ComponentSpec login = c.component("login").orElseThrow();
    assertEquals(Mode.ACCEPT, login.mode());
    assertEquals(ProxyProtocol.ACCEPT, login.proxyProtocol());
    assertEquals(new Origin(file.toString(), 69), login.origin());
  }

  @Test
  void requiredIncludeIsReadRelativeToTheIncludingFile() throws Exception {
    write("sub/echo.conf", "components.echo { socket = \"inet://127.0.0.1:0\", builtin = echo }\n");
    Path main =
        write("porter.conf", "include required(\"sub/echo.conf\")\nshutdown-timeout = 1s\n");
    PorterConfig c = ConfigLoader.load(main);
    assertEquals(Optional.of(Builtin.ECHO), c.component("echo").orElseThrow().builtin());
  }

  @Test
  void missingRequiredIncludeIsAProblem() throws Exception {
    Path main = write("porter.conf", "include required(\"nope.conf\")\n");
    List<String> p = problems(main);
    assertEquals(1, p.size(), () -> String.join("\n", p));
    assertTrue(
        p.get(0).contains("nope.conf") && p.get(0).contains("required include not found"),
        p.get(0));
  }

  @Test
  void problemInAnIncludedFileNamesThatFile() throws Exception {
    Path inc =
        write(
            "sub/bad.conf",
            "components.echo {\n  builtin = ecoh\n  socket = \"inet://127.0.0.1:0\"\n}\n");
    Path main = write("porter.conf", "include required(\"sub/bad.conf\")\n");
    assertProblem(
        problems(main).get(0), inc + ":2: components.echo.builtin: unknown builtin \"ecoh\"");
  }

  @Test
  void confDFilesAreMergedInNameOrderOverTheMainFile() throws Exception {
    Path main =
        write("porter.conf", "shutdown-timeout = 1s\ncomponents.web { command = \"/bin/web\" }\n");
    write("conf.d/20-late.conf", "shutdown-timeout = 3s\n");
    write(
        "conf.d/10-early.conf",
        "shutdown-timeout = 2s\n"
            + "components.web { user = www }\n"
            + "components.db { command = /bin/db }\n");
    write("conf.d/README", "not a configuration file {{{");
    write("conf.d/.hidden.conf", "not a configuration file {{{");
    PorterConfig c = ConfigLoader.load(main);
    assertEquals(Duration.ofSeconds(3), c.shutdownTimeout());
    ComponentSpec web = c.component("web").orElseThrow();
    assertEquals(List.of("/bin/web"), web.command());
    assertEquals(Optional.of("www"), web.user());
    assertEquals(List.of("web", "db"), c.components().stream().map(ComponentSpec::name).toList());
  }

  @Test
  void confDFilesSeeSubstitutionsFromTheMainFile() throws Exception {
    Path main = write("porter.conf", "vars.bin = /opt/bin\n");
    write("conf.d/a.conf", "components.t { command = [${vars.bin}\"/t\"] }\n");
    assertEquals(List.of("/opt/bin/t"), ConfigLoader.load(main).components().get(0).command());
  }

  @Test
  void problemsInConfDFilesComeAfterTheMainFileAndNameTheirFile() throws Exception {
    Path main = write("porter.conf", "components.a {\n  command = x\n  usr = a\n}\n");
    Path part =
        write(
            "conf.d/10-b.conf",
            "components.b {\n"
                + "  builtin = echo\n"
                + "  socket = \"inet://127.0.0.1:0\"\n"
                + "  max-rate = 0\n"
                + "}\n");
    List<String> p = problems(main);
    assertEquals(2, p.size(), () -> String.join("\n", p));
    assertProblem(
        p.get(0), main + ":3: components.a.usr: unknown key \"usr\" (did you mean \"user\"?)");
    assertProblem(p.get(1), part + ":4: components.b.max-rate: must be at least 1, got 0");
  }

  @Test
  void syntaxErrorsOfEveryFileAreReportedTogether() throws Exception {
    Path main = write("porter.conf", "a = {\n");
    Path part = write("conf.d/x.conf", "\n\nb = ]\n");
    List<String> p = problems(main);
    assertEquals(2, p.size(), () -> String.join("\n", p));
    assertProblem(p.get(0), main + ":");
    assertProblem(p.get(1), part + ":3: ");
    assertFalse(p.get(0).contains("Exception"), p.get(0));
  }

  @Test
  void unresolvedSubstitutionIsAProblemWithItsLine() throws Exception {
    Path main = write("porter.conf", "\npidfile = ${nowhere}\n");
    assertProblem(problems(main).get(0), main + ":2: Could not resolve substitution");
  }

  @Test
  void missingFileIsOneProblem() {
    Path missing = dir.resolve("missing.conf");
    List<String> p = problems(missing);
    assertEquals(List.of(missing + ": cannot read: No such file or directory"), p);
  }

  @Test
  void fileGivenAsARelativePathIsNamedAsGiven() throws Exception {
    write(
        "rel/porter.conf",
        "components.e {\n  builtin = echo\n  socket = \"inet://127.0.0.1:0\"\n  sockt = 1\n}\n");
    Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("rel/porter.conf"));
    assertProblem(problems(relative).get(0), relative + ":4: components.e.sockt: unknown key");
  }

  @Test
  void configurationsKeepNoTypesafeTypes() {
    // The model is plain records: nothing of com.typesafe escapes (STYLE.md 10).
    for (var rc : ComponentSpec.class.getRecordComponents()) {
      assertFalse(rc.getType().getName().startsWith("com.typesafe"), rc.getName());
    }
    assertEquals(Acl.class, ComponentSpec.class.getRecordComponents()[7].getType());
  }

  @Test
  void aConfigurationNestedThousandsDeepIsAProblemNotAStackOverflow() throws Exception {
    Path main =
        write(
            "porter.conf",
            "pidfile = /run/p.pid\n" + "a { ".repeat(3000) + "}".repeat(3000) + "\n");
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> ConfigLoader.load(main));
    assertEquals(
        List.of(
            main
                + ":2: the configuration nests deeper than 64 levels (objects, lists and dotted"
                + " keys, includes and substitutions counted)"),
        e.problems());
  }

  @Test
  void anIncludeNestedThousandsDeepIsAProblemNotAStackOverflow() throws Exception {
    write("deep.conf", String.join(".", java.util.Collections.nCopies(20000, "a")) + " = 1\n");
    Path main = write("porter.conf", "include required(\"deep.conf\")\n");
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> ConfigLoader.load(main));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(
        e.problems().get(0).contains("nests deeper than 64 levels"), e.problems().toString());
  }
}
