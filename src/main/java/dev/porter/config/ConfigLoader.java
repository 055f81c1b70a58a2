package dev.porter.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads porter's HOCON configuration into a validated {@link PorterConfig}, reporting every problem
 * at once as {@code FILE:LINE: key: what is wrong}.
 */
public final class ConfigLoader {
  /** What {@link PorterConfig#source()} says for the embedded default. */
  public static final String EMBEDDED_DEFAULT = "<embedded default>";

  private static final String DEFAULT_RESOURCE = "/dev/porter/config/default.conf";

  /**
   * The directory next to the main file whose {@code *.conf} files are merged on top, in name
   * order.
   */
  public static final String CONF_D = "conf.d";

  private ConfigLoader() {}

  /**
   * Reads {@code file}, then every {@code conf.d/*.conf} next to it in name order (later files
   * override and extend earlier ones), resolves substitutions and validates the result.
   */
  public static PorterConfig load(Path file) throws ConfigException {
    try {
      return loadFile(file);
    } catch (StackOverflowError e) {
      // Nesting.tooDeep catches deep files before they are parsed; an include or a substitution
      // chain can still go deeper, and must give a configuration error, not a dead thread.
      throw new ConfigException(file + ": " + TOO_DEEP);
    }
  }

  private static final String TOO_DEEP =
      "the configuration nests deeper than "
          + Nesting.MAX_DEPTH
          + " levels (objects, lists and dotted keys, includes and substitutions counted)";

  private static PorterConfig loadFile(Path file) throws ConfigException {
    Origins origins = Origins.forFile(file);
    Problems problems = new Problems(origins);
    Path main = file.toAbsolutePath();
    Config merged = parseFile(main, origins, problems);
    Path parent = main.getParent();
    Path confD = parent == null ? null : parent.resolve(CONF_D);
    if (confD != null && Files.isDirectory(confD)) {
      for (Path part : confFiles(confD, origins, problems)) {
        origins.noteFile(part);
        Config c = parseFile(part, origins, problems);
        if (c != null && merged != null) merged = c.withFallback(merged);
      }
    }
    problems.throwIfAny();
    return build(merged, problems);
  }

  /** Parses configuration text; {@code sourceName} stands for the file name in problems. */
  public static PorterConfig parse(String text, String sourceName) throws ConfigException {
    Problems problems = new Problems(Origins.forText(sourceName));
    Config config = null;
    OptionalInt deep = Nesting.tooDeep(text);
    if (deep.isPresent())
      throw new ConfigException(new Origin(sourceName, deep.getAsInt()) + ": " + TOO_DEEP);
    try {
      config = ConfigFactory.parseString(text, options().setOriginDescription(sourceName));
      problems.throwIfAny();
      return build(config, problems);
    } catch (com.typesafe.config.ConfigException e) {
      addTypesafeProblem(e, problems);
      problems.throwIfAny();
      throw new AssertionError("unreachable");
    } catch (StackOverflowError e) {
      throw new ConfigException(sourceName + ": " + TOO_DEEP);
    }
  }

  /**
   * The embedded default: a TCPMUX master on 127.0.0.1:7001 serving the built-in services,
   * reachable from loopback only.
   */
  public static PorterConfig loadDefault() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), EMBEDDED_DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ConfigException e) {
      throw new IllegalStateException(
          "the embedded default configuration is broken:\n" + e.getMessage(), e);
    }
  }

  /** The embedded default's text, for users who want a starting point. */
  public static String defaultText() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ConfigParseOptions options() {
    return ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false);
  }

  private static PorterConfig build(Config config, Problems problems) throws ConfigException {
    Config resolved;
    try {
      resolved = config.resolve();
    } catch (com.typesafe.config.ConfigException e) {
      addTypesafeProblem(e, problems);
      problems.throwIfAny();
      throw new AssertionError("unreachable");
    }
    return ModelBuilder.build(resolved, problems);
  }

  private static Config parseFile(Path file, Origins origins, Problems problems) {
    try {
      OptionalInt deep = Nesting.tooDeep(Files.readString(file));
      if (deep.isPresent()) {
        problems.addPlain(
            new Origin(
                origins.of(ConfigFactory.empty(file.toString()).origin()).file(), deep.getAsInt()),
            TOO_DEEP);
        return null;
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // Not readable as text: the parser below says why, with the file's name.
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), options());
    } catch (com.typesafe.config.ConfigException e) {
      addTypesafeProblem(e, problems);
      return null;
    }
  }

  // conf.d/*.conf in name order; hidden files (editors' and package managers' leftovers) skipped.
  private static List<Path> confFiles(Path dir, Origins origins, Problems problems) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.conf")) {
      for (Path p : ds) {
        if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) files.add(p);
      }
    } catch (IOException e) {
      problems.addPlain(
          origins.of(ConfigFactory.empty(dir.toString()).origin()),
          "cannot list " + CONF_D + ": " + e.getMessage());
    }
    files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    return files;
  }

  // Typesafe Config puts "ORIGIN: " in front of its messages; keep only what is wrong.
  private static void addTypesafeProblem(com.typesafe.config.ConfigException e, Problems problems) {
    ConfigOrigin o = e.origin();
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (o != null && message.startsWith(o.description() + ": ")) {
      message = message.substring(o.description().length() + 2);
    }
    if (e instanceof com.typesafe.config.ConfigException.IO && e.getCause() != null) {
      Throwable cause = e.getCause();
      String why =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      // A relative include that is not next to the including file is looked for on the classpath
      // too, so either message means the same to the user.
      if (why.startsWith("include was not found")
          || why.startsWith("resource not found on classpath")) {
        message = "required include not found";
      } else if (cause instanceof java.io.FileNotFoundException) {
        message = "cannot read: " + why.replaceFirst("^.*\\((.*)\\)$", "$1");
      } else {
        message = "cannot read: " + why;
      }
    }
    problems.addPlain(problems.origins().of(o), plainer(message));
  }

  // Typesafe Config's parser messages, made shorter and pointed at HOCON's usual traps.
  private static String plainer(String message) {
    String m = message.replaceAll("\\s*\\(if you intended .* rather than \\.conf\\)$", "");
    if (m.contains("end of file")) {
      return "unexpected end of file (is a { or [ left open?)";
    }
    if (m.contains("got ':'") || m.contains("got wrong token: ':'")) {
      // "socket = inet://..." unquoted: "//" starts a comment and ':' separates key from value.
      return m
          + " (put values that contain \":\" or \"//\" in double quotes, e.g. socket ="
          + " \"inet://127.0.0.1:7\")";
    }
    return m;
  }
}
