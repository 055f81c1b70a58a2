package dev.porter.cli;

import dev.porter.config.ConfigException;
import dev.porter.config.ConfigLoader;
import dev.porter.config.Endpoint;
import dev.porter.config.PorterConfig;
import dev.porter.control.ControlException;
import dev.porter.control.ControlPlane;
import dev.porter.supervisor.ConfigSource;
import dev.porter.supervisor.Porter;
import dev.porter.supervisor.Privileges;
import dev.porter.supervisor.StartException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code porter run}: runs in the foreground until SIGTERM or SIGINT. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run in the foreground (systemd style). Without -c, use the embedded default.")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("dev.porter");

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "the configuration file")
  Optional<Path> file = Optional.empty();

  @Option(
      names = "--syntax",
      paramLabel = "porter|inetd",
      description = "the syntax of FILE (default: porter)")
  ConvertCommand.Syntax syntax = ConvertCommand.Syntax.porter;

  @Override
  public Integer call() throws InterruptedException {
    PorterConfig cfg;
    try {
      cfg = load();
    } catch (ConfigException e) {
      e.problems().forEach(System.err::println);
      return Main.USAGE;
    }
    // Handlers go in before the sockets are bound: a SIGTERM that arrives as soon as porter
    // listens must stop it cleanly, not kill the JVM.
    CountDownLatch stop = new CountDownLatch(1);
    for (String sig : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(sig),
          s -> {
            log.info("porter: SIG{} received, shutting down", s.getName());
            stop.countDown();
          });
    }
    // Like TERM, SIGHUP and the control socket are ready before porter binds: a reload asked for
    // now waits, with every other command, until porter has started.
    ControlPlane plane = new ControlPlane(System.getenv());
    Porter porter = new Porter(cfg, Porter.defaultLoopCount(), Clock.systemDefaultZone(), plane);
    ConfigSource source = this::load;
    Signal.handle(
        new Signal("HUP"),
        s -> {
          log.info("porter: SIGHUP received, reloading");
          porter.reload(source);
        });
    try {
      plane.open(cfg, porter, source, stop::countDown, System.getenv());
    } catch (ControlException e) {
      System.err.println("porter: " + e.getMessage());
      return Main.RUNTIME;
    }
    try {
      porter.start();
    } catch (StartException e) {
      plane.close();
      e.reasons().forEach(r -> System.err.println("porter: " + r));
      return Main.RUNTIME;
    }
    plane.serving(cfg);
    Optional<Pidfile> pidfile = writePidfile(cfg);
    if (file.isEmpty()) tellHowToTry(cfg, porter);
    stop.await();
    plane.stopping();
    porter.shutdown();
    plane.close();
    pidfile
        .flatMap(Pidfile::removeIfOurs)
        .ifPresent(e -> log.warn("pidfile: cannot remove: {}", e));
    log.info("porter: stopped");
    return Main.OK;
  }

  /** The configuration file as a reload reads it: parsed, validated, its privileges checked. */
  private PorterConfig load() throws ConfigException {
    PorterConfig cfg = loadFile();
    List<String> privileges = Privileges.problems(cfg);
    if (!privileges.isEmpty()) throw new ConfigException(privileges);
    for (PorterConfig.Warning w : cfg.warnings())
      log.warn("{}: {}: {}", w.location(), w.key(), w.message());
    return cfg;
  }

  private PorterConfig loadFile() throws ConfigException {
    if (file.isEmpty()) {
      if (syntax == ConvertCommand.Syntax.inetd)
        throw new ConfigException("porter: --syntax inetd needs -c FILE");
      return ConfigLoader.loadDefault();
    }
    if (syntax == ConvertCommand.Syntax.porter) return ConfigLoader.load(file.get());
    return ConvertCommand.loadInetd(file.get(), skipped -> log.warn("{} (line left out)", skipped));
  }

  /**
   * Writes the pidfile, if configured. One that cannot be written safely is an error in the log,
   * and porter serves on without it: what it serves does not depend on a pidfile (systemd needs
   * none), and refusing to start would stop every service over an advisory file.
   */
  private static Optional<Pidfile> writePidfile(PorterConfig cfg) {
    if (cfg.pidfile().isEmpty()) return Optional.empty();
    Path p = cfg.pidfile().get();
    try {
      return Optional.of(Pidfile.write(p, ProcessHandle.current().pid()));
    } catch (IOException e) {
      log.error(
          "pidfile: cannot write {}, running without one: {}",
          p,
          e.getClass() == IOException.class ? e.getMessage() : e.toString());
      return Optional.empty();
    }
  }

  // DESIGN.md §3: on the embedded default, one line telling the user how to try it.
  private static void tellHowToTry(PorterConfig cfg, Porter porter) {
    cfg.components().stream()
        .filter(c -> c.isTcpmuxMaster() && c.socket().isPresent())
        .findFirst()
        .ifPresent(
            m -> {
              Endpoint ep = m.socket().get();
              int port = porter.port(m.name()).orElse(ep.port());
              System.out.printf(
                  "porter: TCPMUX master on %s:%d; try: printf 'help\\r\\n' | nc %s %d%n",
                  ep.host(), port, ep.host(), port);
              System.out.flush();
            });
  }
}
