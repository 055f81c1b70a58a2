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
 * <p>No exit is lost: {@link Spawner} announces each spawn ({@link #spawning}) before it calls
 * posix_spawnp and registers the child's listener after; an exit the reaper collects in between,
 * for a pid nobody registered yet, is kept and handed over at registration. Spawns themselves run
 * outside the lock, several at once (posix_spawnp waits for the child to exec, and a single
 * spawning thread would wait for every child in turn). When there are no children (ECHILD) the
 * thread sleeps on a condition that each registration signals: no polling.
 *
 * <p>There can be only one per process (a second {@code waitpid(-1)} would steal exits), hence
 * {@link #instance()}. For the same reason nothing in porter may use {@code ProcessBuilder}.
 */
public final class Reaper {
  private static final Logger log = LoggerFactory.getLogger(Reaper.class);
  private static Reaper instance;

  /** Guards the listener table and the in-flight count; never held across a system call. */
  final ReentrantLock lock = new ReentrantLock();

  private final Condition spawnedOne = lock.newCondition();
  private final Map<Integer, ExitListener> listeners = new HashMap<>(); // guarded by lock

  /** Exits reaped while their spawn had not registered yet; guarded by lock. */
  private final Map<Integer, ExitStatus> early = new HashMap<>();

  /** Spawns between {@link #spawning} and {@link #register}; guarded by lock. */
  private int inFlight;

  private long spawns; // guarded by lock
  private volatile ExitListener unclaimed =
      (pid, status) -> log.info("pid {}: reaped an unknown child status=\"{}\"", pid, status);

  private Reaper() {}

  /** The process's reaper, started on first use. */
  public static synchronized Reaper instance() {
    if (instance == null) {
      instance = new Reaper();
      // Without the reaper no exit is ever seen again: its death is fatal.
      Thread t = dev.porter.net.Fatal.essential(new Thread(instance::run, "porter-reaper"));
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

  /**
   * Announces a spawn about to happen: until its {@link #register} (or {@link #spawnFailed}), an
   * exit of a pid nobody registered is kept for it instead of going to the unclaimed listener.
   * posix_spawnp itself runs outside the lock, so several threads can spawn at once.
   */
  void spawning() {
    lock.lock();
    try {
      inFlight++;
    } finally {
      lock.unlock();
    }
  }

  void spawnFailed() {
    lock.lock();
    try {
      inFlight--;
      if (inFlight == 0) flushEarly();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Registers the listener of a child that {@link #spawning} announced; an exit already reaped is
   * delivered now.
   */
  void register(int pid, ExitListener listener) {
    ExitStatus already;
    lock.lock();
    try {
      inFlight--;
      already = early.remove(pid);
      if (already == null) listeners.put(pid, listener);
      spawns++;
      spawnedOne.signal();
      if (inFlight == 0) flushEarly();
    } finally {
      lock.unlock();
    }
    if (already != null) deliver(listener, pid, already);
  }

  // No spawn is in flight: what is left early belongs to nobody porter started.
  private void flushEarly() {
    if (early.isEmpty()) return;
    Map<Integer, ExitStatus> orphans = new HashMap<>(early);
    early.clear();
    orphans.forEach((pid, status) -> deliver(unclaimed, pid, status));
  }

  private void run() {
    IntByReference status = new IntByReference();
    while (true) {
      long seen = spawnCount();
      int pid = Native.C.waitpid(-1, status, 0);
      if (pid > 0) {
        dispatch(pid, ExitStatus.fromWaitStatus(status.getValue()));
        continue;
      }
      int errno = Native.errno();
      if (errno == Native.EINTR) continue;
      if (errno != Native.ECHILD) {
        log.error("reaper: waitpid failed errno={} ({})", errno, Native.strerror(errno));
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

  /**
   * Sleeps until a child was spawned after {@code seen}: a spawn between waitpid and here counts.
   */
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
      if (listener == null && inFlight > 0) {
        // Its spawn has not registered yet: keep the exit for register().
        early.put(pid, status);
        return;
      }
    } finally {
      lock.unlock();
    }
    if (listener == null) listener = unclaimed;
    deliver(listener, pid, status);
  }

  private void deliver(ExitListener listener, int pid, ExitStatus status) {
    try {
      listener.exited(pid, status);
    } catch (RuntimeException e) {
      log.error("pid {}: exit listener failed status=\"{}\"", pid, status, e);
    }
  }
}
