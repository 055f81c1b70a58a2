package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.process.Processes;
import dev.porter.testing.Await;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Daemons porter keeps alive, programs it runs around them, and how it stops them all. */
class SupervisionIT {
  static ComponentStatus status(RunningPorter p, String name) throws Exception {
    return p.porter().status().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static boolean alive(int pid) {
    return pid > 0 && Files.exists(Path.of("/proc/" + pid)) && !isZombie(pid);
  }

  static boolean isZombie(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (Exception gone) {
      return false;
    }
  }

  @Test
  void aDaemonThatDiesIsStartedAgain() throws Exception {
    try (RunningPorter p =
        RunningPorter.start(
            "shutdown-timeout = 2s\ncomponents { d { command = \"/bin/sleep 600\" } }")) {
      Await.until("the daemon to run", () -> pid(p, "d") > 0);
      int first = pid(p, "d");
      Processes.kill(first, Processes.SIGKILL);
      Await.until(
          "a new daemon",
          () -> {
            int now = pid(p, "d");
            return now > 0 && now != first;
          });
      ComponentStatus s = status(p, "d");
      assertEquals("running", s.state(), s.toString());
      assertEquals(1, s.restarts());
      assertEquals("signal 9 (SIGKILL)", s.lastExit().orElseThrow());
    }
  }

  @Test
  void aDaemonThatExitsTooOftenIsPutToSleepWithALogLine() throws Exception {
    try (LogCapture logs = new LogCapture();
        RunningPorter p =
            RunningPorter.start(
                "shutdown-timeout = 2s\n"
                    + "components { flappy { command = [ /bin/sh, -c, \"exit 3\" ] } }")) {
      logs.awaitLine("component flappy: respawning too fast");
      assertEquals("sleeping", status(p, "flappy").state());
      assertEquals("exit 3", status(p, "flappy").lastExit().orElseThrow());
    }
  }

  @Test
  void aReturnCodeCanDisableTheComponentAndRunACommand(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("ran");
    try (RunningPorter p =
        RunningPorter.start(
            String.join(
                "\n",
                "shutdown-timeout = 2s",
                "components { job {",
                "  command = [ /bin/sh, -c, \"exit 75\" ]",
                "  return-code { EX_TEMPFAIL { action = disable, exec = \"echo $PORTER_EXIT > "
                    + marker
                    + "\" } }",
                "} }"))) {
      Await.until("the component to be disabled", () -> state(p, "job").equals("disabled"));
      Await.until(
          "the exit command to run", () -> Files.exists(marker) && read(marker).equals("75\n"));
      assertEquals(0, status(p, "job").restarts());
    }
  }

  @Test
  void startupProgramsRunToCompletionFirstAndPrerequisitesStartInOrder(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("order");
    String append = "echo %s >> " + log;
    try (LogCapture logs = new LogCapture();
        RunningPorter p =
            RunningPorter.start(
                String.join(
                    "\n",
                    "shutdown-timeout = 2s",
                    "components {",
                    "  web { command = [ /bin/sh, -c, \""
                        + String.format(append, "web")
                        + "; exec sleep 600\" ],",
                    "        prerequisites = [ db ] }",
                    "  db { command = [ /bin/sh, -c, \""
                        + String.format(append, "db")
                        + "; exec sleep 600\" ] }",
                    "  init { mode = startup, command = [ /bin/sh, -c, \"sleep 0.3; "
                        + String.format(append, "init")
                        + "\" ] }",
                    "}"))) {
      Await.until("both daemons", () -> Files.exists(log) && read(log).split("\n").length == 3);
      List<String> lines = List.of(read(log).split("\n"));
      assertEquals(
          "init", lines.get(0), "the startup program finished before anything else started");
      // Started in order; once started, the two run side by side, so the order of their own
      // lines in the file is theirs, not porter's: porter's log says what it started when.
      List<String> started =
          logs.lines().stream()
              .filter(l -> l.contains(": started pid"))
              .map(l -> l.substring("component ".length(), l.indexOf(':')))
              .toList();
      assertEquals(List.of("init", "db", "web"), started);
      assertEquals("finished", state(p, "init"));
    }
  }

  @Test
  void stoppingAComponentStopsItsDependentsFirst() throws Exception {
    try (RunningPorter p =
        RunningPorter.start(
            String.join(
                "\n",
                "shutdown-timeout = 2s",
                "components {",
                "  db { command = \"/bin/sleep 600\" }",
                "  web { command = \"/bin/sleep 600\", prerequisites = [ db ] }",
                "  other { command = \"/bin/sleep 600\" }",
                "}"))) {
      Await.until(
          "all three to run", () -> pid(p, "db") > 0 && pid(p, "web") > 0 && pid(p, "other") > 0);
      p.porter().stopComponent("db");
      assertEquals("stopped", state(p, "db"));
      assertEquals("stopped", state(p, "web"));
      assertEquals("running", state(p, "other"));
      p.porter().startComponent("db");
      Await.until("db to run again", () -> pid(p, "db") > 0);
    }
  }

  @Test
  void shutdownLeavesNoProcessBehindAndRunsShutdownPrograms(@TempDir Path dir) throws Exception {
    Path bye = dir.resolve("bye");
    RunningPorter p =
        RunningPorter.start(
            String.join(
                "\n",
                "shutdown-timeout = 1s",
                "components {",
                "  polite { command = \"/bin/sleep 600\" }",
                "  stubborn { command = [ /bin/sh, -c, \"trap '' TERM; while :; do sleep 1; done\""
                    + " ] }",
                "  bye { mode = shutdown, command = [ /bin/sh, -c, \"echo done > " + bye + "\" ] }",
                "}"));
    Await.until("daemons", () -> pid(p, "polite") > 0 && pid(p, "stubborn") > 0);
    int polite = pid(p, "polite");
    int stubborn = pid(p, "stubborn");
    assertFalse(Files.exists(bye));
    p.close();
    assertFalse(alive(polite), "polite daemon still alive");
    assertFalse(alive(stubborn), "stubborn daemon survived SIGKILL");
    assertTrue(Files.exists(bye), "shutdown program did not run");
    assertEquals(0, SpawnIT.zombies());
  }

  @Test
  void outputGoesToTheLogWithTheComponentsNameOrToAFile(@TempDir Path dir) throws Exception {
    Path errors = dir.resolve("errors.log");
    try (LogCapture logs = new LogCapture();
        RunningPorter p =
            RunningPorter.start(
                String.join(
                    "\n",
                    "shutdown-timeout = 2s",
                    "components { talker {",
                    "  command = [ /bin/sh, -c, \"echo first line; echo second line; echo oops >&2;"
                        + " exec sleep 600\" ]",
                    "  stdout = log",
                    "  stderr = \"file " + errors + "\"",
                    "} }"))) {
      logs.awaitLine("component talker: first line");
      logs.awaitLine("component talker: second line");
      Await.until("stderr in the file", () -> read(errors).equals("oops\n"));
    }
  }

  static int pid(RunningPorter p, String name) {
    try {
      return status(p, name).pid();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static String state(RunningPorter p, String name) {
    try {
      return status(p, name).state();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (Exception e) {
      return "";
    }
  }

  static void assertRunning(int pid) {
    assertNotEquals(0, pid);
    assertTrue(alive(pid));
  }

  /**
   * A child of the daemon that ignores SIGTERM and outlives it: stopping the daemon ends it too.
   */
  @Test
  void stoppingADaemonEndsWhatItForkedEvenWhenThatOutlivesIt(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("grandchild.pid");
    String daemon = "sh -c 'trap \\\"\\\" TERM; echo $$ > " + pidFile + "; exec sleep 600' & wait";
    RunningPorter p =
        RunningPorter.start(
            "shutdown-timeout = 1s\ncomponents { d { command = [ /bin/sh, -c, \""
                + daemon
                + "\" ] } }");
    int grandchild;
    try {
      Await.until("the grandchild to write its pid", () -> readPid(pidFile) > 0);
      grandchild = readPid(pidFile);
      assertTrue(alive(grandchild));
      p.porter().stopComponent("d");
    } finally {
      p.close();
    }
    Await.until("the grandchild to be gone", () -> !alive(grandchild));
  }

  private static int readPid(Path file) {
    try {
      String s = Files.readString(file);
      return s.endsWith("\n") ? Integer.parseInt(s.trim()) : 0;
    } catch (java.io.IOException | NumberFormatException notYet) {
      return 0;
    }
  }
}
