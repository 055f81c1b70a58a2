package dev.porter.cli;

import dev.porter.net.Fatal;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code porter} command: parses arguments, runs a subcommand, exits with its code. */
@Command(
    name = "porter",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "A super-server and supervisor: TCPMUX, built-in services, spawned programs, routes.%n"
            + "Without a subcommand, porter runs on its embedded default configuration.",
    subcommands = {
      RunCommand.class,
      CheckCommand.class,
      CtlCommand.class,
      ConvertCommand.class,
      TelnetCommand.class,
      TelnetProxyCommand.class,
      MuxCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  /** Exit codes (DESIGN.md §3). */
  static final int OK = 0;

  static final int USAGE = 1;
  static final int RUNTIME = 2;

  /**
   * A thread porter cannot run without failed: restart porter (the JVM's own code for an OOM exit).
   */
  static final int FATAL = Fatal.EXIT_CODE;

  private static final java.util.concurrent.atomic.AtomicBoolean FATAL_ONCE =
      new java.util.concurrent.atomic.AtomicBoolean();

  public static void main(String[] args) {
    Fatal.onFatal(Main::fatal);
    System.exit(execute(args));
  }

  /**
   * A fatal failure (see {@link Fatal}): one line, the log flushed, and the process ends at once.
   * {@code halt}, not {@code exit}: shutdown hooks would wait for the very threads that failed.
   */
  private static void fatal(String where, Throwable why) {
    // Two loops failing at once is one failure: the first says it, the others wait for the end.
    if (!FATAL_ONCE.compareAndSet(false, true)) return;
    String line =
        "porter: "
            + where
            + " failed: "
            + Fatal.describe(why)
            + "; exiting with code "
            + FATAL
            + " so that porter's supervisor starts it again";
    try {
      LoggerFactory.getLogger("dev.porter").error(line);
      ((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    } catch (Throwable t) {
      System.err.println(EscapedMessage.escape(line));
    } finally {
      Runtime.getRuntime().halt(FATAL);
    }
  }

  /** Runs the command line and returns the exit code; never calls System.exit. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("porter: " + ex.getMessage());
          ex.getCommandLine().getErr().println("Try 'porter --help' for more information.");
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
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
