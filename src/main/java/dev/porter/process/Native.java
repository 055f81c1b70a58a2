package dev.porter.process;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/**
 * Native glibc for this package: {@link GlibcFunctions} loaded once ({@link #C}), its jnr-ffi
 * runtime, and the errno and flag values the package passes to and reads from it.
 */
final class Native {
  static final GlibcFunctions C =
      LibraryLoader.create(GlibcFunctions.class)
          .option(LibraryOption.SaveError, true)
          .load(Platform.getNativePlatform().getStandardCLibraryName());
  static final Runtime RUNTIME = Runtime.getRuntime(C);

  // Linux x86_64 / aarch64 values (asm-generic); porter targets Linux only (DESIGN §7).
  static final int EINTR = 4;
  static final int ENOENT = 2;
  static final int ESRCH = 3;
  static final int EACCES = 13;
  static final int ECHILD = 10;
  static final int EPERM = 1;
  static final int EBADF = 9;

  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;
  static final int O_RDWR = 2;
  static final int O_CREAT = 0100;
  static final int O_APPEND = 02000;
  static final int O_NONBLOCK = 04000;
  static final int O_CLOEXEC = 02000000;

  /**
   * 0400000 on x86_64, 0100000 on aarch64: the one flag here whose value differs, so jnr-constants
   * says.
   */
  static final int O_NOFOLLOW = jnr.constants.platform.OpenFlags.O_NOFOLLOW.intValue();

  static final int F_GETFL = 3;
  static final int F_SETFL = 4;

  /** From glibc's spawn.h. */
  static final short POSIX_SPAWN_SETSIGDEF = 0x04;

  static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  static final short POSIX_SPAWN_SETSID = 0x80;

  private Native() {}

  static int errno() {
    return LastError.getLastError(RUNTIME);
  }

  static String strerror(int errno) {
    String s = C.strerror(errno);
    return s == null ? "errno " + errno : s;
  }
}
