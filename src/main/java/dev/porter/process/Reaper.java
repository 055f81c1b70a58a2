package dev.porter.process;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import jnr.ffi.byref.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one reaper: a daemon thread blocking in {@code waitpid(-1)} that hands each child's
 * exit to the listener registered for that pid.
 *
 * <p>No exit is lost: {@link Spawner} registers a child's listener while holding {@link #lock},
 * around the spawn itself, and the reaper looks the listener up under the same lock, so a child that
 * exits at once is found even if waitpid returns before {@code spawn} does. When there are no
 * children (ECHILD) the thread sleeps on a condition that each spawn signals: no polling.
 *
 * <p>There can be only one per process (a second {@code waitpid(-1)} would steal exits), hence
 * {@link #instance()}. For the same reason nothing in porter may use {@code ProcessBuilder}.
 */
public final class Reaper {
  private static final Logger log = LoggerFactory.getLogger(Reaper.class);
  private static Reaper instance;

  /** Held by {@link Spawner} across spawn + register, and by the reaper across lookup. */
  final ReentrantLock lock = new ReentrantLock();

  private final Condition spawnedOne = lock.newCondition();
  private final Map<Integer, ExitListener> listeners = new HashMap<>(); // guarded by lock
  private long spawns; // guarded by lock
  private volatile ExitListener unclaimed =
      (pid, status) -> log.info("pid {}: reaped an unknown child status=\"{}\"", pid, status);

  private Reaper() {}

  /** The process's reaper, started on first use. */
  public static synchronized Reaper instance() {
    if (instance == null) {
      instance = new Reaper();
      Thread t = new Thread(instance::run, "porter-reaper");
      t.setDaemon(true);
      t.start();
    }
    return instance;
  }

  /**
   * Where exits of children nobody registered go (children inherited as a subreaper or PID 1).
   * Called on the reaper thread.
   */
  public void onUnclaimed(ExitListener listener) {
    this.unclaimed = listener;
  }

  /** How many spawned children have not been reaped yet. */
  public int running() {
    lock.lock();
    try {
      return listeners.size();
    } finally {
      lock.unlock();
    }
  }

  /** Must be called with {@link #lock} held, right after the child started. */
  void register(int pid, ExitListener listener) {
    if (!lock.isHeldByCurrentThread()) throw new IllegalStateException("register needs the lock");
    listeners.put(pid, listener);
    spawns++;
    spawnedOne.signal();
  }

  private void run() {
    IntByReference status = new IntByReference();
    while (true) {
      long seen = spawnCount();
      int pid = Libc.C.waitpid(-1, status, 0);
      if (pid > 0) {
        dispatch(pid, ExitStatus.fromWaitStatus(status.getValue()));
        continue;
      }
      int errno = Libc.errno();
      if (errno == Libc.EINTR) continue;
      if (errno != Libc.ECHILD) {
        log.error("reaper: waitpid failed errno={} ({})", errno, Libc.strerror(errno));
      }
      awaitSpawnAfter(seen);
    }
  }

  private long spawnCount() {
    lock.lock();
    try {
      return spawns;
    } finally {
      lock.unlock();
    }
  }

  /** Sleeps until a child was spawned after {@code seen}: a spawn between waitpid and here counts. */
  private void awaitSpawnAfter(long seen) {
    lock.lock();
    try {
      while (spawns == seen) spawnedOne.awaitUninterruptibly();
    } finally {
      lock.unlock();
    }
  }

  private void dispatch(int pid, ExitStatus status) {
    ExitListener listener;
    lock.lock();
    try {
      listener = listeners.remove(pid);
    } finally {
      lock.unlock();
    }
    if (listener == null) listener = unclaimed;
    try {
      listener.exited(pid, status);
    } catch (RuntimeException e) {
      log.error("pid {}: exit listener failed status=\"{}\"", pid, status, e);
    }
  }
}
