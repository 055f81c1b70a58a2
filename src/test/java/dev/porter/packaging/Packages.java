package dev.porter.packaging;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Where the build leaves things: the source tree, the jar, and the packages of the profile. */
final class Packages {
  static final Path BASE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  static final Path TARGET = BASE.resolve("target");

  private Packages() {}

  static Path jar() {
    Path p = Path.of(System.getProperty("porter.jar", TARGET.resolve("porter.jar").toString()));
    if (!Files.exists(p)) throw new AssertionError("build the jar first (mvn package): " + p);
    return p;
  }

  /** target/porter_*.deb, or a skipped test: only {@code mvn -Ppackages} builds it. */
  static Path deb() throws IOException {
    return newest("porter_", ".deb");
  }

  /** target/porter-*.noarch.rpm, or a skipped test: only {@code mvn -Ppackages} builds it. */
  static Path rpm() throws IOException {
    return newest("porter-", ".noarch.rpm");
  }

  private static Path newest(String prefix, String suffix) throws IOException {
    Optional<Path> found = Optional.empty();
    if (Files.isDirectory(TARGET)) {
      try (Stream<Path> s = Files.list(TARGET)) {
        found =
            s.filter(
                    p ->
                        p.getFileName().toString().startsWith(prefix)
                            && p.getFileName().toString().endsWith(suffix))
                .max(Comparator.comparing(p -> p.toFile().lastModified()));
      }
    }
    assumeTrue(
        found.isPresent(),
        "no target/"
            + prefix
            + "*"
            + suffix
            + ": the packages are built by the profile (mvn -Ppackages verify); skipping");
    return found.get();
  }
}
