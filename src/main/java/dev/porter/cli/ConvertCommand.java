package dev.porter.cli;

import dev.porter.config.ConfigException;
import dev.porter.config.InetdConversion;
import dev.porter.config.InetdConverter;
import dev.porter.config.InetdServices;
import dev.porter.config.PorterConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code porter convert inetd FILE}: prints an inetd.conf as porter HOCON. */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description =
        "Print another super-server's configuration as porter HOCON.%nLines porter cannot express"
            + " go to stderr as FILE:LINE: message; the rest is still printed.",
    footer =
        "%nService names are looked up in /etc/services (or the file named by the environment "
            + "variable "
            + ConvertCommand.SERVICES_ENV
            + "), then in a built-in table of the classic services.")
final class ConvertCommand implements Callable<Integer> {
  /** Names a services(5) file to use instead of /etc/services (chroots, tests). */
  static final String SERVICES_ENV = "PORTER_SERVICES";

  /** The configuration syntaxes {@code run} and {@code check} read. */
  enum Syntax {
    porter,
    inetd
  }

  /** The formats porter converts from. */
  enum From {
    inetd
  }

  @Parameters(
      index = "0",
      paramLabel = "FORMAT",
      description = "the format of FILE: ${COMPLETION-CANDIDATES}")
  From from;

  @Parameters(
      index = "1",
      paramLabel = "FILE",
      description = "the file to convert, e.g. /etc/inetd.conf")
  Path file;

  @Override
  public Integer call() {
    InetdConversion c;
    try {
      c = InetdConverter.convert(file, services());
    } catch (ConfigException e) {
      e.problems().forEach(p -> System.err.println("porter: " + p));
      return Main.USAGE;
    }
    System.out.print(c.hocon());
    System.out.flush();
    c.skipped().forEach(System.err::println);
    return Main.OK;
  }

  /** Reads an inetd.conf for {@code run --syntax inetd} and {@code check --syntax inetd}. */
  static PorterConfig loadInetd(Path file, Consumer<String> skipped) throws ConfigException {
    return InetdConverter.load(file, services(), skipped);
  }

  private static InetdServices services() {
    String env = System.getenv(SERVICES_ENV);
    return InetdServices.load(
        env == null || env.isEmpty() ? InetdServices.ETC_SERVICES : Path.of(env));
  }
}
