package dev.porter.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code porter} command: parses arguments, runs a subcommand, exits with its code. */
@Command(
    name = "porter",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A super-server and supervisor: TCPMUX, built-in services, spawned programs, routes.%n"
        + "Without a subcommand, porter runs on its embedded default configuration.",
    subcommands = {RunCommand.class, CheckCommand.class, CtlCommand.class, ConvertCommand.class,
        TelnetCommand.class, TelnetProxyCommand.class, MuxCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
  /** Exit codes (DESIGN.md §3). */
  static final int OK = 0;
  static final int USAGE = 1;
  static final int RUNTIME = 2;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code; never calls System.exit. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("porter: " + ex.getMessage());
      ex.getCommandLine().getErr().println("Try 'porter --help' for more information.");
      return USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      c.getErr().println("porter: " + ex);
      return RUNTIME;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    return new RunCommand().call();
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"porter " + (v == null ? "(development build)" : v)};
    }
  }
}
