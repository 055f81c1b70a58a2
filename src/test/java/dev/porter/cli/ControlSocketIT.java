package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import dev.porter.control.Json;
import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.PorterProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code porter ctl} against the real porter jar, through its control socket. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlSocketIT {
  private static final Pattern METRICS =
      Pattern.compile("metrics: serving http://127\\.0\\.0\\.1:(\\d+)/metrics");

  private Path shared;
  private PorterProcess porter;
  private Path sock;
  private int echoPort;
  private int meteredPort;
  private int metricsPort;

  @BeforeAll
  void startPorter() throws Exception {
    shared = Files.createTempDirectory("porter-ctl-it");
    sock = shared.resolve("ctl.sock");
    Path conf = shared.resolve("p.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "control.socket = \"unix://" + sock + "\"",
            "metrics.socket = \"inet://127.0.0.1:0\"",
            "components {",
            "  echo { socket = \"inet://127.0.0.1:0\", builtin = echo }",
            "  metered { socket = \"inet://127.0.0.1:0\", builtin = echo, acl = [ \"deny from"
                + " 127.0.0.2/32\", \"allow any\" ] }",
            "  sleeper { mode = respawn, command = \"/bin/sleep 1000\" }",
            "}"));
    porter = PorterProcess.start("run", "-c", conf.toString());
    echoPort = CommandLineIT.awaitPort(porter, "echo");
    meteredPort = CommandLineIT.awaitPort(porter, "metered");
    metricsPort = awaitMetricsPort(porter);
    awaitControl(porter);
  }

  @AfterAll
  void stopPorter() throws Exception {
    if (porter != null) {
      assertEquals(0, porter.terminate());
      assertFalse(Files.exists(sock), "the control socket is removed on shutdown");
    }
    try (java.util.stream.Stream<Path> files = Files.walk(shared)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  void listShowsEveryComponentAsAnAlignedTable() {
    Ctl r = ctl(sock, "list");
    assertEquals(0, r.code, r.err);
    String[] lines = r.out.split("\n");
    assertTrue(lines[0].startsWith("NAME "), r.out);
    for (String h :
        List.of(
            "MODE",
            "STATE",
            "PID",
            "SOCKET",
            "CONN",
            "TOTAL",
            "REFUSED",
            "RESTARTS",
            "LAST-EXIT")) {
      assertTrue(lines[0].contains(h), r.out);
    }
    assertEquals(4, lines.length, r.out);
    int stateColumn = lines[0].indexOf("STATE");
    assertTrue(lines[1].startsWith("echo "), r.out);
    assertEquals("listening", lines[1].substring(stateColumn).split(" +")[0], r.out);
    assertTrue(lines[1].contains("127.0.0.1:" + echoPort), r.out);
    assertTrue(lines[3].startsWith("sleeper "), r.out);
    assertEquals("running", lines[3].substring(stateColumn).split(" +")[0], r.out);
  }

  @Test
  void listAndStatusAsJsonCarryEveryField() throws Exception {
    Ctl r = ctl(sock, "list", "--json");
    assertEquals(0, r.code, r.err);
    Map<?, ?> reply = (Map<?, ?>) Json.parse(r.out);
    assertEquals(true, reply.get("ok"));
    List<?> components = (List<?>) reply.get("components");
    assertEquals(3, components.size());
    Map<?, ?> echo = (Map<?, ?>) components.get(0);
    assertEquals(
        List.of(
            "name",
            "mode",
            "state",
            "pid",
            "socket",
            "connections",
            "total",
            "refused",
            "restarts",
            "last_exit"),
        new ArrayList<>(echo.keySet()));
    assertEquals("inetd", echo.get("mode"));

    Ctl s = ctl(sock, "status", "sleeper", "--json");
    assertEquals(0, s.code, s.err);
    Map<?, ?> sleeper = (Map<?, ?>) ((Map<?, ?>) Json.parse(s.out)).get("component");
    assertEquals("respawn", sleeper.get("mode"));
    assertTrue(((Number) sleeper.get("pid")).longValue() > 0, s.out);

    Ctl t = ctl(sock, "status", "echo");
    assertEquals(0, t.code, t.err);
    assertEquals(2, t.out.split("\n").length, t.out);
    assertTrue(t.out.split("\n")[1].startsWith("echo "), t.out);
  }

  @Test
  void stopStartAndRestartSteerADaemonAndReplyWithItsNewState() throws Exception {
    Ctl stop = ctl(sock, "stop", "sleeper");
    assertEquals(0, stop.code, stop.err);
    assertTrue(stop.out.split("\n")[1].contains(" stopped "), stop.out);

    Ctl start = ctl(sock, "start", "sleeper", "--json");
    assertEquals(0, start.code, start.err);
    Map<?, ?> started = (Map<?, ?>) ((Map<?, ?>) Json.parse(start.out)).get("component");
    assertEquals("running", started.get("state"), start.out);
    long pid = ((Number) started.get("pid")).longValue();

    Ctl restart = ctl(sock, "restart", "sleeper", "--json");
    assertEquals(0, restart.code, restart.err);
    Map<?, ?> restarted = (Map<?, ?>) ((Map<?, ?>) Json.parse(restart.out)).get("component");
    assertEquals("running", restarted.get("state"), restart.out);
    assertTrue(((Number) restarted.get("pid")).longValue() != pid, restart.out);
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the old daemon is gone");

    Ctl text = ctl(sock, "restart", "sleeper");
    assertEquals(0, text.code, text.err);
    assertTrue(text.out.split("\n")[1].contains(" running "), text.out);
  }

  @Test
  void connectionsListsOpenClientsWithComponentAgeAndBytes() throws Exception {
    try (Client c = Client.to(echoPort)) {
      c.send("hello\n");
      assertEquals("hello\n", c.readN("hello\n"));
      String client = "127.0.0.1:" + c.socket().getLocalPort();
      Ctl r = ctl(sock, "connections");
      assertEquals(0, r.code, r.err);
      assertTrue(r.out.startsWith("CLIENT "), r.out);
      String row =
          r.out
              .lines()
              .filter(l -> l.startsWith(client))
              .findFirst()
              .orElseThrow(() -> new AssertionError(r.out));
      assertEquals(List.of(client, "echo"), List.of(row.split(" +")).subList(0, 2), row);

      Ctl j = ctl(sock, "connections", "--json");
      assertEquals(0, j.code, j.err);
      Map<?, ?> mine =
          ((List<?>) ((Map<?, ?>) Json.parse(j.out)).get("connections"))
              .stream()
                  .map(o -> (Map<?, ?>) o)
                  .filter(m -> m.get("client").equals(client))
                  .findFirst()
                  .orElseThrow();
      assertEquals("echo", mine.get("component"));
      assertEquals(6L, mine.get("bytes_in"));
      assertEquals(6L, mine.get("bytes_out"));
      assertTrue(((Number) mine.get("age_ms")).longValue() >= 0);
    }
  }

  @Test
  void anUnknownComponentOrCommandIsOneClearLineAndExitOne() throws Exception {
    Ctl unknown = ctl(sock, "status", "nosuch");
    assertEquals(1, unknown.code);
    assertEquals("porter: no component named \"nosuch\"\n", unknown.err);

    Ctl json = ctl(sock, "stop", "nosuch", "--json");
    assertEquals(1, json.code);
    assertEquals("unknown-component", ((Map<?, ?>) Json.parse(json.out)).get("code"));

    Ctl command = ctl(sock, "frobnicate");
    assertEquals(1, command.code);
    assertTrue(command.err.startsWith("porter: unknown command \"frobnicate\""), command.err);

    Ctl missing = ctl(sock, "restart");
    assertEquals(1, missing.code);
    assertEquals("porter: restart needs a component name\n", missing.err);

    Ctl noDaemon = ctl(sock, "start", "echo");
    assertEquals(1, noDaemon.code);
    assertTrue(noDaemon.err.contains("runs no daemon"), noDaemon.err);
  }

  @Test
  void metricsCountAcceptedAndRefusedConnectionsAndBytesPerComponent() throws Exception {
    assumeTrue(CommandLineIT.onPath("curl"), "curl is not installed; .ci/run installs it");
    for (int i = 0; i < 3; i++) {
      try (Client c = Client.to(meteredPort)) {
        c.send("abcd");
        c.shutdownOutput();
        assertEquals("abcd", c.readAll());
      }
    }
    try (Client denied = Client.from("127.0.0.2", meteredPort)) {
      assertTrue(denied.closedByServer());
    }
    Await.until(
        "the counters to show every connection",
        Duration.ofSeconds(10),
        () -> {
          String m = curlMetrics();
          return m.contains("porter_connections_accepted_total{component=\"metered\"} 3.0")
              && m.contains(
                  "porter_connections_refused_total{component=\"metered\",reason=\"acl\"} 1.0")
              && m.contains("porter_received_bytes_total{component=\"metered\"} 12.0")
              && m.contains("porter_sent_bytes_total{component=\"metered\"} 12.0");
        });
    String m = curlMetrics();
    assertTrue(
        m.contains(
            "porter_connections_refused_total{component=\"metered\",reason=\"max-instances\"} 0.0"),
        m);
    assertTrue(m.contains("porter_connections_active{component=\"metered\"} 0.0"), m);
    assertTrue(m.contains("porter_spawns_total{component=\"sleeper\"}"), m);
    assertTrue(m.contains("porter_restarts_total{component=\"sleeper\"}"), m);
    assertTrue(m.contains("# TYPE porter_connections_accepted_total counter"), m);
  }

  // ---------------------------------------------------------------- each with a porter of its own

  @Test
  void reloadThroughCtlReportsChangesAndABrokenFileReturnsEveryProblemAndKeepsTheRunningConfig(
      @TempDir Path dir) throws Exception {
    Path own = dir.resolve("ctl.sock");
    Path conf = dir.resolve("p.conf");
    String control = "control.socket = \"unix://" + own + "\"";
    Files.writeString(
        conf,
        String.join(
            "\n", control, "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }"));
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      int port = CommandLineIT.awaitPort(p, "e");
      awaitControl(p);
      Files.writeString(
          conf,
          String.join(
              "\n",
              control,
              "components {",
              "  e { socket = \"inet://127.0.0.1:" + port + "\", builtin = echo }",
              "  d { socket = \"inet://127.0.0.1:0\", builtin = discard }",
              "}"));
      Ctl added = ctl(own, "reload");
      assertEquals(0, added.code, added.err);
      assertTrue(added.out.contains("reload: added d\n"), added.out);

      Files.writeString(
          conf,
          String.join(
              "\n",
              control,
              "components {",
              "  e { socket = \"inet://127.0.0.1:" + port + "\", builtin = echo, bogus = 1 }",
              "  d { socket = \"inet://127.0.0.1:0\", builtin = nosuch }",
              "}"));
      Ctl broken = ctl(own, "reload");
      assertEquals(1, broken.code);
      assertTrue(
          broken.err.startsWith("porter: reload refused, the running configuration stays"),
          broken.err);
      assertTrue(broken.err.contains("p.conf:3: components.e.bogus"), broken.err);
      assertTrue(broken.err.contains("p.conf:4: components.d.builtin"), broken.err);
      assertFalse(broken.err.contains("\tat "), broken.err);

      Ctl json = ctl(own, "reload", "--json");
      assertEquals(1, json.code);
      Map<?, ?> reply = (Map<?, ?>) Json.parse(json.out);
      assertEquals("invalid-config", reply.get("code"));
      assertEquals(2, ((List<?>) reply.get("problems")).size(), json.out);

      Ctl list = ctl(own, "list");
      assertEquals(3, list.out.split("\n").length, list.out);
      try (Client c = Client.to(port)) {
        c.send("still\n");
        assertEquals("still\n", c.readN("still\n"));
      }
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void shutdownThroughCtlStopsPorterWhichRemovesItsSocket(@TempDir Path dir) throws Exception {
    Path own = dir.resolve("ctl.sock");
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        "control.socket = \"unix://"
            + own
            + "\"\n"
            + "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n");
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      awaitControl(p);
      Ctl r = ctl(own, "shutdown");
      assertEquals(0, r.code, r.err);
      assertEquals("porter is shutting down\n", r.out);
      assertTrue(p.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.process.exitValue());
      assertFalse(Files.exists(own));
    }
  }

  @Test
  void aStaleSocketFileIsReplacedAtStart(@TempDir Path dir) throws Exception {
    Path own = dir.resolve("ctl.sock");
    try (java.nio.channels.ServerSocketChannel dead =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(java.net.UnixDomainSocketAddress.of(own));
    }
    assertTrue(Files.exists(own));
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        "control.socket = \"unix://"
            + own
            + "\"\n"
            + "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n");
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      awaitControl(p);
      assertEquals(0, ctl(own, "list").code);
      assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void withoutARunningPorterTheRealCommandSaysSoAndExitsTwo(@TempDir Path dir) throws Exception {
    Path nowhere = dir.resolve("ctl.sock");
    PorterProcess p = PorterProcess.run("ctl", "-s", nowhere.toString(), "list");
    assertEquals(2, p.exitCode());
    assertEquals(
        List.of("porter: no porter is listening on " + nowhere + " (is porterd running?)"),
        p.stderr);
  }

  @Test
  void aPeerThatIsNeitherRootNorInTheSocketsGroupIsRefused(@TempDir Path dir) throws Exception {
    assumeTrue(
        new UnixSystem().getUid() == 0, "needs root to run the client as nobody with setpriv");
    assumeTrue(CommandLineIT.onPath("setpriv"), "setpriv (util-linux) is not installed");
    // nobody must reach the socket file; mode 0666 lets it connect, so the peer check is what
    // refuses.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path open = dir.resolve("open.sock");
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        "control.socket = \"unix://"
            + open
            + ";mode=0666\"\n"
            + "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n");
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      awaitControl(p);
      Proc refused = asNobody("ctl", "-s", open.toString(), "list");
      assertEquals(2, refused.code, refused.err);
      assertEquals(
          "porter: permission denied: user nobody (uid 65534) is neither root nor a member of group"
              + " root\n",
          refused.err);
      Proc json = asNobody("ctl", "-s", open.toString(), "list", "--json");
      assertEquals("denied", ((Map<?, ?>) Json.parse(json.out)).get("code"));
      Await.until(
          "the refusal in porter's log",
          () ->
              p.stderr.stream().anyMatch(l -> l.contains("control: refused a peer: user nobody")));
      assertEquals(0, ctl(open, "list").code, "root may");
      assertEquals(0, p.terminate());
    }
    // With the default mode 0660 the kernel refuses nobody before porter sees it.
    Path closed = dir.resolve("closed.sock");
    Files.writeString(
        conf,
        "control.socket = \"unix://"
            + closed
            + "\"\n"
            + "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n");
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      awaitControl(p);
      Proc denied = asNobody("ctl", "-s", closed.toString(), "list");
      assertEquals(2, denied.code, denied.err);
      assertEquals(
          "porter: permission denied on " + closed + " (root and the socket's group may use it)\n",
          denied.err);
      assertEquals(0, p.terminate());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** What a ctl run printed and returned. */
  record Ctl(int code, String out, String err) {}

  /** Runs {@code porter ctl -s SOCK ARGS} in this JVM (quick), as Main would. */
  static Ctl ctl(Path sock, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("ctl", "-s", sock.toString()));
    all.addAll(List.of(args));
    int code = cl.execute(all.toArray(new String[0]));
    return new Ctl(code, out.toString(), err.toString());
  }

  /** What a process printed and returned. */
  record Proc(int code, String out, String err) {}

  private static Proc asNobody(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                PorterProcess.javaBin(),
                "-jar",
                PorterProcess.jar().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(Path.of("/").toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Proc(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private String curlMetrics() {
    try {
      return CommandLineIT.shell("curl -s http://127.0.0.1:" + metricsPort + "/metrics");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static void awaitControl(PorterProcess p) {
    Await.until(
        () -> "the control socket; stderr: " + p.stderr,
        Duration.ofSeconds(30),
        () ->
            p.stderr.stream().anyMatch(l -> l.contains("control: listening on"))
                || !p.process.isAlive());
    if (!p.process.isAlive()) throw new AssertionError("porter exited: " + p.stderr);
  }

  private static int awaitMetricsPort(PorterProcess p) {
    int[] port = new int[1];
    Await.until(
        () -> "the metrics endpoint; stderr: " + p.stderr,
        Duration.ofSeconds(30),
        () -> {
          for (String line : p.stderr) {
            Matcher m = METRICS.matcher(line);
            if (m.find()) {
              port[0] = Integer.parseInt(m.group(1));
              return true;
            }
          }
          return !p.process.isAlive();
        });
    if (port[0] == 0) throw new AssertionError("porter exited: " + p.stderr);
    return port[0];
  }
}
