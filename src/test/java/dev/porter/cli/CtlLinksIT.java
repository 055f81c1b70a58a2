package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.PorterProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code porter ctl links}: every mux link with its state, peer, streams and bytes. */
class CtlLinksIT {
  @Test
  void ctlListsLinksWithTheirStateInBothForms(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path sock = dir.resolve("ctl.sock");
    Path conf = dir.resolve("p.conf");
    // One porter at both ends of a link: a receptor and a connector to it.
    Files.writeString(
        conf,
        String.join(
            "\n",
            "control.socket = \"unix://" + sock + "\"",
            "components {",
            "  receptor { mode = mux, mux { listen = \"inet://127.0.0.1:" + port + "\" } }",
            "  connector { mode = mux, mux { connect = \"inet://127.0.0.1:" + port + "\" } }",
            "}"));
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      Await.until(
          () -> "both ends up; stderr: " + p.stderr,
          Duration.ofSeconds(30),
          () -> {
            ControlSocketIT.Ctl c = ControlSocketIT.ctl(sock, "links");
            return c.code() == 0 && c.out().lines().filter(l -> l.contains(" up ")).count() == 2;
          });
      ControlSocketIT.Ctl table = ControlSocketIT.ctl(sock, "links");
      assertTrue(table.out().startsWith("LINK"), table.out());
      assertTrue(
          table.out().lines().anyMatch(l -> l.startsWith("receptor") && l.contains("127.0.0.1:")),
          table.out());
      ControlSocketIT.Ctl json = ControlSocketIT.ctl(sock, "links", "--json");
      assertEquals(0, json.code());
      assertTrue(
          json.out().contains("\"name\":\"connector\"")
              && json.out().contains("\"state\":\"up\"")
              && json.out().contains("\"tls\":false"),
          json.out());
      assertEquals(0, p.terminate());
    }
  }
}
