package dev.porter.process;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.byref.IntByReference;

/**
 * The glibc functions the process layer binds with jnr-ffi. Public only because jnr-ffi generates
 * the implementation in its own class loader; nothing outside this package should use it, and
 * inside it the one loaded instance is {@link Native#C}.
 *
 * <p>jnr-posix's own {@code posix_spawnp} cannot express {@code addclosefrom_np}, {@code
 * addchdir_np}, a signal mask or {@code POSIX_SPAWN_SETSID}, and leaks every descriptor the JVM
 * holds into the child (DESIGN §7), hence this binding.
 */
public interface GlibcFunctions {
  int posix_spawnp(
      @Out IntByReference pid,
      String file,
      Pointer fileActions,
      Pointer attr,
      Pointer argv,
      Pointer envp);

  int posix_spawn_file_actions_init(Pointer fileActions);

  int posix_spawn_file_actions_destroy(Pointer fileActions);

  int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

  int posix_spawn_file_actions_addopen(
      Pointer fileActions, int fd, String path, int oflag, int mode);

  int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

  /** glibc 2.34 and later. */
  int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

  /** glibc 2.29 and later. */
  int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);

  int sigemptyset(Pointer set);

  int sigfillset(Pointer set);

  int umask(int mask);

  int waitpid(int pid, @Out IntByReference status, int options);

  int kill(int pid, int signal);

  @Variadic(fixedCount = 2)
  int fcntl(int fd, int cmd, int arg);

  @Variadic(fixedCount = 2)
  int open(String path, int flags, int mode);

  int close(int fd);

  int pipe2(@Out int[] fds, int flags);

  long read(int fd, @Out byte[] buf, long count);

  int geteuid();

  String strerror(int errnum);
}
