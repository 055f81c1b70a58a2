package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.net.ProxyHeader;
import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.PorterProcess;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients try to write lines of their own into porter's log: a PROXY v2 socket path with a newline,
 * a malformed v1 header full of terminal controls and 8-bit bytes (a C1 CSI). The real porter
 * process's stderr must keep one event per line, each starting as porter starts them, with no
 * control character left.
 */
class LogInjectionAbuseIT {
  /** How porter starts each line on a terminal (cli/LogPrefix): a timestamp and a level. */
  static final Pattern LINE =
      Pattern.compile(
          "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (debug|info|warning|error): .*");

  static final String FORGED = "2026-12-04 00:00:00.000 error: component x: forged";

  @Test
  void nothingAClientSendsBreaksALogLine(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("edge.sock");
    Path conf = dir.resolve("porter.conf");
    Files.writeString(
        conf,
        "shutdown-timeout = 1s\ncontrol.socket = \"unix://"
            + dir.resolve("ctl.sock")
            + "\"\n"
            + "acls { local = [ \"allow from 127.0.0.1\", \"deny any\" ] }\n"
            + "components {\n"
            + "  edge { socket = \"unix://"
            + sock
            + "\", builtin = echo, proxy-protocol = accept, proxy-protocol-from = [ \"allow any\" ]"
            + " }\n"
            + "  v1 { socket = \"inet://127.0.0.1:0\", builtin = echo, proxy-protocol = accept,"
            + " proxy-protocol-from = local }\n"
            + "}\n");
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      int v1 = p.awaitPort("v1");

      // A v2 header over a Unix socket may carry paths: this one carries a whole forged line.
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(sock));
        ch.write(
            ByteBuffer.wrap(
                ProxyHeader.v2(
                    UnixDomainSocketAddress.of("/c\n" + FORGED),
                    UnixDomainSocketAddress.of("/s"))));
        ch.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
        ch.shutdownOutput();
        ByteBuffer back = ByteBuffer.allocate(16);
        while (ch.read(back) >= 0) back.clear();
      }
      try (Client c = Client.to(v1)) {
        c.send("PROXY TCP4 \u001b[2J\u0007\r\u0000 \r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(c.closedByServer());
      }
      try (Client c = Client.to(v1)) {
        c.send("PROXY TCP4 \u009b2J \u00ff\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(c.closedByServer());
      }
      Await.until(
          "the three attempts are logged",
          Duration.ofSeconds(10),
          () ->
              p.stderr.stream()
                      .filter(
                          l ->
                              l.contains("component edge: closed")
                                  || l.contains("component v1: closed"))
                      .count()
                  >= 3);
      assertTrue(p.terminate() == 0);
      List<String> lines = List.copyOf(p.stderr);
      for (String l : lines) {
        assertTrue(LINE.matcher(l).matches(), "not a line porter started: " + l);
        assertTrue(
            l.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f), "a raw control character in: " + l);
      }
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("/c\\n" + FORGED)), String.join("\n", lines));
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("\\x1b[2J\\x07")), String.join("\n", lines));
    }
  }
}
