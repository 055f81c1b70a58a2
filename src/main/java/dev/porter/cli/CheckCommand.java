package dev.porter.cli;

import dev.porter.config.ConfigException;
import dev.porter.config.ConfigLoader;
import dev.porter.config.PorterConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code porter check -c FILE}: validates a configuration and prints every problem. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Validate a configuration file; print problems as FILE:LINE: message and exit 1.")
final class CheckCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      required = true,
      description = "the configuration file")
  Path file;

  @Option(
      names = "--syntax",
      paramLabel = "porter|inetd",
      description =
          "the syntax of FILE (default: porter); with inetd, lines porter cannot express are"
              + " problems")
  ConvertCommand.Syntax syntax = ConvertCommand.Syntax.porter;

  @Override
  public Integer call() {
    try {
      List<String> skipped = new ArrayList<>();
      PorterConfig cfg =
          syntax == ConvertCommand.Syntax.inetd
              ? ConvertCommand.loadInetd(file, skipped::add)
              : ConfigLoader.load(file);
      skipped.forEach(System.err::println);
      if (!skipped.isEmpty()) return Main.USAGE;
      // Warnings fail nothing: what they point at works, it is probably just not meant.
      cfg.warnings().forEach(System.err::println);
      System.out.println(file + ": ok, " + cfg.components().size() + " component(s)");
      return Main.OK;
    } catch (ConfigException e) {
      e.problems().forEach(System.err::println);
      return Main.USAGE;
    }
  }
}
