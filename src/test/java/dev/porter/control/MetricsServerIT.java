package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.porter.config.Endpoint;
import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The metrics endpoint on the wire: what a scraper, curl and a broken client each get back. */
class MetricsServerIT {
  static final byte[] SMALL = "small_metric 1.0\n".getBytes(StandardCharsets.US_ASCII);

  static Map<String, MetricsServer.Resource> smallAt(String path) {
    return Map.of(path, () -> HttpReply.ok("text/plain; version=0.0.4; charset=utf-8", SMALL));
  }

  static MetricsServer start(Map<String, MetricsServer.Resource> routes) throws ControlException {
    return MetricsServer.start(Endpoint.inet("127.0.0.1", 0), routes);
  }

  /** Sends {@code request} and reads the whole reply up to porter's close. */
  static String exchange(int port, String request) throws IOException {
    try (Client c = Client.to(port)) {
      c.send(request);
      return c.readAll();
    }
  }

  static String curl(String... args) throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed; .ci/run installs it");
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "10"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "curl finished");
    assertEquals(0, p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  @Test
  void curlGetsPortersCountersInTheTextFormat() throws Exception {
    try (RunningPorter p =
            RunningPorter.start(
                "components { echo { socket = \"inet://127.0.0.1:0\", builtin = echo } }");
        MetricsServer m = MetricsServer.start(Endpoint.inet("127.0.0.1", 0), p.porter())) {
      String reply = curl("-i", "http://127.0.0.1:" + m.port() + "/metrics");
      assertTrue(reply.startsWith("HTTP/1.1 200 OK\r\n"), reply);
      assertTrue(
          reply.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), reply);
      assertTrue(reply.contains("\r\nConnection: close\r\n"), reply);
      assertTrue(
          reply.contains("\r\n\r\n# HELP porter_connections_accepted_total Connections admitted\n"),
          reply);
      assertTrue(
          reply.contains("\nporter_connections_accepted_total{component=\"echo\"} 0.0\n"), reply);
      String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
      assertTrue(
          reply.contains(
              "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"),
          reply);
    }
  }

  @Test
  void headGetsTheFieldsOfTheGetAndNoBody() throws Exception {
    try (MetricsServer m = start(smallAt("/metrics"))) {
      String reply = exchange(m.port(), "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(reply.startsWith("HTTP/1.1 200 OK\r\n"), reply);
      assertTrue(reply.contains("\r\nContent-Length: " + SMALL.length + "\r\n"), reply);
      assertTrue(reply.endsWith("\r\n\r\n"), reply);
    }
  }

  @Test
  void aQueryAnAbsoluteTargetAndHttp10AreServedLikeThePlainPath() throws Exception {
    try (MetricsServer m = start(smallAt("/metrics"))) {
      for (String request :
          List.of(
              "GET /metrics?name[]=x HTTP/1.1\r\nHost: x\r\n\r\n",
              "GET http://127.0.0.1:" + m.port() + "/metrics HTTP/1.1\r\nHost: x\r\n\r\n",
              "GET /metrics HTTP/1.0\r\n\r\n",
              "GET /metrics HTTP/1.1\nHost: x\n\n")) {
        String reply = exchange(m.port(), request);
        assertTrue(
            reply.startsWith("HTTP/1.1 200 OK\r\n") && reply.endsWith("\r\n\r\nsmall_metric 1.0\n"),
            request + " got " + reply);
      }
    }
  }

  @Test
  void anotherPathIs404AnotherMethod405WithAllowAndAMalformedHead400() throws Exception {
    try (LogCapture logs = new LogCapture();
        MetricsServer m = start(smallAt("/metrics"))) {
      assertTrue(
          curl("-i", "http://127.0.0.1:" + m.port() + "/")
              .startsWith("HTTP/1.1 404 Not Found\r\n"));
      String post = curl("-i", "-X", "POST", "http://127.0.0.1:" + m.port() + "/metrics");
      assertTrue(post.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), post);
      assertTrue(post.contains("\r\nAllow: GET, HEAD\r\n"), post);
      String bad = exchange(m.port(), "GET /metrics HTTP/1.1\r\n\r\n");
      assertTrue(
          bad.startsWith("HTTP/1.1 400 Bad Request\r\n")
              && bad.endsWith("\r\n\r\n400 Bad Request\n"),
          bad);
      assertTrue(
          exchange(m.port(), "GET / HTTP/3.0\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 505 "));
      // One line for the first refusal; the others fall in its 10 s and are counted for the next.
      assertEquals(
          1,
          logs.lines().stream().filter(l -> l.startsWith("metrics: rejected 127.0.0.1:")).count(),
          logs.lines().toString());
      assertTrue(logs.contains("(404 GET \"/\")"), logs.lines().toString());
    }
  }

  @Test
  void aBodyAfterTheHeadIsDroppedWithoutResettingTheReply() throws Exception {
    try (MetricsServer m = start(smallAt("/metrics"));
        Client c = Client.to(m.port())) {
      byte[] body = new byte[256 * 1024];
      c.send("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n");
      c.send(body);
      String reply = c.readAll();
      assertTrue(
          reply.startsWith("HTTP/1.1 200 OK\r\n") && reply.endsWith("small_metric 1.0\n"), reply);
    }
  }

  @Test
  void aBurstOfScrapesIsAnsweredFromOneRenderingEach() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger renderings = new AtomicInteger();
    MetricsServer.Resource slow =
        () -> {
          renderings.incrementAndGet();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return HttpReply.ok("text/plain", SMALL);
        };
    try (MetricsServer m = start(Map.of("/metrics", slow))) {
      List<Client> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++)
          clients.add(Client.to(m.port()).send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        Await.until("the first rendering to start", () -> renderings.get() == 1);
        // The nine others are read while the first renders: only then is the burst complete.
        Await.until("nine scrapes to wait for the next rendering", () -> waiting(m) == 9);
        release.countDown();
        for (Client c : clients) assertTrue(c.readAll().endsWith("small_metric 1.0\n"));
      } finally {
        for (Client c : clients) c.close();
      }
      // The first request rendered alone; the nine that came during it share the second.
      assertTrue(renderings.get() <= 2, renderings.get() + " renderings");
    }
  }

  @Test
  void aRenderingThatFailsIsA500AndTheEndpointGoesOn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    MetricsServer.Resource flaky =
        () -> {
          if (calls.incrementAndGet() == 1) throw new IllegalStateException("collector bug");
          return HttpReply.ok("text/plain", SMALL);
        };
    try (LogCapture logs = new LogCapture();
        MetricsServer m = start(Map.of("/metrics", flaky))) {
      assertTrue(
          exchange(m.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
              .startsWith("HTTP/1.1 500 "));
      assertTrue(
          exchange(m.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
              .startsWith("HTTP/1.1 200 "));
      assertTrue(logs.contains("metrics: rendering /metrics failed"), logs.lines().toString());
    }
  }

  @Test
  void aClientThatDoesNotTakeALargeReplyIsDroppedAtTheReplyDeadlineWhileOthersAreServed()
      throws Exception {
    byte[] large =
        new byte[64 * 1024 * 1024]; // past any socket buffer the kernel grows on loopback
    Arrays.fill(large, (byte) 'x');
    Map<String, MetricsServer.Resource> routes =
        Map.of(
            "/large",
            () -> HttpReply.ok("text/plain", large),
            "/metrics",
            () -> HttpReply.ok("text/plain", SMALL));
    try (LogCapture logs = new LogCapture();
        MetricsServer m = start(routes);
        Socket stuck = new Socket()) {
      stuck.setReceiveBufferSize(4096);
      stuck.connect(new InetSocketAddress("127.0.0.1", m.port()));
      stuck
          .getOutputStream()
          .write("GET /large HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      long sent = System.nanoTime();
      assertTrue(
          exchange(m.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
              .endsWith("small_metric 1.0\n"));
      Await.until(
          () -> "the broken scrape's line in " + logs.lines(),
          Duration.ofSeconds(30),
          () -> logs.contains("(reply not taken in 10 s)"));
      assertTrue(System.nanoTime() - sent >= MetricsServer.REPLY_TIMEOUT_NANOS);
      assertTrue(logs.contains("metrics: broken scrape from 127.0.0.1:"), logs.lines().toString());
      // Porter closed it: what is left to read ends, short of the 64 MiB.
      stuck.setSoTimeout(10_000);
      long read = 0;
      try {
        byte[] buf = new byte[65536];
        for (int n; (n = stuck.getInputStream().read(buf)) > 0; ) read += n;
      } catch (IOException reset) {
        // a reset after porter's close is the same answer
      }
      assertFalse(read >= large.length, read + " bytes read");
    }
  }

  private static int waiting(MetricsServer m) {
    try {
      return m.waitingFor("/metrics");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
