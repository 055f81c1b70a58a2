package dev.porter.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads what the tests check about processes from /proc, from the outside. */
final class ProcFs {
  private ProcFs() {}

  /** The open descriptor numbers of {@code pid}, sorted. */
  static List<Integer> fds(long pid) {
    try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return s.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String fdTarget(long pid, int fd) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd)))
        .toString();
  }

  /** A line's value from /proc/PID/status, e.g. "SigBlk". */
  static String status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) return line.substring(field.length() + 1).trim();
    }
    throw new IllegalArgumentException("no " + field + " in /proc/" + pid + "/status");
  }

  /**
   * Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [2] pgrp, [3] session.
   */
  static String[] stat(long pid) throws IOException {
    String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
  }

  /** Pids of this JVM's children in state Z. */
  static List<Long> zombieChildren() {
    long self = ProcessHandle.current().pid();
    List<Long> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        try {
          String[] st = stat(Long.parseLong(name));
          if (st[0].equals("Z") && Long.parseLong(st[1]) == self) out.add(Long.parseLong(name));
        } catch (IOException gone) {
          // the process exited while we looked
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static int ownFdCount() {
    return fds(ProcessHandle.current().pid()).size();
  }
}
