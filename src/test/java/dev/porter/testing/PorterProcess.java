package dev.porter.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real porter jar run as a child process of the test, with its output collected line by line: a
 * daemon to talk to or attack, or a command to run to its end.
 */
public final class PorterProcess implements AutoCloseable {
  public final Process process;
  public final List<String> stdout = new CopyOnWriteArrayList<>();
  public final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();
  private final long startedNanos = System.nanoTime();

  private PorterProcess(Process p) {
    this.process = p;
    pump(p.getInputStream(), stdout);
    pump(p.getErrorStream(), stderr);
  }

  /** What a command printed and returned, and how long it took. */
  public record Result(int code, String out, String err, Duration took) {}

  public static Path jar() {
    Path p = Path.of(System.getProperty("porter.jar", "target/porter.jar")).toAbsolutePath();
    if (!Files.exists(p)) throw new AssertionError("build the jar first (mvn package): " + p);
    return p;
  }

  public static PorterProcess start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  /** Starts porter with {@code env} added to the test's environment. */
  public static PorterProcess start(Map<String, String> env, String... args) throws IOException {
    return start(List.of(), env, args);
  }

  /** Starts porter in a JVM given {@code jvmOptions}, with {@code env} added to the environment. */
  public static PorterProcess start(
      List<String> jvmOptions, Map<String, String> env, String... args) throws IOException {
    return start(List.of(), jvmOptions, env, args);
  }

  /**
   * Starts {@code prefix... java jvmOptions... -jar porter.jar args...}: a prefix such as {@code
   * setpriv --reuid nobody ...} runs it as another user (from {@code /}, which every user may
   * enter).
   */
  public static PorterProcess start(
      List<String> prefix, List<String> jvmOptions, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(javaBin());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (!prefix.isEmpty()) pb.directory(Path.of("/").toFile());
    pb.environment().remove("JOURNAL_STREAM");
    pb.environment().remove("NOTIFY_SOCKET");
    pb.environment().putAll(env);
    return new PorterProcess(pb.start());
  }

  /** Runs to completion (bounded) and returns the finished process. */
  public static PorterProcess run(String... args) throws Exception {
    PorterProcess p = start(args);
    if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
      p.process.destroyForcibly();
      throw new AssertionError("porter " + List.of(args) + " did not finish");
    }
    p.drain();
    return p;
  }

  /**
   * Runs {@code prefix... porter args...} to completion within {@code bound}, or fails the test.
   */
  public static Result run(Duration bound, List<String> prefix, String... args) throws Exception {
    try (PorterProcess p = start(prefix, List.of(), Map.of(), args)) {
      return p.awaitExit(bound);
    }
  }

  /** Waits (bounded) for the process to exit by itself; what it printed and returned. */
  public Result awaitExit(Duration bound) throws InterruptedException {
    if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("porter did not finish within " + bound + ": " + stderr);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    drain();
    return new Result(
        process.exitValue(), String.join("\n", stdout), String.join("\n", stderr), took);
  }

  public int exitCode() {
    return process.exitValue();
  }

  /**
   * Waits (bounded) for a line of porter's log containing {@code fragment}; fails if porter exits.
   */
  public String awaitLog(String fragment) {
    Await.until(
        () -> "\"" + fragment + "\" in porter's log: " + stderr,
        Duration.ofSeconds(30),
        () -> stderr.stream().anyMatch(l -> l.contains(fragment)) || !process.isAlive());
    return stderr.stream()
        .filter(l -> l.contains(fragment))
        .findFirst()
        .orElseThrow(() -> new AssertionError("porter exited: " + stderr));
  }

  /** Lines of porter's log so far that contain {@code fragment}. */
  public long logLines(String fragment) {
    return stderr.stream().filter(l -> l.contains(fragment)).count();
  }

  /** The TCP port {@code component} listens on, from its "listening on 127.0.0.1:PORT" line. */
  public int awaitPort(String component) {
    Pattern listening =
        Pattern.compile(
            ".*component " + Pattern.quote(component) + ": listening on 127\\.0\\.0\\.1:(\\d+).*");
    int[] port = new int[1];
    Await.until(
        () -> "component " + component + " listening in " + stderr,
        Duration.ofSeconds(30),
        () -> {
          for (String l : stderr) {
            Matcher m = listening.matcher(l);
            if (m.matches()) {
              port[0] = Integer.parseInt(m.group(1));
              return true;
            }
          }
          return false;
        });
    return port[0];
  }

  /**
   * Sends a signal with kill(1). Process.destroy() is not used: on this platform it sometimes skips
   * the signal when the JDK's start-time check of the pid disagrees.
   */
  public void signal(String name) throws Exception {
    Process k =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0)
      throw new AssertionError("kill -" + name + " failed");
  }

  /** Sends SIGTERM and waits (bounded) for the exit code. */
  public int terminate() throws Exception {
    signal("TERM");
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("porter did not stop on SIGTERM");
    }
    drain();
    return process.exitValue();
  }

  private void pump(java.io.InputStream in, List<String> into) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
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

  public static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
