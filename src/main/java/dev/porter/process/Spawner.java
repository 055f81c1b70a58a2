package dev.porter.process;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * Starts children with glibc's {@code posix_spawnp} and exact descriptor plumbing: the child has
 * fds 0, 1, 2 (and the request's extra fds as 3, 4, ...) and nothing else, an empty signal mask,
 * default signal dispositions, and its own session (so its pid is its process group).
 *
 * <p>Thread-safe: any thread may call {@link #spawn}, and several may spawn at once (only a spawn
 * that sets a umask excludes the others, umask being process-wide); the reaper keeps an exit that
 * arrives before the listener is registered. It blocks until the child has exec'd (glibc's
 * posix_spawn uses CLONE_VFORK), so call it from a worker thread, not an event loop.
 */
public final class Spawner {
  /** Generous sizes for glibc's opaque structs: 80 and 336 bytes on x86_64, 128 for sigset_t. */
  private static final int FILE_ACTIONS_SIZE = 1024;

  private static final int ATTR_SIZE = 1024;
  private static final int SIGSET_SIZE = 256;

  private static final int FILE_MODE = 0644;

  private static final ReadWriteLock UMASK = new ReentrantReadWriteLock();

  private final Reaper reaper;

  public Spawner(Reaper reaper) {
    this.reaper = reaper;
  }

  /**
   * Starts a child and registers {@code onExit} for it before any exit can be dispatched.
   *
   * @return the child's pid (also its process group and session id)
   * @throws SpawnException the program is missing or not executable (see {@link
   *     SpawnException#exitCode()}), a redirection file cannot be opened, the directory is missing,
   *     or credentials were asked for and porter is not root
   */
  public int spawn(SpawnRequest req, ExitListener onExit) throws SpawnException {
    Path cwd = req.chdir().orElse(Path.of("").toAbsolutePath());
    if (req.chdir().isPresent() && !Files.isDirectory(cwd)) {
      throw new SpawnException(
          "cannot change directory to " + cwd + ": No such file or directory",
          Native.ENOENT,
          SpawnException.CANNOT_EXECUTE);
    }
    String program = req.argv().get(0);
    Path file = ProgramLookup.resolve(program, ProgramLookup.pathOf(req.env()), cwd);
    List<String> argv = req.argv();
    if (ExecPrefix.needed(req)) {
      argv = ExecPrefix.argv(req, file);
      file = Path.of(argv.get(0));
    }
    List<Integer> opened = new ArrayList<>();
    try {
      int in = parentFd(req.stdin(), opened);
      int out = parentFd(req.stdout(), opened);
      int err = parentFd(req.stderr(), opened);
      return spawnLocked(req, file.toString(), argv, new int[] {in, out, err}, onExit, program);
    } finally {
      for (int fd : opened) Native.C.close(fd);
    }
  }

  /**
   * Opens {@code Append} files here, so a bad path is a clear error; -1 for non-fd sources. Opened
   * by porter (root, usually) in a directory that may be the program's: O_NOFOLLOW, so that a
   * symlink planted there cannot make porter append to a file of someone's choosing (ELOOP).
   */
  private static int parentFd(Stdio s, List<Integer> opened) throws SpawnException {
    if (s instanceof Stdio.Inherit i) return i.fd();
    if (s instanceof Stdio.Append a) {
      int fd =
          Native.C.open(
              a.file().toString(),
              Native.O_WRONLY
                  | Native.O_CREAT
                  | Native.O_APPEND
                  | Native.O_CLOEXEC
                  | Native.O_NOFOLLOW,
              FILE_MODE);
      if (fd < 0) {
        int errno = Native.errno();
        throw new SpawnException(
            "cannot open " + a.file() + " for append: " + Native.strerror(errno),
            errno,
            SpawnException.CANNOT_EXECUTE);
      }
      opened.add(fd);
      return fd;
    }
    return -1;
  }

