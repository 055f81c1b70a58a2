package dev.porter.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the file a program name means, the way execvp(3) does, but in the child's PATH rather than
 * porter's (posix_spawnp would search porter's own PATH).
 */
final class ProgramLookup {
  /** glibc's execvp default when PATH is unset (confstr _CS_PATH). */
  static final String DEFAULT_PATH = "/bin:/usr/bin";

  private ProgramLookup() {}

  /**
   * The absolute file to execute for {@code program}: a name with a slash is taken relative to
   * {@code cwd}; a bare name is searched in {@code path}. Throws with errno ENOENT or EACCES like
   * execvp: EACCES when some candidate existed but was not executable.
   */
  static Path resolve(String program, String path, Path cwd) throws SpawnException {
    if (program.indexOf('/') >= 0) {
      Path p = cwd.resolve(program);
      if (!Files.exists(p)) throw SpawnException.cannotExecute(program, Native.ENOENT);
      if (Files.isDirectory(p) || !Files.isExecutable(p)) {
        throw SpawnException.cannotExecute(program, Native.EACCES);
      }
      return p;
    }
    boolean sawUnexecutable = false;
    for (String dir : path.split(":", -1)) {
      Path p = cwd.resolve(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(p)) {
        if (Files.isExecutable(p)) return p;
        sawUnexecutable = true;
      }
    }
    throw SpawnException.cannotExecute(program, sawUnexecutable ? Native.EACCES : Native.ENOENT);
  }

  /** The value of PATH in a {@code NAME=VALUE} environment, or glibc's default. */
  static String pathOf(List<String> env) {
    Optional<String> path =
        env.stream().filter(e -> e.startsWith("PATH=")).map(e -> e.substring(5)).findFirst();
    return path.orElse(DEFAULT_PATH);
  }

  /** A util-linux helper (setpriv, prlimit) from the usual system directories. */
  static Optional<Path> systemTool(String name) {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }
}
