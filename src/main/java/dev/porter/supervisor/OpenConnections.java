package dev.porter.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The connections porter serves now, across all event loops: each loop adds and removes its own;
 * the control socket, the metrics and the shutdown read them. Connection state, not component
 * state: it belongs to the loops, which is why it is shared rather than the supervisor's.
 */
final class OpenConnections {
  private final Set<OpenConnection> open = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Runnable> whenEmpty = new AtomicReference<>();

  void add(OpenConnection c) {
    open.add(c);
  }

  void remove(OpenConnection c) {
    open.remove(c);
    if (open.isEmpty()) runWhenEmpty();
  }

  int size() {
    return open.size();
  }

  List<OpenConnection> snapshot() {
    return new ArrayList<>(open);
  }

  /**
   * Runs {@code r} once no connection is left: at once when none is open now, else on the thread
   * that closes the last one. For the shutdown's drain: {@code r} should only post work.
   */
  void whenEmpty(Runnable r) {
    whenEmpty.set(r);
    if (open.isEmpty()) runWhenEmpty();
  }

  // Whichever thread sees the set empty first takes the action, exactly once.
  private void runWhenEmpty() {
    Runnable r = whenEmpty.getAndSet(null);
    if (r != null) r.run();
  }
}
