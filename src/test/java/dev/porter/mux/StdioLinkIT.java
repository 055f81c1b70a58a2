package dev.porter.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.RunningPorter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link carried on a child's stdin/stdout: mux.command here, the real jar's porter mux --stdio
 * there.
 */
class StdioLinkIT {
  @TempDir Path dir;

  @Test
  void aLinkOnAChildsStdinAndStdoutCarriesStreamsBothWays() throws Exception {
    Path jar = Path.of(System.getProperty("porter.jar", "target/porter.jar"));
    if (!Files.exists(jar)) throw new AssertionError("build the jar first (mvn package): " + jar);
    int farPort;
    try (ServerSocket s = new ServerSocket(0)) {
      farPort = s.getLocalPort();
    }
    Path farConf = dir.resolve("far.conf");
    Files.writeString(
        farConf,
        "shutdown-timeout = 1s\ncomponents {\n"
            + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\" }\n"
            + "  echo-exit { mux-link = link, service = echo, builtin = echo }\n"
            + "  back { socket = \"inet://127.0.0.1:"
            + farPort
            + "\", route = \"mux://link/near-echo\" }\n}\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (RunningPorter near =
        RunningPorter.start(
            "shutdown-timeout = 2s\ncomponents {\n"
                + "  link { mode = mux, mux.command = [ \""
                + java
                + "\", \"-jar\", \""
                + jar.toAbsolutePath()
                + "\", "
                + "\"mux\", \"--stdio\", \"-c\", \""
                + farConf
                + "\" ] }\n"
                + "  near-echo { mux-link = link, builtin = echo }\n"
                + "  to-far { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }\n"
                + "}\n")) {
      Await.until(
          "the stdio link is up",
          Duration.ofSeconds(30),
          () -> near.porter().link("link").orElseThrow().isUp());
      try (Client c = Client.to(near.port("to-far"))) {
        c.send("over stdio\n");
        assertEquals("over stdio\n", c.readLine());
      }
      // And the other way: the far porter's entrance reaches an exit here.
      Await.until(
          "the far entrance listens",
          Duration.ofSeconds(30),
          () -> {
            try (Client c = Client.to(farPort)) {
              return true;
            } catch (java.io.IOException e) {
              return false;
            }
          });
      try (Client c = Client.to(farPort)) {
        c.send("and back\n");
        assertEquals("and back\n", c.readLine());
      }
    }
  }
}
