package dev.porter.abuse;

import dev.porter.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The real porter jar as a child process of a test: a daemon to attack, or a command to time. */
final class PorterJar implements AutoCloseable {
  final Process process;
  final List<String> stdout = new CopyOnWriteArrayList<>();
  final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();
  private final long startedNanos = System.nanoTime();

  private PorterJar(Process p) {
    this.process = p;
    pump(p.getInputStream(), stdout);
    pump(p.getErrorStream(), stderr);
  }

  /** Starts {@code prefix... java -jar porter.jar args...} ({@code prefix} runs it as another user). */
  static PorterJar start(List<String> prefix, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile());
    pb.environment().remove("NOTIFY_SOCKET");
    pb.environment().remove("JOURNAL_STREAM");
    return new PorterJar(pb.start());
  }

  static PorterJar start(String... args) throws IOException {
    return start(List.of(), args);
  }

  /** What a command printed and returned, and how long it took. */
  record Result(int code, String out, String err, Duration took) {}

  /** Runs to completion within {@code bound}, or fails the test. */
  static Result run(Duration bound, List<String> prefix, String... args) throws Exception {
    try (PorterJar p = start(prefix, args)) {
      return p.awaitExit(bound);
    }
  }

  /** Waits (bounded) for the process to exit by itself; what it printed and returned. */
  Result awaitExit(Duration bound) throws InterruptedException {
    if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("porter did not finish within " + bound + ": " + stderr);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    drain();
    return new Result(process.exitValue(), String.join("\n", stdout), String.join("\n", stderr), took);
  }

  static String jar() {
    Path p = Path.of(System.getProperty("porter.jar", "target/porter.jar")).toAbsolutePath();
    if (!Files.exists(p)) throw new AssertionError("build the jar first (mvn package): " + p);
    return p.toString();
  }

  /** Waits (bounded) for a line of porter's log containing {@code fragment}; fails if porter exits. */
  String awaitLog(String fragment) {
    Await.until(() -> "\"" + fragment + "\" in porter's log: " + stderr, Duration.ofSeconds(30),
        () -> stderr.stream().anyMatch(l -> l.contains(fragment)) || !process.isAlive());
    return stderr.stream().filter(l -> l.contains(fragment)).findFirst()
        .orElseThrow(() -> new AssertionError("porter exited: " + stderr));
  }

  long logLines(String fragment) {
    return stderr.stream().filter(l -> l.contains(fragment)).count();
  }

  /** SIGTERM (with kill(1), by pid) and the exit code, bounded. */
  int terminate() throws Exception {
    Process k = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) throw new AssertionError("kill -TERM failed");
    if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("porter did not stop on SIGTERM");
    drain();
    return process.exitValue();
  }

  private void pump(java.io.InputStream in, List<String> into) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) into.add(line);
      } catch (IOException ignored) {
        // the process went away
      }
    });
    t.setDaemon(true);
    t.start();
    pumps.add(t);
  }

  private void drain() throws InterruptedException {
    for (Thread t : pumps) t.join(10_000);
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
