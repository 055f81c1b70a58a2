package dev.porter.cli;

import dev.porter.config.ConfigException;
import dev.porter.config.ConfigLoader;
import dev.porter.config.PorterConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code porter check -c FILE}: validates a configuration and prints every problem. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validate a configuration file; print problems as FILE:LINE: message and exit 1.")
final class CheckCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
      description = "the configuration file")
  Path file;

  @Override
  public Integer call() {
    try {
      PorterConfig cfg = ConfigLoader.load(file);
      System.out.println(file + ": ok, " + cfg.components().size() + " component(s)");
      return Main.OK;
    } catch (ConfigException e) {
      e.problems().forEach(System.err::println);
      return Main.USAGE;
    }
  }
}
