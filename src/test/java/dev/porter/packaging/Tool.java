package dev.porter.packaging;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An outside program a packaging test runs (dpkg-deb, rpm, lintian, mandoc, groff, java): found on
 * PATH, or the test is skipped saying which package to install. Output is read from a file, so a
 * chatty program never blocks on a full pipe.
 */
final class Tool {
  /** What a run printed (stdout and stderr together) and how it exited. */
  record Result(int exitCode, String output) {
    List<String> lines() {
      return output.isEmpty() ? List.of() : List.of(output.split("\n"));
    }
  }

  private static final long TIMEOUT_SECONDS = 180;

  private final String program;

  private Tool(String program) {
    this.program = program;
  }

  /** The tool, or a skipped test whose reason names the Debian package that provides it. */
  static Tool require(String program, String debianPackage) {
    assumeTrue(
        onPath(program),
        program + " is not installed (apt-get install " + debianPackage + "); skipping");
    return new Tool(program);
  }

  static boolean onPath(String program) {
    if (program.contains("/")) return Files.isExecutable(Path.of(program));
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }

  Result run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }

  Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(program);
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("porter-tool", ".out");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            String.join(" ", cmd) + " did not finish within " + TIMEOUT_SECONDS + "s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
