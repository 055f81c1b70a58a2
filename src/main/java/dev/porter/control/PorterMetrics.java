package dev.porter.control;

import dev.porter.supervisor.ComponentCounters;
import dev.porter.supervisor.Porter;
import dev.porter.supervisor.StartException;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * porter's counters in Prometheus form, read from {@link Porter#counters()} at scrape time: the
 * event loops pay nothing for metrics nobody reads. Every series has a {@code component} label;
 * refusals also a {@code reason} ({@code acl}, {@code max-instances}, {@code max-rate}).
 */
final class PorterMetrics implements MultiCollector {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  private final Porter porter;

  PorterMetrics(Porter porter) {
    this.porter = porter;
  }

  @Override
  public MetricSnapshots collect() {
    List<ComponentCounters> all;
    try {
      all = porter.counters();
    } catch (StartException e) {
      log.warn("metrics: cannot read counters: {}", e.getMessage());
      return MetricSnapshots.of();
    }
    CounterSnapshot.Builder refused =
        CounterSnapshot.builder()
            .name("porter_connections_refused")
            .help("Connections refused, by reason");
    for (ComponentCounters c : all) {
      refused.dataPoint(point(c, "acl", c.refusedAcl()));
      refused.dataPoint(point(c, "max-instances", c.refusedMaxInstances()));
      refused.dataPoint(point(c, "max-rate", c.refusedMaxRate()));
    }
    return MetricSnapshots.of(
        counter(
            all,
            "porter_connections_accepted",
            "Connections admitted",
            ComponentCounters::accepted),
        refused.build(),
        gauge(
            all,
            "porter_connections_active",
            "Connections open now (a child's included)",
            ComponentCounters::active),
        counter(
            all,
            "porter_received_bytes",
            "Bytes read from clients by porter itself",
            ComponentCounters::bytesIn),
        counter(
            all,
            "porter_sent_bytes",
            "Bytes written to clients by porter itself",
            ComponentCounters::bytesOut),
        counter(all, "porter_spawns", "Programs started", ComponentCounters::spawns),
        counter(
            all, "porter_restarts", "Daemon restarts after an exit", ComponentCounters::restarts));
  }

  private static CounterDataPointSnapshot point(ComponentCounters c, String reason, long value) {
    return CounterDataPointSnapshot.builder()
        .labels(Labels.of("component", c.name(), "reason", reason))
        .value(value)
        .build();
  }

  private static CounterSnapshot counter(
      List<ComponentCounters> all,
      String name,
      String help,
      ToDoubleFunction<ComponentCounters> value) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    for (ComponentCounters c : all) {
      b.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(Labels.of("component", c.name()))
              .value(value.applyAsDouble(c))
              .build());
    }
    return b.build();
  }

  private static GaugeSnapshot gauge(
      List<ComponentCounters> all,
      String name,
      String help,
      ToDoubleFunction<ComponentCounters> value) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    for (ComponentCounters c : all) {
      b.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(Labels.of("component", c.name()))
              .value(value.applyAsDouble(c))
              .build());
    }
    return b.build();
  }
}
