package dev.porter.telnet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The telnet-oracle golden cases copied into test resources: {@code cases/} (libtelnet 0.21's
 * recorded output) overlaid by {@code target/} (upstream master's output where it differs).
 */
final class OracleCases {

  /** One case: its arguments, stdin, and the expected stdout under the target semantics. */
  record Case(String name, List<String> args, byte[] input, byte[] expected) {
    boolean script() {
      return args.contains("-s");
    }

    @Override
    public String toString() {
      return name + " " + String.join(" ", args);
    }
  }

  private OracleCases() {}

  static Path root() {
    URL url = OracleCases.class.getResource("/telnet-oracle/cases/INDEX.tsv");
    if (url == null) {
      throw new IllegalStateException("telnet-oracle cases missing from test resources");
    }
    try {
      return Path.of(url.toURI()).getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The 364 cases of {@code cases/} with the {@code target/} overlay. */
  static List<Case> all() {
    return load("cases", "target");
  }

  /** Cases in {@code folder}, expected output from {@code overlay} where it has the file. */
  static List<Case> load(String folder, String overlay) {
    Path root = root();
    Path cases = root.resolve(folder);
    Path target = root.resolve(overlay);
    try (Stream<Path> files = Files.list(cases)) {
      List<Path> inputs =
          files
              .filter(p -> p.getFileName().toString().endsWith(".in"))
              .sorted()
              .collect(Collectors.toList());
      List<Case> out = new ArrayList<>();
      for (Path in : inputs) {
        String file = in.getFileName().toString();
        String name = file.substring(0, file.length() - 3);
        String argLine =
            Files.readString(cases.resolve(name + ".args"), StandardCharsets.ISO_8859_1).trim();
        List<String> args = argLine.isEmpty() ? List.of() : Arrays.asList(argLine.split(" +"));
        Path expected = target.resolve(name + ".out");
        if (!Files.exists(expected)) {
          expected = cases.resolve(name + ".out");
        }
        out.add(new Case(name, args, Files.readAllBytes(in), Files.readAllBytes(expected)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the Java decoder like the oracle binary: arguments, stdin, returns stdout. */
  static String decode(List<String> args, byte[] input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TelnetDecode.run(args, new ByteArrayInputStream(input), out);
    } catch (DecodeException e) {
      throw new AssertionError("decode rejected " + args + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** What {@code -M} would have printed: consecutive DATA lines joined, likewise SEND lines. */
  static String merged(String canonical) {
    StringBuilder out = new StringBuilder();
    String pendingKind = null;
    StringBuilder pending = new StringBuilder();
    for (String line : canonical.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      String kind = line.startsWith("DATA ") ? "DATA" : line.startsWith("SEND ") ? "SEND" : null;
      if (kind != null && kind.equals(pendingKind)) {
        appendHex(pending, line.substring(5));
        continue;
      }
      flush(out, pendingKind, pending);
      pendingKind = kind;
      if (kind != null) {
        appendHex(pending, line.substring(5));
      } else {
        out.append(line).append('\n');
      }
    }
    flush(out, pendingKind, pending);
    return out.toString();
  }

  private static void appendHex(StringBuilder sb, String hex) {
    if (!hex.equals("-")) {
      sb.append(hex);
    }
  }

  private static void flush(StringBuilder out, String kind, StringBuilder pending) {
    if (kind == null) {
      return;
    }
    out.append(kind).append(' ').append(pending.length() == 0 ? "-" : pending).append('\n');
    pending.setLength(0);
  }
}
