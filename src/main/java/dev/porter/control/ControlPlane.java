package dev.porter.control;

import dev.porter.config.Endpoint;
import dev.porter.config.PorterConfig;
import dev.porter.supervisor.ConfigSource;
import dev.porter.supervisor.Porter;
import dev.porter.supervisor.ReloadObserver;
import dev.porter.supervisor.ReloadOutcome;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code porter run} offers the world besides its services: the control socket, the metrics
 * endpoint and systemd notification, started together once porter serves and stopped together when
 * it shuts down. It hears every reload, from SIGHUP or the control socket alike (the supervisor
 * runs them one at a time), and tells systemd {@code RELOADING=1}, then {@code READY=1} with what
 * happened.
 */
public final class ControlPlane implements AutoCloseable, ReloadObserver {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  private final SystemdNotify systemd;
  private Optional<ControlServer> control = Optional.empty();
  private Optional<MetricsServer> metrics = Optional.empty();
  private boolean closed;

  private ControlPlane(SystemdNotify systemd) {
    this.systemd = systemd;
  }

  /** A plane that serves nothing yet: give it to the {@link Porter} as its reload observer. */
  public ControlPlane(Map<String, String> env) {
    this(SystemdNotify.fromEnvironment(env));
  }

  /**
   * Opens the control socket ({@code control.socket}, else the default of {@link
   * ControlSocketPath}) and the metrics endpoint ({@code metrics.socket}). Called before porter
   * starts, so that no signal or command finds it half open; requests wait for the supervisor. A
   * configured socket that cannot be opened is an error; the default one only a warning, so that a
   * second porter (a test, a user's own) still runs.
   *
   * @param source what {@code porter ctl reload} reads, as SIGHUP does
   * @param shutdown starts porter's shutdown
   */
  public void open(
      PorterConfig cfg,
      Porter porter,
      ConfigSource source,
      Runnable shutdown,
      Map<String, String> env)
      throws ControlException {
    Supplier<ReloadOutcome> reload = () -> porter.reload(source).join();
    try {
      if (cfg.controlSocket().isPresent()) {
        Endpoint ep = cfg.controlSocket().get();
        control =
            Optional.of(
                ControlServer.start(
                    ep.path(),
                    ep.mode().orElse(ControlServer.DEFAULT_MODE),
                    ep.owner(),
                    ep.group(),
                    porter,
                    reload,
                    shutdown));
      } else {
        Optional<Path> p = ControlSocketPath.forServer(env, ControlSocketPath.runningAsRoot());
        if (p.isEmpty()) {
          log.info(
              "control: no control socket (not root and XDG_RUNTIME_DIR is unset; set"
                  + " control.socket)");
        } else {
          try {
            control =
                Optional.of(
                    ControlServer.start(
                        p.get(),
                        ControlServer.DEFAULT_MODE,
                        Optional.empty(),
                        Optional.empty(),
                        porter,
                        reload,
                        shutdown));
          } catch (ControlException e) {
            log.warn("control: {}; running without a control socket", e.getMessage());
          }
        }
      }
      if (cfg.metricsSocket().isPresent())
        metrics = Optional.of(MetricsServer.start(cfg.metricsSocket().get(), porter));
    } catch (ControlException e) {
      close();
      throw e;
    }
  }

  /** Porter serves: systemd hears READY=1. */
  public void serving(PorterConfig cfg) {
    systemd.ready("serving " + cfg.components().size() + " component(s)");
  }

  /** Where the control socket listens, if it does. */
  public Optional<Path> controlSocket() {
    return control.map(ControlServer::path);
  }

  @Override
  public void reloading() {
    systemd.reloading();
  }

  @Override
  public void reloaded(ReloadOutcome outcome) {
    // systemctl status shows this line: a refused reload must not look like a good one.
    systemd.ready(statusText(outcome));
  }

  /** systemd's STATUS= after a reload: what changed, or why nothing did. */
  static String statusText(ReloadOutcome o) {
    if (o.applied())
      return "reloaded: " + (o.lines().isEmpty() ? "no changes" : o.lines().size() + " change(s)");
    String first = o.lines().isEmpty() ? "" : ": " + o.lines().get(0);
    String more = o.lines().size() > 1 ? " (and " + (o.lines().size() - 1) + " more)" : "";
    return "reload refused, the running configuration stays" + first + more;
  }

  /** Shutdown begins: tells systemd. The control socket answers until {@link #close}. */
  public void stopping() {
    systemd.stopping();
  }

  /** Stops answering on the control socket and the metrics endpoint; removes the socket file. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    control.ifPresent(ControlServer::close);
    metrics.ifPresent(MetricsServer::close);
    systemd.close();
  }
}
