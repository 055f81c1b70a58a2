package dev.porter.supervisor;

import dev.porter.process.ExitListener;
import dev.porter.process.Processes;
import dev.porter.process.Reaper;
import dev.porter.process.SpawnException;
import dev.porter.process.SpawnRequest;
import dev.porter.process.Spawner;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every child porter has running, whatever started it: a few spawning threads (posix_spawn blocks
 * until the child has exec'd), the reaper's exit delivery, and signalling them all at shutdown.
 */
final class Children {
  /** What porter knows of a running child. */
  record Child(int pid, String component, long startedNanos) {}

  private final Spawner spawner = new Spawner(Reaper.instance());

  /**
   * Spawning threads. posix_spawn blocks until the child has exec'd, so one thread would wait for
   * every child in turn; measured on 2 cores, 4 threads spawned 2.3-2.5x as many children per
   * second as one (docs/benchmarks.md, "Spawn rate").
   */
  static final int SPAWN_THREADS = 4;

  private final java.util.concurrent.atomic.AtomicInteger spawnThreads =
      new java.util.concurrent.atomic.AtomicInteger();
  private final ExecutorService spawnThread =
      Executors.newFixedThreadPool(
          SPAWN_THREADS,
          r -> {
            Thread t = new Thread(r, "porter-spawn-" + spawnThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
  private final Map<Integer, Child> running = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> spawns = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicReference<Runnable> whenNone =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Runs blocking spawn work off the event loops. */
  void onSpawnThread(Runnable task) {
    spawnThread.execute(task);
  }

  /** Spawns (blocking) and tracks the child until {@code onExit} has run. */
  int spawn(String component, SpawnRequest req, ExitListener onExit) throws SpawnException {
    long started = System.nanoTime();
    int[] pid = new int[1];
    pid[0] =
        spawner.spawn(
            req,
            (p, status) -> {
              running.remove(p);
              try {
                onExit.exited(p, status);
              } finally {
                if (running.isEmpty()) runWhenNone();
              }
            });
    spawns.computeIfAbsent(component, k -> new LongAdder()).increment();
    // The exit may already have been delivered (a child that dies at once): only track a live one.
    running.putIfAbsent(pid[0], new Child(pid[0], component, started));
    if (!Processes.kill(pid[0], 0)) {
      running.remove(pid[0]);
      if (running.isEmpty()) runWhenNone();
    }
    return pid[0];
  }

  /**
   * Runs {@code r} once no child is left: at once when none runs now, else on the thread that sees
   * the last one exit (the reaper). For the shutdown's wait: {@code r} should only post work.
   */
  void whenNone(Runnable r) {
    whenNone.set(r);
    if (running.isEmpty()) runWhenNone();
  }

  private void runWhenNone() {
    Runnable r = whenNone.getAndSet(null);
    if (r != null) r.run();
  }

  /** Programs started so far under {@code component}'s name. */
  long spawns(String component) {
    LongAdder n = spawns.get(component);
    return n == null ? 0 : n.sum();
  }

  int count() {
    return running.size();
  }

  boolean isRunning(int pid) {
    return running.containsKey(pid);
  }

  /** The process groups of the children running now: each child leads its own. */
  java.util.List<Integer> groups() {
    return java.util.List.copyOf(running.keySet());
  }

  /** Signals every child's process group (each child leads its own session). */
  void signalAll(int signal) {
    for (Child c : running.values()) Processes.killGroup(c.pid(), signal);
  }

  void stop() {
    spawnThread.shutdown();
  }
}
