package dev.porter.control;

import static dev.porter.net.Closeables.closeQuietly;

import dev.porter.config.Endpoint;
import dev.porter.net.Addresses;
import dev.porter.net.Connection;
import dev.porter.net.EventLoop;
import dev.porter.net.Listener;
import dev.porter.net.LogThrottle;
import dev.porter.supervisor.Porter;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code metrics.socket}: porter's own small HTTP/1.1 server for its Prometheus metrics. It runs on
 * an event loop of its own, never one that serves components, and renders on one more thread, since
 * rendering waits for the supervisor thread. Every client is bounded: at most {@link
 * #MAX_CONNECTIONS} at once, a request head of at most 8 KiB within {@link #HEAD_TIMEOUT_NANOS},
 * the reply taken within {@link #REPLY_TIMEOUT_NANOS}, one request per connection. GET and HEAD of
 * a path in the routing table get 200; other paths 404, other methods 405, a malformed head 400 (or
 * 414, 431, 505). Trouble a client causes is one log line, at most one a {@link
 * #LOG_INTERVAL_NANOS} for each kind, with the count of the lines held back.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  /**
   * Connections open at once; the next one is closed at accept. Prometheus scrapes a target one
   * request at a time per job, so an HA pair, a second job and a person with curl need a handful;
   * sixteen leave room and cap the memory clients can hold (8 KiB of head and at most one 64 KiB
   * write buffer each).
   */
  static final int MAX_CONNECTIONS = 16;

  /**
   * How long a client may take to send its request head: scrapers write it in one segment right
   * after the handshake; the control socket allows the same 5 s.
   */
  static final long HEAD_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * How long from the request head until the whole reply is written: Prometheus's default
   * scrape_timeout, after which the scraper has given up on the answer anyway.
   */
  static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * At most one log line this often for each kind of client trouble (refused, rejected, broken).
   */
  static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** How long close waits for the loop and the render thread to stop. */
  private static final long STOP_TIMEOUT_SECONDS = 2;

  /** RFC 9110 §15.5.6: a 405 lists the methods the resource supports. */
  private static final Map<String, String> ALLOW = Map.of("Allow", "GET, HEAD");

  private static final PrometheusTextFormatWriter TEXT_FORMAT = PrometheusTextFormatWriter.create();

  /** What answers GET and HEAD on one path; runs on the render thread, where it may wait. */
  @FunctionalInterface
  interface Resource {
    HttpReply get();
  }

  private final EventLoop loop;
  private final Listener listener;
  private final Map<String, Resource> routes;
  private final ExecutorService renderer;
  // Owned by the loop: exchanges waiting for a rendering, by path, and the endpoint's counts.
  private final Map<String, List<HttpExchange>> waiting = new LinkedHashMap<>();
  private boolean rendering;
  private int open;
  private final LogThrottle refusedLog = new LogThrottle(LOG_INTERVAL_NANOS);
  private final LogThrottle rejectedLog = new LogThrottle(LOG_INTERVAL_NANOS);
  private final LogThrottle brokenLog = new LogThrottle(LOG_INTERVAL_NANOS);

  private MetricsServer(EventLoop loop, Listener listener, Map<String, Resource> routes) {
    this.loop = loop;
    this.listener = listener;
    this.routes = Map.copyOf(routes);
    this.renderer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "porter-metrics-render");
              t.setDaemon(true);
              return t;
            });
  }

  /** Binds {@code endpoint} (inet://) and starts serving {@code /metrics}. */
  public static MetricsServer start(Endpoint endpoint, Porter porter) throws ControlException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new PorterMetrics(porter));
    return start(endpoint, Map.of("/metrics", () -> render(registry)));
  }

  /** Binds {@code endpoint} and serves {@code routes}: path to resource. */
  static MetricsServer start(Endpoint endpoint, Map<String, Resource> routes)
      throws ControlException {
    EventLoop loop = new EventLoop("porter-metrics");
    loop.start();
    Listener listener;
    try {
      listener = Listener.bind(loop, endpoint);
    } catch (IOException e) {
      stopQuietly(loop);
      throw new ControlException("metrics: cannot listen on " + endpoint + ": " + e.getMessage());
    }
    MetricsServer server = new MetricsServer(loop, listener, routes);
    listener.start(server::accepted);
    log.info(
        "metrics: serving http://{}:{}/metrics",
        endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]" : endpoint.host(),
        listener.port());
    return server;
  }

  /** The bound port (useful with port 0). */
  /** Exchanges waiting now for a rendering of {@code path} (asked on the loop; for tests). */
  int waitingFor(String path) throws Exception {
    java.util.concurrent.CompletableFuture<Integer> n =
        new java.util.concurrent.CompletableFuture<>();
    loop.execute(() -> n.complete(waiting.getOrDefault(path, List.of()).size()));
    return n.get(10, TimeUnit.SECONDS);
  }

  public int port() {
    return listener.port();
  }

  // On the loop, from the listener.
  private void accepted(SocketChannel ch) {
    if (open >= MAX_CONNECTIONS) {
      String client;
      try {
        client = Addresses.format(ch.getRemoteAddress());
      } catch (IOException e) {
        client = "a client";
      }
      closeQuietly(ch);
      note(refusedLog, "refused", client, MAX_CONNECTIONS + " connections open");
      return;
    }
    open++;
    HttpExchange x = new HttpExchange(this);
    Connection.open(loop, ch, x);
    // Tasks run in order: this one runs after the connection's registration, and finds it failed
    // (the loop is stopping) when the exchange was never opened; it will not report its close.
    loop.execute(
        () -> {
          if (!x.opened()) open--;
        });
  }

  /** A request head is in: answers 404 or 405 at once, or queues the exchange for a rendering. */
  void dispatch(HttpExchange x) {
    HttpRequestHead r = x.request();
    String client = x.client();
    Resource resource = routes.get(r.path());
    if (resource == null) {
      note(rejectedLog, "rejected", client, "404 " + r.method() + " " + quoted(r.target()));
      x.reply(HttpReply.error(404));
    } else if (!r.method().equals("GET") && !r.isHead()) {
      note(rejectedLog, "rejected", client, "405 " + r.method() + " " + quoted(r.target()));
      x.reply(HttpReply.error(405, ALLOW));
    } else {
      waiting.computeIfAbsent(r.path(), p -> new ArrayList<>()).add(x);
      renderNext();
    }
  }

  /**
   * One rendering at a time: it answers every exchange that was waiting for its path when it began,
   * so a burst of scrapes costs one rendering and one shared body.
   */
  private void renderNext() {
    if (rendering || waiting.isEmpty()) return;
    Iterator<Map.Entry<String, List<HttpExchange>>> it = waiting.entrySet().iterator();
    Map.Entry<String, List<HttpExchange>> next = it.next();
    it.remove();
    String path = next.getKey();
    List<HttpExchange> batch = next.getValue();
    Resource resource = routes.get(path);
    rendering = true;
    renderer.execute(
        () -> {
          HttpReply reply;
          try {
            reply = resource.get();
          } catch (RuntimeException e) {
            log.error("metrics: rendering {} failed", path, e);
            reply = HttpReply.error(500);
          }
          HttpReply done = reply;
          loop.execute(
              () -> {
                rendering = false;
                for (HttpExchange x : batch) x.reply(done);
                renderNext();
              });
        });
  }

  /** An exchange's connection closed, however it ended. */
  void closed(HttpExchange x) {
    open--;
    if (x.request() == null) return;
    List<HttpExchange> w = waiting.get(x.request().path());
    if (w != null && w.remove(x) && w.isEmpty()) waiting.remove(x.request().path());
  }

  /** A client ended an exchange early or missed a deadline. */
  void broken(String client, String why) {
    note(brokenLog, "broken scrape from", client, why);
  }

  /** A request head porter refused with {@code why} (its status first). */
  void rejected(String client, String why) {
    note(rejectedLog, "rejected", client, why);
  }

  private static void note(LogThrottle throttle, String what, String client, String why) {
    long held = throttle.admit(System.nanoTime());
    if (held < 0) return;
    if (held == 0) log.info("metrics: {} {} ({})", what, client, why);
    else log.info("metrics: {} {} ({}) suppressed={}", what, client, why, held);
  }

  /** The target as the log shows it: checked ASCII already, cut short. */
  private static String quoted(String target) {
    return "\"" + (target.length() > 64 ? target.substring(0, 64) + "..." : target) + "\"";
  }

  static String seconds(long nanos) {
    return TimeUnit.NANOSECONDS.toSeconds(nanos) + " s";
  }

  /** The metrics in the Prometheus text format (version 0.0.4), read from porter now. */
  private static HttpReply render(PrometheusRegistry registry) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
    try {
      TEXT_FORMAT.write(body, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
    return HttpReply.ok(PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
  }

  @Override
  public void close() {
    listener.close();
    stopQuietly(loop);
    renderer.shutdownNow();
  }

  private static void stopQuietly(EventLoop loop) {
    try {
      loop.stop(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
