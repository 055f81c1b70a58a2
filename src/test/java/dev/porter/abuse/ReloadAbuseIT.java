package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Client;
import dev.porter.testing.PorterProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads that cannot be applied, from a real porter and a real {@code porter ctl}: a port taken by
 * someone else, a file nested thousands deep. Each is refused whole, says why, exits 1, and the
 * running configuration goes on serving.
 */
class ReloadAbuseIT {
  @Test
  void aReloadOntoABusyPortIsRefusedWholeAndCtlSaysWhy(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("porter.conf");
    String ctl = dir.resolve("ctl.sock").toString();
    String head = "shutdown-timeout = 1s\ncontrol.socket = \"unix://" + ctl + "\"\n";
    Files.writeString(
        conf, head + "components { echo { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      int echo = p.awaitPort("echo");
      Files.writeString(
          conf,
          head
              + "components { echo { socket = \"inet://127.0.0.1:"
              + busy.getLocalPort()
              + "\", builtin = echo } }\n");
      PorterProcess reload = PorterProcess.run("ctl", "-s", ctl, "reload");
      assertEquals(
          1,
          reload.exitCode(),
          String.join("\n", reload.stdout) + String.join("\n", reload.stderr));
      String said = String.join("\n", reload.stdout) + String.join("\n", reload.stderr);
      assertTrue(
          said.contains("component echo: cannot listen on inet://127.0.0.1:" + busy.getLocalPort()),
          said);
      try (Client c = Client.to(echo)) {
        c.send("still served");
        assertEquals("still served", c.readN("still served"));
      }
      PorterProcess list = PorterProcess.run("ctl", "-s", ctl, "list");
      assertTrue(
          String.join("\n", list.stdout).contains("127.0.0.1:" + echo),
          String.join("\n", list.stdout));
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void aFileNestedThousandsDeepIsOneProblemForCheckAndForReload(@TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("porter.conf");
    String ctl = dir.resolve("ctl.sock").toString();
    String good =
        "shutdown-timeout = 1s\ncontrol.socket = \"unix://"
            + ctl
            + "\"\n"
            + "components { echo { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n";
    String deep = good + "a { ".repeat(3000) + "}".repeat(3000) + "\n";
    Path deepFile = dir.resolve("deep.conf");
    Files.writeString(deepFile, deep);
    PorterProcess check = PorterProcess.run("check", "-c", deepFile.toString());
    assertEquals(1, check.exitCode());
    assertEquals(
        List.of(
            deepFile
                + ":4: the configuration nests deeper than 64 levels (objects, lists and dotted"
                + " keys, includes and substitutions counted)"),
        check.stderr);

    Files.writeString(conf, good);
    try (PorterProcess p = PorterProcess.start("run", "-c", conf.toString())) {
      int echo = p.awaitPort("echo");
      Files.writeString(conf, deep);
      PorterProcess reload = PorterProcess.run("ctl", "-s", ctl, "reload");
      assertEquals(1, reload.exitCode());
      assertTrue(
          (String.join("\n", reload.stdout) + String.join("\n", reload.stderr))
              .contains("nests deeper than 64"));
      assertTrue(p.process.isAlive());
      try (Client c = Client.to(echo)) {
        c.send("x");
        assertEquals("x", c.readN("x"));
      }
      assertEquals(0, p.terminate());
      assertTrue(
          p.stderr.stream()
              .noneMatch(l -> l.contains("StackOverflowError") || l.startsWith("\tat ")),
          String.join("\n", p.stderr));
    }
  }
}
