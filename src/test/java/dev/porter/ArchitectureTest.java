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

/**
 * DESIGN.md §2: a package uses only the packages above it in the list, whether by an import or by a
 * fully qualified name in its code (comments and string literals do not count).
 */
class ArchitectureTest {
  /** Lowest first, as in DESIGN.md §2. */
  static final List<String> LAYERS =
      List.of(
          "telnet",
          "acl",
          "config",
          "net",
          "service",
          "tcpmux",
          "relay",
          "mux",
          "process",
          "supervisor",
          "control",
          "cli");

  /** Pairs that must not know each other although their order would allow it. */
  static final Set<String> SIBLINGS = Set.of("tcpmux", "service", "relay", "process");

  /** {@code dev.porter.PKG.}, spaces allowed around the dots as Java allows them. */
  private static final Pattern QUALIFIED =
      Pattern.compile("(?<![\\w.])dev\\s*\\.\\s*porter\\s*\\.\\s*(\\w+)\\s*\\.");

  private static final Pattern IMPORT_OR_PACKAGE = Pattern.compile("^\\s*(import|package)\\b");
  private static final Pattern FOREIGN =
      Pattern.compile("^import\\s+(?:static\\s+)?(\\w+)\\.", Pattern.MULTILINE);
  private static final Path ROOT = Path.of("src/main/java/dev/porter");

  @Test
  void everyPackageUsesOnlyPackagesBelowIt() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      String pkg = ROOT.relativize(file).getName(0).toString();
      int level = LAYERS.indexOf(pkg);
      assertTrue(level >= 0, "package " + pkg + " is not in DESIGN.md's list");
      for (Reference r : references(Files.readString(file))) {
        if (r.pkg().equals(pkg)) continue;
        int usedLevel = LAYERS.indexOf(r.pkg());
        boolean siblings = SIBLINGS.contains(pkg) && SIBLINGS.contains(r.pkg());
        boolean muxUsesTcpmux = pkg.equals("mux") && r.pkg().equals("tcpmux");
        if (usedLevel < 0 || usedLevel >= level || (siblings && !muxUsesTcpmux)) {
          violations.add(
              ROOT.relativize(file) + ":" + r.line() + " " + r.how() + " dev.porter." + r.pkg());
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void fullyQualifiedNamesInCodeCountAndThoseInCommentsAndStringsDoNot() {
    String source =
        String.join(
            "\n",
            "package dev.porter.net;",
            "import dev.porter.acl.Acl;",
            "import static dev.porter.config.Values.describe;",
            "/** Uses {@link dev.porter.mux.Yamux}. */",
            "final class X {",
            "  // dev.porter.relay.Relay is only mentioned",
            "  String s = \"dev.porter.cli.Main \\\" /* dev.porter.service.Echo\";",
            "  char c = '\\'';",
            "  dev.porter.supervisor.Porter p = new dev.porter.process.Reaper();",
            "  String t = \"\"\"",
            "      dev.porter.control.Json",
            "      \"\"\";",
            "  /* dev.porter.tcpmux.NameLine */ Object o = dev.porter",
            "      .telnet.Telnet.class;",
            "}");
    assertEquals(
        List.of(
            new Reference("acl", 2, "imports"),
            new Reference("config", 3, "imports"),
            new Reference("supervisor", 9, "refers to"),
            new Reference("process", 9, "refers to"),
            new Reference("telnet", 13, "refers to")),
        references(source));
  }

  @Test
  void everyPackageSaysWhatLivesThereInItsPackageInfo() {
    List<String> missing = new ArrayList<>();
    for (String pkg : LAYERS) {
      if (!Files.isRegularFile(ROOT.resolve(pkg).resolve("package-info.java"))) missing.add(pkg);
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void theTelnetCodecDependsOnTheJdkAlone() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      if (!ROOT.relativize(file).getName(0).toString().equals("telnet")) continue;
      Matcher m = FOREIGN.matcher(Files.readString(file));
      while (m.find()) {
        if (!m.group(1).equals("java"))
          violations.add(ROOT.relativize(file) + " imports " + m.group(1));
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void onlyTheCliCallsSystemExit() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      if (ROOT.relativize(file).getName(0).toString().equals("cli")) continue;
      if (Files.readString(file).contains("System.exit("))
        violations.add(ROOT.relativize(file).toString());
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

  /** One use of another porter package: which, on which line, and whether by an import. */
  record Reference(String pkg, int line, String how) {}

  /** The porter packages {@code source} uses, in order: imports and fully qualified names. */
  static List<Reference> references(String source) {
    String code = codeOnly(source);
    List<Reference> out = new ArrayList<>();
    Matcher m = QUALIFIED.matcher(code);
    while (m.find()) {
      int lineStart = code.lastIndexOf('\n', m.start()) + 1;
      Matcher head = IMPORT_OR_PACKAGE.matcher(code.substring(lineStart, m.start()));
      String how = "refers to";
      if (head.find()) {
        if (head.group(1).equals("package")) continue;
        how = "imports";
      }
      int line = 1 + (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count();
      out.add(new Reference(m.group(1), line, how));
    }
    return out;
  }

  /**
   * {@code source} with its comments and its string, text block and character literals blanked out
   * (line breaks kept, so that lines still count), as Java's lexer (JLS §3.7, §3.10) sees them.
   */
  static String codeOnly(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      int end;
      if (source.startsWith("//", i)) {
        end = source.indexOf('\n', i);
        if (end < 0) end = n;
      } else if (source.startsWith("/*", i)) {
        end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
      } else if (source.startsWith("\"\"\"", i)) {
        end = closing(source, i + 3, "\"\"\"");
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        end = closing(source, i + 1, String.valueOf(source.charAt(i)));
      } else {
        out.append(source.charAt(i++));
        continue;
      }
      for (; i < end; i++) out.append(source.charAt(i) == '\n' ? '\n' : ' ');
    }
    return out.toString();
  }

  // The index just past the unescaped delimiter that closes a literal begun before from.
  private static int closing(String source, int from, String delimiter) {
    for (int i = from; i < source.length(); i++) {
      if (source.charAt(i) == '\\') {
        i++;
      } else if (source.startsWith(delimiter, i)) {
        return i + delimiter.length();
      }
    }
    return source.length();
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> ROOT.relativize(p).getNameCount() > 1)
          .toList();
    }
  }

  /** The line limit the formatter keeps for code, for everything it leaves alone too. */
  static final int MAX_COLUMNS = 100;

  @Test
  void noLineOfJavaIsWiderThanOneHundredColumns() throws IOException {
    List<String> wide = new ArrayList<>();
    for (String dir : List.of("src/main/java", "src/test/java", "src/jmh/java", "bench")) {
      Path root = Path.of(dir);
      if (!Files.isDirectory(root)) continue;
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            int columns = lines.get(i).codePointCount(0, lines.get(i).length());
            if (columns > MAX_COLUMNS) wide.add(f + ":" + (i + 1) + ": " + columns + " columns");
          }
        }
      }
    }
    assertEquals(List.of(), wide);
  }
}
