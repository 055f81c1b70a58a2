package dev.porter.process;

import java.nio.file.Path;
import java.util.Objects;

/** Where one of a child's standard descriptors (0, 1 or 2) comes from. */
public sealed interface Stdio {
  /** Porter's descriptor {@code fd} (a socket, a pipe), duplicated into the child. */
  record Inherit(int fd) implements Stdio {
    public Inherit {
      if (fd < 0) throw new IllegalArgumentException("fd must be >= 0, got " + fd);
    }
  }

  /** {@code /dev/null}, opened read-write in the child. */
  record DevNull() implements Stdio {}

  /** A file opened for append (created 0644 if missing), by porter before the spawn. */
  record Append(Path file) implements Stdio {
    public Append {
      Objects.requireNonNull(file, "file");
    }
  }

  /** For stderr only: the same open file as the child's stdout (like {@code 2>&1}). */
  record SameAsStdout() implements Stdio {}

  static Stdio inherit(int fd) {
    return new Inherit(fd);
  }

  static Stdio devNull() {
    return new DevNull();
  }

  static Stdio append(Path file) {
    return new Append(file);
  }

  static Stdio sameAsStdout() {
    return new SameAsStdout();
  }
}
