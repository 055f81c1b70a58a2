package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.PorterProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** porter as a user runs it: the jar, its exit codes, its messages, its signals. */
class CommandLineIT {
  private static final Pattern LISTENING =
      Pattern.compile("component (\\S+): listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void versionAndHelpExitZero() throws Exception {
    PorterProcess v = PorterProcess.run("--version");
    assertEquals(0, v.exitCode());
    assertTrue(v.stdout.get(0).startsWith("porter "), v.stdout.toString());
    PorterProcess h = PorterProcess.run("--help");
    assertEquals(0, h.exitCode());
    assertTrue(String.join("\n", h.stdout).contains("check"), h.stdout.toString());
  }

  @Test
  void anUnknownOptionIsAUsageErrorWithExitOne() throws Exception {
    PorterProcess p = PorterProcess.run("run", "--frobnicate");
    assertEquals(1, p.exitCode());
    assertTrue(p.stderr.get(0).startsWith("porter: "), p.stderr.toString());
  }

  @Test
  void checkPrintsEveryProblemAsFileLineKeyAndExitsOne(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "components {",
            "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
            "  date {",
            "    tcpmux-mastr = mux",
            "    builtin = daytime",
            "  }",
            "  e { socket = \"inet://127.0.0.1:0\", builtin = echo, flags = [ tcpmuxplsu ] }",
            "}"));
    PorterProcess p = PorterProcess.run("check", "-c", conf.toString());
    assertEquals(1, p.exitCode());
    String err = String.join("\n", p.stderr);
    assertTrue(err.contains(conf + ":4: components.date.tcpmux-mastr:"), err);
    assertTrue(err.contains("tcpmux-master"), err);
    assertTrue(err.contains(conf + ":7: components.e.flags:"), err);
    assertFalse(err.contains("Exception"), err);
    assertFalse(err.contains("\tat "), err);
  }

  @Test
  void checkAcceptsAGoodFile(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("good.conf");
    Files.writeString(
        conf, "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n");
    PorterProcess p = PorterProcess.run("check", "-c", conf.toString());
    assertEquals(0, p.exitCode(), p.stderr.toString());
  }

  @Test
  void checkWarnsOfAMuxListenAnyoneMayUseAndStillExitsZero(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("open.conf");
    Files.writeString(
        conf, "components {\n  link { mode = mux, mux.listen = \"inet://0.0.0.0:9000\" }\n}\n");
    PorterProcess p = PorterProcess.run("check", "-c", conf.toString());
    assertEquals(0, p.exitCode(), p.stderr.toString());
    String err = String.join("\n", p.stderr);
    assertTrue(
        err.contains(
            conf
                + ":2: warning: components.link.mux.listen: any address may establish this link,"
                + " and it has no mutual TLS (mux.tls.ca)"),
        err);
    assertTrue(
        String.join("\n", p.stdout).contains(conf + ": ok, 1 component(s)"), p.stdout.toString());
  }

  @Test
  void aSocketThatCannotBeBoundExitsTwoWithOneClearLine(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path conf = dir.resolve("p.conf");
      Files.writeString(
          conf,
          "components { e { socket = \"inet://127.0.0.1:"
              + taken.getLocalPort()
              + "\", builtin = echo } }\n");
      PorterProcess p = PorterProcess.run("run", "-c", conf.toString());
      assertEquals(2, p.exitCode());
      String err = String.join("\n", p.stderr);
      assertTrue(
          err.contains("component e: cannot listen on inet://127.0.0.1:" + taken.getLocalPort()),
          err);
      assertFalse(err.contains("\tat "), err);
    }
  }

  @Test
  void sigtermLetsOpenConnectionsFinishThenClosesThemAndExitsZero(@TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "shutdown-timeout = 3s",
            "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }"));
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      int port = awaitPort(p, "e");
      try (Client c = Client.to(port)) {
        c.send("before");
        assertEquals("before", c.readN("before"));
        p.signal("TERM");
        Await.until(
            () -> "porter to stop accepting; stderr: " + p.stderr,
            Duration.ofSeconds(10),
            () -> p.stderr.stream().anyMatch(l -> l.contains("shutdown: stopped accepting")));
        // The open connection keeps working during the grace period ...
        c.send("during");
        assertEquals("during", c.readN("during"));
        // ... while new connections are no longer accepted (the log line comes from the signal
        // handler, a moment before the main thread closes the listeners).
        Await.until("new connections to be refused", Duration.ofSeconds(10), () -> refused(port));
        // ... and is closed by porter when shutdown-timeout ends.
        assertTrue(c.closedByServer());
      }
      assertTrue(p.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.process.exitValue());
    }
  }

  @Test
  void runWithoutAConfigServesTheEmbeddedDefaultAndSaysHowToTryIt() throws Exception {
    assumeTrue(free(7001), "port 7001 is in use on this machine; the embedded default needs it");
    try (PorterProcess p = PorterProcess.start()) {
      Await.until("the try-it line", Duration.ofSeconds(30), () -> !p.stdout.isEmpty());
      assertTrue(
          p.stdout.get(0).contains("printf 'help\\r\\n' | nc 127.0.0.1 7001"), p.stdout.toString());
      try (Client c = Client.to(7001)) {
        c.send("help\r\n");
        String help = c.readAll();
        for (String s : List.of("echo", "discard", "daytime", "time", "chargen", "qotd")) {
          assertTrue(help.contains(s + "\r\n"), help);
        }
      }
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void theReadmeTourWorksWithTheRealNetcat(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("nc"), "nc (netcat-openbsd) is not installed; .ci/run installs it");
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "components {",
            "  tcpmux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
            "  echo { tcpmux-master = tcpmux, builtin = echo }",
            "  daytime { tcpmux-master = tcpmux, builtin = daytime }",
            "}"));
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      int port = awaitPort(p, "tcpmux");
      assertEquals("echo\r\ndaytime\r\n", shell("printf 'help\\r\\n' | nc -q 5 127.0.0.1 " + port));
      assertEquals("+\r\nhi\n", shell("printf 'echo\\r\\nhi\\n' | nc -q 1 127.0.0.1 " + port));
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void sighupReloadsAndABrokenFileKeepsTheRunningConfigurationAndLogsEveryProblem(@TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "components {",
            "  tcpmux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
            "  echo { tcpmux-master = tcpmux, builtin = echo }",
            "}"));
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      int port = awaitPort(p, "tcpmux");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "components {",
              "  tcpmux { socket = \"inet://127.0.0.1:" + port + "\", builtin = tcpmux }",
              "  echo { tcpmux-master = tcpmux, builtin = echo }",
              "  daytime { tcpmux-master = tcpmux, builtin = daytime }",
              "}"));
      p.signal("HUP");
      Await.until(
          () -> "the reload; stderr: " + p.stderr,
          Duration.ofSeconds(20),
          () ->
              p.stderr.stream()
                  .anyMatch(l -> l.contains("reload: ") && l.contains("added daytime")));
      try (Client c = Client.to(port)) {
        c.send("help\r\n");
        assertEquals("echo\r\ndaytime\r\n", c.readAll());
      }
      Files.writeString(
          conf,
          String.join(
              "\n",
              "components {",
              "  tcpmux { socket = \"inet://127.0.0.1:"
                  + port
                  + "\", builtin = tcpmux, bogus = 1 }",
              "  echo { tcpmux-master = nosuch, builtin = echo }",
              "}"));
      p.signal("HUP");
      Await.until(
          () -> "the refusal; stderr: " + p.stderr,
          Duration.ofSeconds(20),
          () ->
              p.stderr.stream().anyMatch(l -> l.contains("p.conf:2: components.tcpmux.bogus"))
                  && p.stderr.stream()
                      .anyMatch(l -> l.contains("p.conf:3: components.echo.tcpmux-master")));
      try (Client c = Client.to(port)) {
        c.send("help\r\n");
        assertEquals("echo\r\ndaytime\r\n", c.readAll());
      }
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void telnetDecodeReadsAStreamAndPrintsItsEvents() throws Exception {
    Process p =
        new ProcessBuilder(
                PorterProcess.javaBin(),
                "-jar",
                PorterProcess.jar().toString(),
                "telnet",
                "decode",
                "-t",
                "24:WILL:DO")
            .start();
    p.getOutputStream().write(new byte[] {'h', 'i', (byte) 255, (byte) 251, 24});
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    assertEquals("DATA 6869\nSEND fffd18\nWILL 24\n", out);
  }

  static int awaitPort(PorterProcess p, String component) {
    int[] port = new int[1];
    Await.until(
        () -> "component " + component + " to listen; stderr: " + p.stderr,
        Duration.ofSeconds(30),
        () -> {
          for (String line : p.stderr) {
            Matcher m = LISTENING.matcher(line);
            if (m.find() && m.group(1).equals(component)) {
              port[0] = Integer.parseInt(m.group(2));
              return true;
            }
          }
          return !p.process.isAlive();
        });
    if (port[0] == 0) throw new AssertionError("porter exited: " + p.stderr);
    return port[0];
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  static String shell(String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), command);
    return new String(out, StandardCharsets.ISO_8859_1);
  }
}
