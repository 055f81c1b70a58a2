package dev.porter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** DESIGN.md §2: a package imports only from the packages above it in the list. */
class ArchitectureTest {
  /** Lowest first, as in DESIGN.md §2. */
  static final List<String> LAYERS = List.of("telnet", "acl", "config", "net", "service", "tcpmux",
      "relay", "mux", "process", "supervisor", "control", "cli");

  /** Pairs that must not know each other although their order would allow it. */
  static final Set<String> SIBLINGS = Set.of("tcpmux", "service", "relay", "process");

  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?dev\\.porter\\.(\\w+)\\.", Pattern.MULTILINE);
  private static final Pattern FOREIGN = Pattern.compile("^import\\s+(?:static\\s+)?(\\w+)\\.", Pattern.MULTILINE);
  private static final Path ROOT = Path.of("src/main/java/dev/porter");

  @Test
  void everyPackageImportsOnlyFromPackagesBelowIt() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      String pkg = ROOT.relativize(file).getName(0).toString();
      int level = LAYERS.indexOf(pkg);
      assertTrue(level >= 0, "package " + pkg + " is not in DESIGN.md's list");
      Matcher m = IMPORT.matcher(Files.readString(file));
      while (m.find()) {
        String used = m.group(1);
        if (used.equals(pkg)) continue;
        int usedLevel = LAYERS.indexOf(used);
        boolean siblings = SIBLINGS.contains(pkg) && SIBLINGS.contains(used);
        boolean muxUsesTcpmux = pkg.equals("mux") && used.equals("tcpmux");
        if (usedLevel < 0 || usedLevel >= level || (siblings && !muxUsesTcpmux)) {
          violations.add(ROOT.relativize(file) + " imports dev.porter." + used);
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void theTelnetCodecDependsOnTheJdkAlone() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      if (!ROOT.relativize(file).getName(0).toString().equals("telnet")) continue;
      Matcher m = FOREIGN.matcher(Files.readString(file));
      while (m.find()) {
        if (!m.group(1).equals("java")) violations.add(ROOT.relativize(file) + " imports " + m.group(1));
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void onlyTheCliCallsSystemExit() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      if (ROOT.relativize(file).getName(0).toString().equals("cli")) continue;
      if (Files.readString(file).contains("System.exit(")) violations.add(ROOT.relativize(file).toString());
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void noCodeUsesProcessBuilderWhichWouldStealTheReapersChildren() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      String text = Files.readString(file);
      if (text.contains("new ProcessBuilder") || text.contains("Runtime.getRuntime().exec")) {
        violations.add(ROOT.relativize(file).toString());
      }
    }
    assertEquals(List.of(), violations);
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(p -> p.toString().endsWith(".java")).filter(p -> ROOT.relativize(p).getNameCount() > 1)
          .toList();
    }
  }
}
