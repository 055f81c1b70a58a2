package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.PorterProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory runs out on an event loop: porter must not live on with a loop nobody runs (its ports
 * listening, its connections hanging). It logs one line and exits with code 3, which systemd's
 * {@code Restart=on-failure} turns into a fresh porter.
 */
class FatalFailureAbuseIT {
  @Test
  void anEventLoopOutOfMemoryEndsPorterWithExitCodeThreeAndOneLine(@TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("porter.conf");
    Files.writeString(
        conf,
        "shutdown-timeout = 1s\ncontrol.socket = \"unix://"
            + dir.resolve("ctl.sock")
            + "\"\n"
            + "components { echo { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n");
    // The loops queue what slow readers do not take in direct buffers: a 1 MiB budget of direct
    // memory runs out under a few clients that send and never read, as a too small box would.
    try (PorterProcess p =
        PorterProcess.start(
            List.of("-XX:MaxDirectMemorySize=1m"), Map.of(), "run", "-c", conf.toString())) {
      int port = p.awaitPort("echo");
      List<Socket> clients = new ArrayList<>();
      List<Thread> writers = new ArrayList<>();
      try {
        for (int i = 0; i < 16; i++) {
          Socket s = new Socket();
          s.setReceiveBufferSize(4096); // the kernel holds little of what porter sends back
          s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          clients.add(s);
          Thread w = new Thread(() -> sendWithoutReading(s), "test-writer");
          w.setDaemon(true);
          w.start();
          writers.add(w);
        }
        assertTrue(
            p.process.waitFor(60, TimeUnit.SECONDS),
            () -> "porter went on after its loop failed:\n" + String.join("\n", p.stderr));
      } finally {
        for (Socket s : clients) s.close();
      }
      assertEquals(3, p.process.exitValue());
      Await.until(
          "the stderr pumps drain",
          Duration.ofSeconds(10),
          () -> p.stderr.stream().anyMatch(l -> l.contains("exiting with code 3")));
      List<String> fatal =
          p.stderr.stream().filter(l -> l.contains("failed: java.lang.OutOfMemoryError")).toList();
      assertEquals(1, fatal.size(), String.join("\n", p.stderr));
      assertTrue(
          fatal
              .get(0)
              .matches(
                  ".* error: porter: event loop porter-loop-\\d+ failed:"
                      + " java\\.lang\\.OutOfMemoryError: .*; exiting with code 3 so that porter's"
                      + " supervisor starts it again"),
          fatal.get(0));
      assertTrue(
          p.stderr.stream()
              .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Exception in thread")),
          "no stack trace: " + String.join("\n", p.stderr));
    }
  }

  private static void sendWithoutReading(Socket s) {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = s.getOutputStream()) {
      for (int i = 0; i < 256; i++) out.write(chunk);
    } catch (IOException expected) {
      // porter went away
    }
  }
}
