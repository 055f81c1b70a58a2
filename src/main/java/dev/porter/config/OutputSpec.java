package dev.porter.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a child's stdout or stderr goes: a file ({@code file PATH}) or porter's log ({@code log}).
 */
public record OutputSpec(Kind kind, Optional<Path> file) {
  /** The destinations. */
  public enum Kind {
    FILE,
    LOG
  }
}
