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
  void reloadKeepsUnchangedComponentsRestartsChangedOnesStopsRemovedOnesAndStartsNewOnes(
      @TempDir Path dir) throws Exception {
    Path sock = dir.resolve("old.sock");
    String before =
        String.join(
            "\n",
            "shutdown-timeout = 2s",
            "components {",
            "  steady { command = \"/bin/sleep 600\" }",
            "  changing { command = \"/bin/sleep 600\" }",
            "  leaving { command = \"/bin/sleep 601\" }",
            "  echo { socket = \"inet://127.0.0.1:0\", builtin = echo }",
            "  old { socket = \"unix://" + sock + "\", builtin = echo }",
            "}");
    try (RunningPorter p = RunningPorter.start(before)) {
      Await.until(
          "daemons",
          () ->
              SupervisionIT.pid(p, "steady") > 0
                  && SupervisionIT.pid(p, "changing") > 0
                  && SupervisionIT.pid(p, "leaving") > 0);
      int steady = SupervisionIT.pid(p, "steady");
      int changing = SupervisionIT.pid(p, "changing");
      int leaving = SupervisionIT.pid(p, "leaving");
      int echoPort = p.port("echo");
      assertTrue(Files.exists(sock));
      try (Client open = Client.to(echoPort)) {
        open.send("a");
        assertEquals("a", open.readN("a"));
        String after =
            String.join(
                "\n",
                "shutdown-timeout = 2s",
                "components {",
                "  steady { command = \"/bin/sleep 600\" }",
                "  changing { command = \"/bin/sleep 599\" }",
                "  echo { socket = \"inet://127.0.0.1:" + echoPort + "\", builtin = echo }",
                "  fresh { socket = \"inet://127.0.0.1:0\", builtin = daytime }",
                "}");
        List<String> changes = p.porter().reload(ConfigLoader.parse(after, "after.conf"));
        assertTrue(
            changes.contains("removed leaving")
                && changes.contains("removed old")
                && changes.contains("changed changing")
                && changes.contains("added fresh"),
            changes.toString());
        assertEquals(
            steady, SupervisionIT.pid(p, "steady"), "an unchanged daemon keeps its process");
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
      p.porter()
          .reload(
              ConfigLoader.parse(
                  "components { svc { socket = \"inet://127.0.0.1:"
                      + port
                      + "\", builtin = daytime } }",
                  "b.conf"));
      p.porter()
          .reload(
              ConfigLoader.parse(
                  "components { svc { socket = \"inet://127.0.0.1:"
                      + port
                      + "\", builtin = daytime, max-instances = 5 } }",
                  "c.conf"));
      assertEquals(port, p.port("svc"));
      try (Client c = Client.to(port)) {
        assertTrue(c.readAll().matches("\\w{3} \\w{3} .*\r\n"));
      }
    }
  }

  @Test
  void aTcpmuxMasterSeesSubordinatesAddedByReload() throws Exception {
    String before =
        String.join(
            "\n",
            "components {",
            "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
            "  echo { tcpmux-master = mux, builtin = echo }",
            "}");
    try (RunningPorter p = RunningPorter.start(before)) {
      int port = p.port("mux");
      p.porter()
          .reload(
              ConfigLoader.parse(
                  String.join(
                      "\n",
                      "components {",
                      "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
                      "  echo { tcpmux-master = mux, builtin = echo }",
                      "  late { tcpmux-master = mux, command = [ /bin/echo, late ] }",
                      "}"),
                  "b.conf"));
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
    RunningPorter p =
        RunningPorter.start(
            "components { e { socket = \"unix://" + sock + ";mode=0600\", builtin = echo } }");
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(sock));
      ch.write(ByteBuffer.wrap("unix".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer b = ByteBuffer.allocate(4);
      while (b.hasRemaining() && ch.read(b) >= 0) {}
      assertEquals("unix", new String(b.array(), StandardCharsets.US_ASCII));
    }
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
    p.close();
    assertFalse(Files.exists(sock));
  }

  @Test
  void aReloadOntoABusyPortChangesNothingAndSaysWhy() throws Exception {
    try (java.net.ServerSocket busy =
            new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        RunningPorter p =
            RunningPorter.start(
                "components {\n"
                    + "  echo { socket = \"inet://127.0.0.1:0\", builtin = echo }\n"
                    + "  steady { socket = \"inet://127.0.0.1:0\", builtin = daytime }\n}\n")) {
      int echo = p.port("echo");
      int steady = p.port("steady");
      StartException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              StartException.class,
              () ->
                  p.porter()
                      .reload(
                          ConfigLoader.parse(
                              "components {\n"
                                  + "  echo { socket = \"inet://127.0.0.1:"
                                  + busy.getLocalPort()
                                  + "\", builtin = echo }\n"
                                  + "  fresh { socket = \"inet://127.0.0.1:0\", builtin = daytime"
                                  + " }\n"
                                  + "}\n",
                              "busy.conf")));
      assertEquals(
          List.of(
              "component echo: cannot listen on inet://127.0.0.1:"
                  + busy.getLocalPort()
                  + ": Address already in use"),
          e.reasons());
      assertEquals(echo, p.port("echo"), "the running configuration stays");
      assertEquals(
          steady, p.port("steady"), "a component the reload would have removed still serves");
      assertTrue(p.porter().port("fresh").isEmpty(), "nothing of the refused reload started");
      try (Client c = Client.to(echo)) {
        c.send("still here");
        assertEquals("still here", c.readN("still here"));
      }
    }
  }

  @Test
  void twoComponentsMayTradeTheirPortsInOneReload() throws Exception {
    try (RunningPorter p =
        RunningPorter.start(
            "components {\n"
                + "  a { socket = \"inet://127.0.0.1:0\", builtin = echo }\n"
                + "  b { socket = \"inet://127.0.0.1:0\", builtin = daytime }\n}\n")) {
      int a = p.port("a");
      int b = p.port("b");
      p.porter()
          .reload(
              ConfigLoader.parse(
                  "components {\n"
                      + "  a { socket = \"inet://127.0.0.1:"
                      + b
                      + "\", builtin = echo }\n"
                      + "  b { socket = \"inet://127.0.0.1:"
                      + a
                      + "\", builtin = daytime }\n}\n",
                  "swap.conf"));
      assertEquals(b, p.port("a"));
      assertEquals(a, p.port("b"));
      try (Client c = Client.to(b)) {
        c.send("echoed on b's old port");
        assertEquals("echoed on b's old port", c.readN("echoed on b's old port"));
      }
      try (Client c = Client.to(a)) {
        assertTrue(c.readAll().endsWith("\r\n"));
      }
    }
  }

  @Test
  void aChangedComponentKeepsCountingTheConnectionsOfTheOldOne() throws Exception {
    try (RunningPorter p =
        RunningPorter.start(
            "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo, max-instances = 1 }"
                + " }")) {
      int port = p.port("e");
      try (Client held = Client.to(port)) {
        held.send("x");
        assertEquals("x", held.readN("x"));
        p.porter()
            .reload(
                ConfigLoader.parse(
                    "components { e { socket = \"inet://127.0.0.1:"
                        + port
                        + "\", builtin = echo, max-instances = 1, max-instances-message = busy } }",
                    "b.conf"));
        try (Client refused = Client.to(port)) {
          assertEquals(
              "busy\r\n",
              refused.readAll(),
              "the old declaration's connection still holds the one slot");
        }
      }
      Await.until("the slot to come back", () -> p.porter().activeConnections() == 0);
      try (Client c = Client.to(port)) {
        c.send("y");
        assertEquals("y", c.readN("y"));
      }
    }
  }

  @Test
  void aChangedComponentKeepsCountingTheRateOfTheOldOne() throws Exception {
    try (RunningPorter p =
        RunningPorter.start(
            "components { e { socket = \"inet://127.0.0.1:0\", builtin = daytime, max-rate = 2"
                + " } }")) {
      int port = p.port("e");
      for (int i = 0; i < 2; i++) {
        try (Client c = Client.to(port)) {
          assertTrue(c.readAll().endsWith("\r\n"));
        }
      }
      p.porter()
          .reload(
              ConfigLoader.parse(
                  "components { e { socket = \"inet://127.0.0.1:"
                      + port
                      + "\", builtin = daytime, max-rate = 3 } }",
                  "b.conf"));
      try (Client c = Client.to(port)) {
        assertTrue(c.readAll().endsWith("\r\n"), "the third of three this minute");
      }
      try (Client c = Client.to(port)) {
        assertEquals("", c.readAll(), "a reload does not start a fresh minute");
      }
    }
  }

  /** A command in flight holds the next: nobody ever sees a reconcile half applied. */
  @Test
  void aCommandSubmittedDuringAReloadRunsAfterItWhole() throws Exception {
    // The daemon takes its time to stop, so the reload is in flight for a while.
    String slow =
        "d { command = [ /bin/sh, -c, \"trap 'sleep 0.5; exit 0' TERM; while :; do sleep 1; done\""
            + " ] }";
    try (RunningPorter p =
        RunningPorter.start("shutdown-timeout = 5s\ncomponents {\n" + slow + "\n}\n")) {
      Await.until("the daemon to run", () -> SupervisionIT.pid(p, "d") > 0);
      dev.porter.config.PorterConfig next =
          ConfigLoader.parse(
              "shutdown-timeout = 5s\ncomponents {\n"
                  + slow.replace("sleep 1", "sleep 2")
                  + "\n  late { socket = \"inet://127.0.0.1:0\", builtin = echo }\n}\n",
              "next.conf");
      java.util.concurrent.CompletableFuture<dev.porter.supervisor.ReloadOutcome> reload =
          p.porter().reload(() -> next);
      List<ComponentStatus> seen = p.porter().status();
      assertTrue(reload.isDone(), "status answered while the reload was in flight");
      assertTrue(seen.stream().anyMatch(st -> st.name().equals("late")), seen.toString());
      assertEquals(List.of("changed d", "added late"), reload.get().lines());
    }
  }
}
