package dev.porter.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything needed to start one child: what to run, with which environment, and where its
 * descriptors come from. The child gets fds 0, 1, 2 from {@code stdin/stdout/stderr}, then {@code
 * extraFds} as 3, 4, ... (systemd's LISTEN_FDS layout), and nothing else.
 *
 * @param argv argv[0] is the program, looked up in the PATH of {@code env} when it has no slash
 * @param env {@code NAME=VALUE} entries, exactly the child's environment
 * @param umask applied around the spawn (umask is process-wide: spawns are serialized)
 * @param rlimits prlimit resource name (lower case: {@code nofile}, {@code core}, ...) to the value
 *     for both soft and hard limits; -1 is unlimited
 * @param extraFds porter descriptors the child gets as fds 3, 4, ... in this order
 */
public record SpawnRequest(
    List<String> argv,
    List<String> env,
    Optional<Path> chdir,
    Optional<Integer> umask,
    Stdio stdin,
    Stdio stdout,
    Stdio stderr,
    Map<String, Long> rlimits,
    Optional<Credentials> credentials,
    List<Integer> extraFds) {

  /** Resource names util-linux prlimit(1) accepts as {@code --NAME=}. */
  static final Set<String> RLIMIT_NAMES =
      Set.of(
          "as",
          "core",
          "cpu",
          "data",
          "fsize",
          "locks",
          "memlock",
          "msgqueue",
          "nice",
          "nofile",
          "nproc",
          "rss",
          "rtprio",
          "rttime",
          "sigpending",
          "stack");

  public SpawnRequest {
    argv = List.copyOf(argv);
    env = List.copyOf(env);
    rlimits = Map.copyOf(rlimits);
    extraFds = List.copyOf(extraFds);
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("argv needs a program name, got " + argv);
    }
    for (String e : env) {
      if (e.indexOf('=') < 1) {
        throw new IllegalArgumentException("env entry must be NAME=VALUE, got \"" + e + "\"");
      }
    }
    umask.ifPresent(
        m -> {
          if (m < 0 || m > 0777)
            throw new IllegalArgumentException("umask must be 0..0777, got " + m);
        });
    if (stdin instanceof Stdio.SameAsStdout || stdout instanceof Stdio.SameAsStdout) {
      throw new IllegalArgumentException("only stderr can be the same as stdout");
    }
    for (Map.Entry<String, Long> r : rlimits.entrySet()) {
      if (!RLIMIT_NAMES.contains(r.getKey())) {
        throw new IllegalArgumentException(
            "unknown resource limit \"" + r.getKey() + "\" (known: " + RLIMIT_NAMES + ")");
      }
      if (r.getValue() < -1) {
        throw new IllegalArgumentException(
            "limit " + r.getKey() + " must be >= 0 or -1 (unlimited), got " + r.getValue());
      }
    }
    for (int fd : extraFds) {
      if (fd < 0) throw new IllegalArgumentException("extra fd must be >= 0, got " + fd);
    }
  }

  public static Builder builder(List<String> argv) {
    return new Builder(argv);
  }

  /** Builds a request; defaults: empty env, stdin/stdout/stderr {@code /dev/null}, nothing else. */
  public static final class Builder {
    private final List<String> argv;
    private List<String> env = List.of();
    private Optional<Path> chdir = Optional.empty();
    private Optional<Integer> umask = Optional.empty();
    private Stdio stdin = Stdio.devNull();
    private Stdio stdout = Stdio.devNull();
    private Stdio stderr = Stdio.devNull();
    private final Map<String, Long> rlimits = new LinkedHashMap<>();
    private Optional<Credentials> credentials = Optional.empty();
    private final List<Integer> extraFds = new ArrayList<>();

    private Builder(List<String> argv) {
      this.argv = List.copyOf(argv);
    }

    public Builder env(List<String> env) {
      this.env = List.copyOf(env);
      return this;
    }

    public Builder env(Map<String, String> env) {
      List<String> list = new ArrayList<>();
      env.forEach((k, v) -> list.add(k + "=" + v));
      this.env = list;
      return this;
    }

    public Builder chdir(Path dir) {
      this.chdir = Optional.of(dir);
      return this;
    }

    public Builder umask(int mask) {
      this.umask = Optional.of(mask);
      return this;
    }

    public Builder stdin(Stdio s) {
      this.stdin = s;
      return this;
    }

    public Builder stdout(Stdio s) {
      this.stdout = s;
      return this;
    }

    public Builder stderr(Stdio s) {
      this.stderr = s;
      return this;
    }

    /** The inetd shape: the connection is stdin and stdout (and stderr unless set otherwise). */
    public Builder socket(int fd) {
      this.stdin = Stdio.inherit(fd);
      this.stdout = Stdio.inherit(fd);
      this.stderr = Stdio.inherit(fd);
      return this;
    }

    public Builder rlimit(String name, long value) {
      rlimits.put(name, value);
      return this;
    }

    public Builder rlimits(Map<String, Long> limits) {
      rlimits.putAll(limits);
      return this;
    }

    public Builder credentials(Credentials c) {
      this.credentials = Optional.of(c);
      return this;
    }

    public Builder extraFd(int fd) {
      extraFds.add(fd);
      return this;
    }

    public SpawnRequest build() {
      return new SpawnRequest(
          argv, env, chdir, umask, stdin, stdout, stderr, rlimits, credentials, extraFds);
    }
  }
}
