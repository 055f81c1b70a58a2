package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.config.ConfigLoader;
import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.RunningPorter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload as a reconcile keyed by component name. */
class ReloadIT {
  @Test
  void reloadKeepsUnchangedComponentsRestartsChangedOnesStopsRemovedOnesAndStartsNewOnes(@TempDir Path dir)
      throws Exception {
    Path sock = dir.resolve("old.sock");
    String before = String.join("\n",
        "shutdown-timeout = 2s",
        "components {",
        "  steady { command = \"/bin/sleep 600\" }",
        "  changing { command = \"/bin/sleep 600\" }",
        "  leaving { command = \"/bin/sleep 601\" }",
        "  echo { socket = \"inet://127.0.0.1:0\", builtin = echo }",
        "  old { socket = \"unix://" + sock + "\", builtin = echo }",
        "}");
    try (RunningPorter p = RunningPorter.start(before)) {
      Await.until("daemons", () -> SupervisionIT.pid(p, "steady") > 0 && SupervisionIT.pid(p, "changing") > 0
          && SupervisionIT.pid(p, "leaving") > 0);
      int steady = SupervisionIT.pid(p, "steady");
      int changing = SupervisionIT.pid(p, "changing");
      int leaving = SupervisionIT.pid(p, "leaving");
      int echoPort = p.port("echo");
      assertTrue(Files.exists(sock));
      try (Client open = Client.to(echoPort)) {
        open.send("a");
        assertEquals("a", open.readN("a"));
        String after = String.join("\n",
            "shutdown-timeout = 2s",
            "components {",
            "  steady { command = \"/bin/sleep 600\" }",
            "  changing { command = \"/bin/sleep 599\" }",
            "  echo { socket = \"inet://127.0.0.1:" + echoPort + "\", builtin = echo }",
            "  fresh { socket = \"inet://127.0.0.1:0\", builtin = daytime }",
            "}");
        List<String> changes = p.porter().reload(ConfigLoader.parse(after, "after.conf"));
        assertTrue(changes.contains("removed leaving") && changes.contains("removed old")
            && changes.contains("changed changing") && changes.contains("added fresh"), changes.toString());
        assertEquals(steady, SupervisionIT.pid(p, "steady"), "an unchanged daemon keeps its process");
        Await.until("the changed daemon to restart", () -> SupervisionIT.pid(p, "changing") > 0);
        assertNotEquals(changing, SupervisionIT.pid(p, "changing"));
        Await.until("the removed daemon to stop", () -> !SupervisionIT.alive(leaving));
        assertFalse(Files.exists(sock), "a removed unix socket is unlinked");
        // The connection opened before the reload still works (socket and service unchanged).
        open.send("b");
        assertEquals("b", open.readN("b"));
      }
      try (Client c = Client.to(p.port("fresh"))) {
        assertTrue(c.readAll().endsWith("\r\n"));
      }
    }
  }

  @Test
  void aChangedComponentOnTheSameSocketKeepsListeningWithoutARebindGap() throws Exception {
    String before = "components { svc { socket = \"inet://127.0.0.1:0\", builtin = echo } }";
    try (RunningPorter p = RunningPorter.start(before)) {
      int port = p.port("svc");
      p.porter().reload(ConfigLoader.parse(
          "components { svc { socket = \"inet://127.0.0.1:" + port + "\", builtin = daytime } }", "b.conf"));
      p.porter().reload(ConfigLoader.parse(
          "components { svc { socket = \"inet://127.0.0.1:" + port + "\", builtin = daytime, max-instances = 5 } }",
          "c.conf"));
      assertEquals(port, p.port("svc"));
      try (Client c = Client.to(port)) {
        assertTrue(c.readAll().matches("\\w{3} \\w{3} .*\r\n"));
      }
    }
  }

  @Test
  void aTcpmuxMasterSeesSubordinatesAddedByReload() throws Exception {
    String before = String.join("\n", "components {",
        "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
        "  echo { tcpmux-master = mux, builtin = echo }", "}");
    try (RunningPorter p = RunningPorter.start(before)) {
      int port = p.port("mux");
      p.porter().reload(ConfigLoader.parse(String.join("\n", "components {",
          "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
          "  echo { tcpmux-master = mux, builtin = echo }",
          "  late { tcpmux-master = mux, command = [ /bin/echo, late ] }", "}"), "b.conf"));
      assertEquals(port, p.port("mux"), "the unchanged master keeps its socket");
      try (Client c = Client.to(port)) {
        c.send("help\r\n");
        assertEquals("echo\r\nlate\r\n", c.readAll());
      }
      try (Client c = Client.to(port)) {
        c.send("late\r\n");
        assertEquals("+\r\nlate\n", c.readAll());
      }
    }
  }

  @Test
  void aUnixSocketServesAndIsUnlinkedAtShutdown(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("echo.sock");
    RunningPorter p = RunningPorter.start(
        "components { e { socket = \"unix://" + sock + ";mode=0600\", builtin = echo } }");
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(sock));
      ch.write(ByteBuffer.wrap("unix".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer b = ByteBuffer.allocate(4);
      while (b.hasRemaining() && ch.read(b) >= 0) { }
      assertEquals("unix", new String(b.array(), StandardCharsets.US_ASCII));
    }
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(sock)));
    p.close();
    assertFalse(Files.exists(sock));
  }
}
