package dev.porter.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.RunningPorter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Interoperability: porter's link against yamux-js (npm) in Node.js as the other end, streams
 * opened both ways. Needs {@code node} and {@code npm ci} in src/test/node (.ci/run does it).
 */
class YamuxJsInteropIT {
  private static final Path NODE_DIR = Path.of("src/test/node");

  @Test
  void yamuxJsAndPorterOpenStreamsToEachOther() throws Exception {
    Assumptions.assumeTrue(
        onPath("node"), "node is not installed: the yamux-js interoperability test needs Node.js");
    Assumptions.assumeTrue(
        Files.isDirectory(NODE_DIR.resolve("node_modules/yamux-js")),
        "yamux-js is not installed: run (cd src/test/node && npm ci) first");
    Process node =
        new ProcessBuilder("node", "interop.js")
            .directory(NODE_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) lines.add(l);
              } catch (java.io.IOException ignored) {
                // node ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      Await.until(
          "node listens",
          Duration.ofSeconds(20),
          () -> lines.stream().anyMatch(l -> l.startsWith("port ")));
      int port =
          Integer.parseInt(
              lines.stream()
                  .filter(l -> l.startsWith("port "))
                  .findFirst()
                  .orElseThrow()
                  .substring(5));
      try (RunningPorter porter =
          RunningPorter.start(
              "shutdown-timeout = 1s\ncomponents {\n"
                  + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                  + port
                  + "\" }\n"
                  + "  echo-exit { mux-link = link, service = echo, builtin = echo }\n"
                  + "  to-node { socket = \"inet://127.0.0.1:0\", route = \"mux://link/upper\" }\n"
                  + "  to-nowhere { socket = \"inet://127.0.0.1:0\", route = \"mux://link/nosuch\""
                  + " }\n"
                  + "}\n")) {
        // yamux-js opens streams to porter's exit and checks the echoes.
        Await.until(
            () -> "yamux-js's streams to porter finished: " + lines,
            Duration.ofSeconds(90),
            () -> lines.stream().anyMatch(l -> l.startsWith("opened ")));
        assertTrue(lines.contains("opened ok 10"), "yamux-js reports " + lines);
        // porter opens streams (its entrance) to yamux-js's service.
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
          List<Future<String>> results = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            int seed = i;
            results.add(pool.submit(() -> upperRoundTrip(porter.port("to-node"), seed)));
          }
          for (Future<String> f : results) assertEquals("ok", f.get(60, TimeUnit.SECONDS));
        } finally {
          pool.shutdownNow();
        }
        try (Client c = Client.to(porter.port("to-nowhere"))) {
          assertTrue(c.closedByServer(), "a name yamux-js refuses with - closes the client");
        }
      }
    } finally {
      node.destroyForcibly();
    }
  }

  private static String upperRoundTrip(int port, int seed) throws Exception {
    StringBuilder sb = new StringBuilder();
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < 300_000; i++) sb.append((char) ('a' + r.nextInt(26)));
    String text = sb.toString();
    try (Client c = Client.to(port)) {
      Future<String> back =
          Executors.newSingleThreadExecutor().submit(() -> c.readN(text).toString());
      c.send(text);
      String got = back.get(60, TimeUnit.SECONDS);
      return got.equals(text.toUpperCase(Locale.ROOT))
          ? "ok"
          : "stream " + seed + " came back different";
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }
}