  private int spawnLocked(
      SpawnRequest req,
      String file,
      List<String> argv,
      int[] stdFds,
      ExitListener onExit,
      String program)
      throws SpawnException {
    jnr.ffi.Runtime rt = Native.RUNTIME;
    Pointer actions = Memory.allocateDirect(rt, FILE_ACTIONS_SIZE, true);
    Pointer attr = Memory.allocateDirect(rt, ATTR_SIZE, true);
    Pointer empty = Memory.allocateDirect(rt, SIGSET_SIZE, true);
    Pointer all = Memory.allocateDirect(rt, SIGSET_SIZE, true);
    List<Pointer> keepAlive = new ArrayList<>();
    Pointer argvP = stringArray(argv, keepAlive);
    Pointer envP = stringArray(req.env(), keepAlive);
    check(Native.C.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
    check(Native.C.posix_spawnattr_init(attr), "posix_spawnattr_init");
    try {
      addFileActions(actions, req, stdFds);
      Native.C.sigemptyset(empty);
      Native.C.sigfillset(all);
      // glibc's sigfillset leaves out its internal signals 32 and 33, and its spawn child then sets
      // those to SIG_IGN, which survives exec. Setting the bits directly (sigset_t is an array of
      // unsigned long, bit sig-1) makes the child reset them to SIG_DFL like every other signal.
      all.putLong(0, -1L);
      check(Native.C.posix_spawnattr_setsigmask(attr, empty), "posix_spawnattr_setsigmask");
      check(Native.C.posix_spawnattr_setsigdefault(attr, all), "posix_spawnattr_setsigdefault");
      check(
          Native.C.posix_spawnattr_setflags(
              attr,
              (short)
                  (Native.POSIX_SPAWN_SETSIGMASK
                      | Native.POSIX_SPAWN_SETSIGDEF
                      | Native.POSIX_SPAWN_SETSID)),
          "posix_spawnattr_setflags");
      IntByReference pid = new IntByReference();
      // umask is process-wide and a child takes the value current when it is created: a spawn
      // that sets one excludes every other spawn; the others run side by side.
      Lock umaskLock = req.umask().isPresent() ? UMASK.writeLock() : UMASK.readLock();
      int rc;
      umaskLock.lock();
      reaper.spawning();
      try {
        int oldMask = req.umask().map(Native.C::umask).orElse(-1);
        try {
          rc = Native.C.posix_spawnp(pid, file, actions, attr, argvP, envP);
        } finally {
          if (oldMask >= 0) Native.C.umask(oldMask);
        }
      } finally {
        umaskLock.unlock();
      }
      if (rc != 0) reaper.spawnFailed();
      if (rc == Native.EBADF) {
        throw new SpawnException(
            "cannot start "
                + program
                + ": a descriptor to hand over is not open (stdio="
                + java.util.Arrays.toString(stdFds)
                + " extra="
                + req.extraFds()
                + ")",
            rc,
            SpawnException.CANNOT_EXECUTE);
      }
      if (rc != 0) throw SpawnException.cannotExecute(program, rc);
      reaper.register(pid.getValue(), onExit);
      return pid.getValue();
    } finally {
      Native.C.posix_spawn_file_actions_destroy(actions);
      Native.C.posix_spawnattr_destroy(attr);
      Reference.reachabilityFence(keepAlive);
      Reference.reachabilityFence(actions);
      Reference.reachabilityFence(attr);
      Reference.reachabilityFence(empty);
      Reference.reachabilityFence(all);
    }
  }

  /**
   * Targets 0..2 come from stdio, 3.. from extra fds. A source that is itself one of the targets
   * (porter's fd 1 as the child's stdin, say) could be overwritten by an earlier dup2, so such
   * sources are first copied above every fd involved; closefrom removes the copies.
   */
  private static void addFileActions(Pointer actions, SpawnRequest req, int[] stdFds)
      throws SpawnException {
    int targets = 3 + req.extraFds().size();
    int[] source = new int[targets];
    System.arraycopy(stdFds, 0, source, 0, 3);
    for (int i = 0; i < req.extraFds().size(); i++) source[3 + i] = req.extraFds().get(i);
    int max = targets - 1;
    for (int s : source) max = Math.max(max, s);
    for (int t = 0; t < targets; t++) {
      int s = source[t];
      if (s >= 0 && s < targets && s != t) {
        int temp = max + 1 + t;
        check(Native.C.posix_spawn_file_actions_adddup2(actions, s, temp), "adddup2");
        source[t] = temp;
      }
    }
    Stdio[] stdio = {req.stdin(), req.stdout(), req.stderr()};
    for (int t = 0; t < targets; t++) {
      if (source[t] >= 0) {
        // dup2 onto itself clears FD_CLOEXEC in glibc >= 2.29, as POSIX now asks.
        check(Native.C.posix_spawn_file_actions_adddup2(actions, source[t], t), "adddup2");
      } else if (stdio[t] instanceof Stdio.DevNull) {
        check(
            Native.C.posix_spawn_file_actions_addopen(actions, t, "/dev/null", Native.O_RDWR, 0),
            "addopen");
      } else if (stdio[t] instanceof Stdio.SameAsStdout) {
        check(Native.C.posix_spawn_file_actions_adddup2(actions, 1, 2), "adddup2");
      }
    }
    check(Native.C.posix_spawn_file_actions_addclosefrom_np(actions, targets), "addclosefrom_np");
    if (req.chdir().isPresent()) {
      check(
          Native.C.posix_spawn_file_actions_addchdir_np(actions, req.chdir().get().toString()),
          "addchdir_np");
    }
  }

  private static Pointer stringArray(List<String> strings, List<Pointer> keepAlive) {
    jnr.ffi.Runtime rt = Native.RUNTIME;
    int ps = rt.addressSize();
    Pointer array = Memory.allocateDirect(rt, (strings.size() + 1) * ps, true);
    keepAlive.add(array);
    for (int i = 0; i < strings.size(); i++) {
      byte[] b = strings.get(i).getBytes(StandardCharsets.UTF_8);
      Pointer s = Memory.allocateDirect(rt, b.length + 1, true);
      s.put(0, b, 0, b.length);
      keepAlive.add(s);
      array.putPointer((long) i * ps, s);
    }
    return array;
  }

  private static void check(int rc, String call) throws SpawnException {
    if (rc != 0) {
      throw new SpawnException(
          call + " failed: " + Native.strerror(rc), rc, SpawnException.CANNOT_EXECUTE);
    }
  }
}
