package dev.porter.process;

/** Sending signals to children and to their process groups, and naming signals. */
public final class Processes {
  public static final int SIGHUP = 1;
  public static final int SIGINT = 2;
  public static final int SIGKILL = 9;
  public static final int SIGTERM = 15;

  private Processes() {}

  /**
   * Sends {@code signal} to {@code pid}. Returns false when there is no such process (it already
   * exited and was reaped); throws when porter may not signal it, which never happens for its own
   * children.
   */
  /** porter's effective user id. */
  public static int effectiveUid() {
    return Native.C.geteuid();
  }

  public static boolean kill(int pid, int signal) {
    if (pid <= 0) throw new IllegalArgumentException("pid must be > 0, got " + pid);
    return send(pid, signal, "pid " + pid);
  }

  /**
   * Sends {@code signal} to every process in group {@code pgid}. Children started by {@link
   * Spawner} lead their own session and group, so their pid is their group id.
   */
  public static boolean killGroup(int pgid, int signal) {
    if (pgid <= 1) throw new IllegalArgumentException("process group must be > 1, got " + pgid);
    return send(-pgid, signal, "process group " + pgid);
  }

  /** True while any process is left in group {@code pgid} (signal 0 checks without sending). */
  public static boolean groupAlive(int pgid) {
    if (pgid <= 1) throw new IllegalArgumentException("process group must be > 1, got " + pgid);
    if (Native.C.kill(-pgid, 0) == 0) return true;
    return Native.errno() == Native.EPERM; // there, but not ours to signal: still alive
  }

  private static boolean send(int target, int signal, String what) {
    if (signal < 0 || signal > 64) {
      throw new IllegalArgumentException("signal must be 0..64, got " + signal);
    }
    if (Native.C.kill(target, signal) == 0) return true;
    int errno = Native.errno();
    if (errno == Native.ESRCH) return false;
    throw new IllegalStateException(
        "cannot send signal " + signal + " to " + what + ": " + Native.strerror(errno));
  }

  /** "SIGKILL" for 9; "SIG41" for numbers without a name (real-time signals). */
  public static String signalName(int signal) {
    for (jnr.constants.platform.Signal s : jnr.constants.platform.Signal.values()) {
      if (s.defined() && s.intValue() == signal) return s.name();
    }
    return "SIG" + signal;
  }
}
