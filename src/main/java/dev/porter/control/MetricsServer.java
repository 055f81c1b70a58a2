package dev.porter.control;

import dev.porter.config.Endpoint;
import dev.porter.supervisor.Porter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code metrics.socket}: an HTTP endpoint serving porter's counters in the Prometheus text
 * format at {@code /metrics}, by the Prometheus Java client's exporter (the JDK's HTTP server on
 * its own threads, never an event loop).
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  /** Scrapes served at once; Prometheus scrapes one target sequentially. */
  private static final int THREADS = 2;

  private final HTTPServer http;

  private MetricsServer(HTTPServer http) {
    this.http = http;
  }

  /** Binds {@code endpoint} (inet://) and starts serving. */
  public static MetricsServer start(Endpoint endpoint, Porter porter) throws ControlException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new PorterMetrics(porter));
    ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "porter-metrics");
      t.setDaemon(true);
      return t;
    });
    try {
      HTTPServer http = HTTPServer.builder().hostname(endpoint.host()).port(endpoint.port()).registry(registry)
          .executorService(threads).buildAndStart();
      log.info("metrics: serving http://{}:{}/metrics", endpoint.host().indexOf(':') >= 0
          ? "[" + endpoint.host() + "]" : endpoint.host(), http.getPort());
      return new MetricsServer(http);
    } catch (IOException e) {
      threads.shutdown();
      throw new ControlException("metrics: cannot listen on " + endpoint + ": " + e.getMessage());
    }
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return http.getPort();
  }

  @Override
  public void close() {
    http.close();
  }
}
