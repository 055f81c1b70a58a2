package dev.porter.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The real porter jar run as a child process of the test, with its output collected. */
public final class PorterProcess implements AutoCloseable {
  public final Process process;
  public final List<String> stdout = new CopyOnWriteArrayList<>();
  public final List<String> stderr = new CopyOnWriteArrayList<>();

  private PorterProcess(Process p) {
    this.process = p;
    pump(p.getInputStream(), stdout);
    pump(p.getErrorStream(), stderr);
  }

  public static Path jar() {
    Path p = Path.of(System.getProperty("porter.jar", "target/porter.jar"));
    if (!Files.exists(p)) throw new AssertionError("build the jar first (mvn package): " + p);
    return p;
  }

  public static PorterProcess start(String... args) throws IOException {
    return start(java.util.Map.of(), args);
  }

  /** Starts porter with {@code env} added to the test's environment. */
  public static PorterProcess start(java.util.Map<String, String> env, String... args) throws IOException {
    return start(List.of(), env, args);
  }

  /** Starts porter in a JVM given {@code jvmOptions}, with {@code env} added to the environment. */
  public static PorterProcess start(List<String> jvmOptions, java.util.Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("JOURNAL_STREAM");
    pb.environment().remove("NOTIFY_SOCKET");
    pb.environment().putAll(env);
    return new PorterProcess(pb.start());
  }

  /** Runs to completion (bounded) and returns the exit code. */
  public static PorterProcess run(String... args) throws Exception {
    PorterProcess p = start(args);
    if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
      p.process.destroyForcibly();
      throw new AssertionError("porter " + List.of(args) + " did not finish");
    }
    p.drain();
    return p;
  }

  public int exitCode() {
    return process.exitValue();
  }

  /**
   * Sends a signal with kill(1). Process.destroy() is not used: on this platform it sometimes
   * skips the signal when the JDK's start-time check of the pid disagrees.
   */
  public void signal(String name) throws Exception {
    Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) throw new AssertionError("kill -" + name + " failed");
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

  private final List<Thread> pumps = new ArrayList<>();

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

  public static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
