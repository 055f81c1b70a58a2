package dev.porter.supervisor;

import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes moved by one component's closed connections, kept by component name so that the totals
 * survive a reload (Prometheus counters must not go backwards without a restart). Connections
 * handed to a child count only what porter read before the handover: the rest is the child's.
 */
final class Traffic {
  private final LongAdder in = new LongAdder();
  private final LongAdder out = new LongAdder();

  void add(long bytesIn, long bytesOut) {
    in.add(bytesIn);
    out.add(bytesOut);
  }

  long in() {
    return in.sum();
  }

  long out() {
    return out.sum();
  }
}
