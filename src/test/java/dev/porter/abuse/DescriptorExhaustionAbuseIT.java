package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.PorterProcess;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client fills porter's descriptor table (RLIMIT_NOFILE) with idle connections: accept fails with
 * EMFILE for as long as they stay. porter says so in one line, not ten a second, and serves again
 * the moment they go.
 */
class DescriptorExhaustionAbuseIT {
  /** How long the table stays full while the log is watched: 20 accept retries' worth. */
  static final long WINDOW_MILLIS = 2_000;

  @Test
  void aFullDescriptorTableIsOneLogLineAndServingResumesWhenItEmpties(@TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("porter.conf");
    Files.writeString(
        conf,
        "shutdown-timeout = 1s\ncontrol.socket = \"unix://"
            + dir.resolve("ctl.sock")
            + "\"\n"
            + "components { d { socket = \"inet://127.0.0.1:0\", builtin = discard } }\n");
    List<String> lowLimit = List.of("/bin/sh", "-c", "ulimit -n 64 && exec \"$@\"", "sh");
    try (PorterProcess p =
        PorterProcess.start(lowLimit, List.of(), Map.of(), "run", "-c", conf.toString())) {
      int port = p.awaitPort("d");
      List<Socket> hoard = new ArrayList<>();
      try {
        // The kernel completes handshakes into the backlog whether or not porter can accept.
        while (p.logLines("accept failed") == 0 && hoard.size() < 200) {
          Socket s = new Socket();
          s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          hoard.add(s);
        }
        p.awaitLog("listener inet://127.0.0.1:0: accept failed: Too many open files");
        // An observation window, not synchronisation: accept is retried every 100 ms meanwhile.
        Thread.sleep(WINDOW_MILLIS);
        assertEquals(1, p.logLines("accept failed"), String.join("\n", p.stderr));
      } finally {
        for (Socket s : hoard) s.close();
      }
      try (dev.porter.testing.Client c = dev.porter.testing.Client.to(port)) {
        c.send("served again");
        c.shutdownOutput();
        assertTrue(c.closedByServer());
      }
      assertEquals(0, p.terminate());
    }
  }
}
