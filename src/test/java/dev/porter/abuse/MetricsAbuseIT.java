package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that try to wear out the metrics endpoint: they close early, stay idle, trickle, never
 * read, crowd past the connection limit or send garbage. The real porter jar serves them; its
 * descriptors are counted in /proc, and a curl scrape must still work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsAbuseIT {
  private static final Pattern SERVING =
      Pattern.compile("metrics: serving http://127\\.0\\.0\\.1:(\\d+)/metrics");
  private static final String SCRAPE = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  /** MetricsServer.MAX_CONNECTIONS, as porter.conf(5) documents it. */
  private static final int MAX_CONNECTIONS = 16;

  /**
   * Descriptors the JVM may open or close on its own between two counts (none seen in practice):
   * far below what any of these tests would leak.
   */
  private static final int SLACK = 2;

  private Path dir;
  private Process porter;
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private int port;
  private long baseline;

  @BeforeAll
  void startPorter() throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed; .ci/run installs it");
    dir = Files.createTempDirectory("porter-metrics-abuse");
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "control.socket = \"unix://" + dir.resolve("ctl.sock") + "\"",
            "metrics.socket = \"inet://127.0.0.1:0\"",
            "components { echo { socket = \"inet://127.0.0.1:0\", builtin = echo } }"));
    Path jar = Path.of(System.getProperty("porter.jar", "target/porter.jar"));
    assertTrue(Files.exists(jar), "build the jar first (mvn package): " + jar);
    porter =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "run",
                "-c",
                conf.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(porter.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) stderr.add(l);
              } catch (IOException gone) {
                // porter exited
              }
            });
    pump.setDaemon(true);
    pump.start();
    Await.until(
        () -> "the metrics endpoint; stderr: " + stderr,
        Duration.ofSeconds(20),
        () -> stderr.stream().anyMatch(l -> SERVING.matcher(l).find()) || !porter.isAlive());
    Matcher m =
        stderr.stream().map(SERVING::matcher).filter(Matcher::find).findFirst().orElseThrow();
    port = Integer.parseInt(m.group(1));
    // Warm up every path once (early close included), so that what the JVM opens lazily is open.
    assertTrue(curl().contains("porter_connections_accepted_total"));
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(SCRAPE.getBytes(StandardCharsets.US_ASCII));
    }
    Await.until("the warm-up connections to close", () -> openConnections() == 0);
    baseline = descriptors();
  }

  @AfterAll
  void stopPorter() throws Exception {
    if (porter != null) {
      porter.destroy();
      if (!porter.waitFor(20, TimeUnit.SECONDS)) porter.destroyForcibly();
      assertFalse(
          stderr.stream().anyMatch(l -> l.startsWith("\tat ") || l.contains("Exception")),
          "no stack trace in porter's log: " + stderr);
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void aThousandClientsThatCloseRightAfterTheRequestLeaveNoDescriptorAndNoStackTrace()
      throws Exception {
    int linesBefore = stderr.size();
    long start = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.getOutputStream().write(SCRAPE.getBytes(StandardCharsets.US_ASCII));
      }
    }
    awaitDescriptorsBackToBaseline();
    assertTrue(curl().contains("porter_connections_accepted_total"));
    List<String> lines = List.copyOf(stderr).subList(linesBefore, stderr.size());
    // One line at most per kind (refused, rejected, broken) and 10 s: the rest are counted.
    long tens = 1 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) / 10;
    assertTrue(lines.size() <= 3 * tens, lines.toString());
    assertTrue(lines.stream().allMatch(l -> l.contains(" metrics: ")), lines.toString());
  }

  @Test
  void idleAndHalfSentRequestsDoNotBlockAScrapeAndAreClosedAtTheHeadDeadline() throws Exception {
    List<Client> idle = new ArrayList<>();
    try {
      for (String sent :
          List.of(
              "",
              "",
              "",
              "",
              "GET /metr",
              "GET /metr",
              "GET /metrics HTTP/1.1\r\n",
              "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n",
              "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n")) {
        Client c = Client.to(port);
        if (!sent.isEmpty()) c.send(sent);
        idle.add(c);
      }
      assertTrue(curl().contains("porter_connections_accepted_total"), "a scrape while they wait");
      // MetricsServer.HEAD_TIMEOUT_NANOS is 5 s; each read here gives up after 10 s.
      for (Client c : idle) assertTrue(c.closedByServer(), "porter closes an idle client");
    } finally {
      for (Client c : idle) c.close();
    }
    awaitDescriptorsBackToBaseline();
  }

  @Test
  void aClientTricklingItsHeadIsClosedAtTheHeadDeadlineHoweverSteadilyItSends() throws Exception {
    try (Client c = Client.to(port)) {
      c.send("GET /metrics HTTP/1.1\r\nX-Slow: ");
      long start = System.nanoTime();
      boolean closed = false;
      // One byte every 100 ms keeps the connection busy, never idle: only a deadline on the
      // whole head ends it. Writes fail once porter's close has come back as a reset.
      while (!closed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15)) {
        try {
          c.send("s");
          Thread.sleep(100);
        } catch (IOException e) {
          closed = true;
        }
      }
      assertTrue(closed, "porter closed the trickling client");
    }
    awaitDescriptorsBackToBaseline();
  }

  @Test
  void clientsThatNeverReadTheReplyDoNotBlockAScrapeAndPorterDropsThem() throws Exception {
    List<Client> deaf = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) deaf.add(Client.to(port).send(SCRAPE));
      assertTrue(
          curl().contains("porter_connections_accepted_total"), "a scrape while they do not read");
      // They keep their sockets open; porter's side closes after the reply and a short linger.
      awaitDescriptorsBackToBaseline();
    } finally {
      for (Client c : deaf) c.close();
    }
  }

  @Test
  void connectionsPastTheLimitAreClosedAtOnceAndScrapingComesBackWhenTheCrowdLeaves()
      throws Exception {
    List<Client> crowd = new ArrayList<>();
    try {
      Await.until("earlier tests' connections to close", () -> openConnections() == 0);
      for (int i = 0; i < MAX_CONNECTIONS; i++) crowd.add(Client.to(port));
      Await.until("porter to hold the crowd", () -> openConnections() == MAX_CONNECTIONS);
      try (Client late = Client.to(port)) {
        assertTrue(late.closedByServer(), "the connection past the limit is closed");
      }
      // ... at once, not at the head deadline: the crowd, which came first, is still there.
      Socket first = crowd.get(0).socket();
      first.setSoTimeout(200);
      try {
        int b = first.getInputStream().read();
        throw new AssertionError(
            "the first of the crowd ended (read " + b + ") before the one past the limit");
      } catch (SocketTimeoutException stillOpen) {
        // as it should be
      }
    } finally {
      for (Client c : crowd) c.close();
    }
    Await.until("porter to let the crowd go", () -> openConnections() == 0);
    assertTrue(curl().contains("porter_connections_accepted_total"));
    assertTrue(
        stderr.stream()
            .anyMatch(
                l ->
                    l.contains("metrics: refused 127.0.0.1:")
                        && l.contains("(16 connections open)")),
        stderr.toString());
    awaitDescriptorsBackToBaseline();
  }

  @Test
  void garbageAndOversizedHeadsAreRefusedAndClosed() throws Exception {
    try (Client c = Client.to(port)) {
      c.send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n");
      assertTrue(c.readAll().startsWith("HTTP/1.1 414 URI Too Long\r\n"));
    }
    try (Client c = Client.to(port)) {
      c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n" + "X-Big: yyyyyyyy\r\n".repeat(600));
      assertTrue(c.readAll().startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    }
    Random random = new Random(8);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[1 + random.nextInt(2048)];
      random.nextBytes(junk);
      try (Client c = Client.to(port)) {
        c.send(junk);
        c.shutdownOutput();
        String reply = readUntilClosed(c);
        assertTrue(
            reply.isEmpty()
                || reply.startsWith("HTTP/1.1 400 Bad Request\r\n")
                || reply.startsWith("HTTP/1.1 414 "),
            "seed 8, case " + i + ": " + reply);
      }
    }
    awaitDescriptorsBackToBaseline();
  }

  // ---------------------------------------------------------------- helpers

  private static String readUntilClosed(Client c) throws IOException {
    try {
      return c.readAll();
    } catch (SocketTimeoutException e) {
      throw new AssertionError("porter left the connection open");
    } catch (IOException reset) {
      return ""; // a reset after porter refused is the same answer
    }
  }

  private void awaitDescriptorsBackToBaseline() {
    Await.until(
        () ->
            "porter's descriptors back to " + baseline + " (+" + SLACK + "), now " + descriptors(),
        Duration.ofSeconds(15),
        () -> descriptors() <= baseline + SLACK);
  }

  private long descriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(porter.pid()), "fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new AssertionError("porter is gone: " + stderr, e);
    }
  }

  /**
   * Connections porter holds on the metrics port, in any state: the kernel's table lists them with
   * an inode, while a socket porter has closed lingers there with inode 0 (or not at all).
   */
  private long openConnections() {
    String local = String.format(":%04X", port);
    long n = 0;
    // The JDK's sockets are dual-stack: 127.0.0.1 shows as ::ffff:127.0.0.1 in tcp6.
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        n +=
            Files.readAllLines(Path.of(table)).stream()
                .skip(1)
                .map(l -> l.trim().split("\\s+"))
                .filter(f -> f[1].endsWith(local) && !f[3].equals("0A") && !f[9].equals("0"))
                .count();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    return n;
  }

  private String curl() throws Exception {
    Process p =
        new ProcessBuilder("curl", "-sS", "-m", "5", "http://127.0.0.1:" + port + "/metrics")
            .redirectErrorStream(true)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "curl finished");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "curl: " + text);
    return text;
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) return true;
    }
    return false;
  }
}
