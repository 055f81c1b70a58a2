package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.PorterProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code porter convert inetd}, {@code check --syntax inetd} and {@code run --syntax inetd} with
 * the jar.
 */
class InetdCommandLineIT {

  @Test
  void convertPrintsHoconThatCheckAcceptsAndReportsTheLinesLeftOut(@TempDir Path dir)
      throws Exception {
    Path inetdConf = resource(dir, "debian.conf");
    PorterProcess convert = PorterProcess.run("convert", "inetd", inetdConf.toString());
    assertEquals(0, convert.exitCode(), convert.stderr.toString());
    String err = String.join("\n", convert.stderr);
    assertEquals(4, convert.stderr.size(), err);
    assertTrue(err.contains(inetdConf + ":33: cannot convert talk: protocol udp"), err);
    assertTrue(err.contains(inetdConf + ":40: cannot convert rstatd/1-3: RPC services"), err);

    Path porterConf = dir.resolve("porter.conf");
    Files.writeString(porterConf, String.join("\n", convert.stdout) + "\n");
    PorterProcess check = PorterProcess.run("check", "-c", porterConf.toString());
    assertEquals(0, check.exitCode(), check.stderr + "\n" + String.join("\n", convert.stdout));
    assertTrue(check.stdout.get(0).endsWith(": ok, 16 component(s)"), check.stdout.toString());
  }

  @Test
  void checkWithSyntaxInetdCountsLinesLeftOutAsProblems(@TempDir Path dir) throws Exception {
    PorterProcess withSkips =
        PorterProcess.run(
            "check", "--syntax", "inetd", "-c", resource(dir, "debian.conf").toString());
    assertEquals(1, withSkips.exitCode());
    assertEquals(4, withSkips.stderr.size(), withSkips.stderr.toString());

    Path clean = dir.resolve("clean.conf");
    Files.writeString(
        clean,
        "echo stream tcp nowait root internal\n"
            + "tcpmux/+date stream tcp nowait nobody /bin/date date\n");
    PorterProcess ok = PorterProcess.run("check", "--syntax", "inetd", "-c", clean.toString());
    assertEquals(0, ok.exitCode(), ok.stderr.toString());
    assertEquals(List.of(clean + ": ok, 3 component(s)"), ok.stdout);
  }

  @Test
  void convertingAMissingFileExitsOneWithOneLine(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope.conf");
    PorterProcess p = PorterProcess.run("convert", "inetd", missing.toString());
    assertEquals(1, p.exitCode());
    assertEquals(List.of("porter: " + missing + ": cannot read: no such file"), p.stderr);
    assertTrue(p.stdout.isEmpty(), p.stdout.toString());
  }

  @Test
  void runWithSyntaxInetdServesInternalEchoAndATcpmuxProgram(@TempDir Path dir) throws Exception {
    int echoPort = freePort();
    int tcpmuxPort = freePort();
    // Internal services are known by name, as in inetd: the names get free ports in a services
    // file.
    Path services = dir.resolve("services");
    Files.writeString(services, "echo\t" + echoPort + "/tcp\ntcpmux\t" + tcpmuxPort + "/tcp\n");
    Path inetdConf = dir.resolve("inetd.conf");
    Files.writeString(
        inetdConf,
        String.join(
            "\n",
            "# a test inetd.conf",
            "127.0.0.1:",
            "echo\tstream\ttcp\tnowait\troot\tinternal",
            "tcpmux/+hello\tstream\ttcp\tnowait\troot\t/bin/echo\techo hello",
            "tftp\tdgram\tudp\twait\tnobody\t/usr/sbin/in.tftpd\tin.tftpd",
            ""));
    Path log = dir.resolve("stderr.log");
    ProcessBuilder pb =
        new ProcessBuilder(
            PorterProcess.javaBin(),
            "-jar",
            PorterProcess.jar().toString(),
            "run",
            "--syntax",
            "inetd",
            "-c",
            inetdConf.toString());
    pb.environment().put(ConvertCommand.SERVICES_ENV, services.toString());
    pb.environment().remove("JOURNAL_STREAM");
    pb.redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(log.toFile());
    Process porter = pb.start();
    try {
      Await.until(
          () -> "porter to listen; stderr: " + read(log),
          Duration.ofSeconds(30),
          () -> !porter.isAlive() || (accepts(echoPort) && accepts(tcpmuxPort)));
      assertTrue(porter.isAlive(), read(log));
      assertTrue(
          read(log).contains(inetdConf + ":5: cannot convert tftp: protocol udp"), read(log));

      try (Client c = Client.to(echoPort)) {
        c.send("ping\n");
        assertEquals("ping\n", c.readN("ping\n"));
      }
      try (Client c = Client.to(tcpmuxPort)) {
        c.send("hello\r\n");
        assertEquals("+\r\nhello\n", c.readAll());
      }
      new ProcessBuilder("kill", "-TERM", Long.toString(porter.pid()))
          .inheritIO()
          .start()
          .waitFor();
      assertTrue(porter.waitFor(30, TimeUnit.SECONDS), read(log));
      assertEquals(0, porter.exitValue(), read(log));
      assertFalse(read(log).contains("\tat "), read(log));
    } finally {
      porter.destroyForcibly();
    }
  }

  private static Path resource(Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = InetdCommandLineIT.class.getResourceAsStream("/inetd/" + name)) {
      Files.write(p, in.readAllBytes());
    }
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
