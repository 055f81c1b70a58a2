package dev.porter.cli;

import dev.porter.config.ConfigException;
import dev.porter.config.ConfigLoader;
import dev.porter.config.PorterConfig;
import dev.porter.supervisor.Porter;
import dev.porter.supervisor.StartException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * {@code porter telnet-proxy HOST PORT LISTEN-PORT}: libtelnet's {@code telnet-proxy} utility on
 * porter's runtime. It listens on LISTEN-PORT, relays each client to HOST:PORT through the telnet
 * proxy and prints every decoded event on standard output in telnet-proxy's style; unlike the
 * original it serves many clients at once and keeps listening until SIGINT or SIGTERM.
 */
@Command(
    name = "telnet-proxy",
    mixinStandardHelpOptions = true,
    description =
        "Relay TELNET from LISTEN-PORT to HOST:PORT, printing each decoded event (libtelnet's"
            + " telnet-proxy, many clients at once).")
final class TelnetProxyCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("dev.porter");

  /** A host name, an IPv4 address or an IPv6 address: nothing that could break the HOCON text. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]+");

  @Parameters(index = "0", paramLabel = "HOST", description = "the TELNET server")
  String host;

  @Parameters(index = "1", paramLabel = "PORT", description = "its port")
  int port;

  @Parameters(
      index = "2",
      paramLabel = "LISTEN-PORT",
      description = "the port to accept clients on")
  int listenPort;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "the address to listen on (default: 0.0.0.0)")
  String bind = "0.0.0.0";

  @Option(
      names = {"-q", "--quiet"},
      description = "relay only: print no events")
  boolean quiet;

  @Override
  public Integer call() throws InterruptedException {
    PorterConfig cfg;
    try {
      cfg = ConfigLoader.parse(config(), "telnet-proxy");
    } catch (ConfigException e) {
      e.problems().forEach(p -> System.err.println("porter: telnet-proxy: " + p));
      return Main.USAGE;
    }
    CountDownLatch stop = new CountDownLatch(1);
    for (String sig : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(sig), s -> stop.countDown());
    }
    Porter porter = new Porter(cfg, Porter.defaultLoopCount(), Clock.systemDefaultZone());
    try {
      porter.start();
    } catch (StartException e) {
      System.err.println("porter: " + e.getMessage());
      return Main.RUNTIME;
    }
    System.out.println("LISTENING ON PORT " + porter.port("telnet-proxy").orElse(listenPort));
    System.out.flush();
    stop.await();
    porter.shutdown();
    System.out.flush();
    log.info("porter: telnet-proxy stopped");
    return Main.OK;
  }

  /** The one-component configuration this command runs. */
  String config() throws ConfigException {
    check(host, "HOST");
    check(bind, "--bind");
    if (port < 1 || port > 65535) throw new ConfigException("PORT must be 1..65535, got " + port);
    if (listenPort < 0 || listenPort > 65535) {
      throw new ConfigException("LISTEN-PORT must be 0..65535, got " + listenPort);
    }
    return "shutdown-timeout = 1s\n"
        + "components.telnet-proxy {\n"
        + "  socket = \"inet://"
        + bracket(bind)
        + ":"
        + listenPort
        + "\"\n"
        + "  builtin = telnet-proxy\n"
        + "  route = \"inet://"
        + bracket(host)
        + ":"
        + port
        + "\"\n"
        + (quiet ? "" : "  telnet-log = \"-\"\n")
        + "}\n";
  }

  private static void check(String value, String what) throws ConfigException {
    if (!HOST.matcher(value).matches())
      throw new ConfigException(what + " is not a host name or address: " + value);
  }

  private static String bracket(String host) {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }
}
