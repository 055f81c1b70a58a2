package dev.porter.control;

import dev.porter.config.Endpoint;
import dev.porter.config.PorterConfig;
import dev.porter.supervisor.Porter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code porter run} offers the world besides its services: the control socket, the metrics
 * endpoint and systemd notification, started together once porter serves and stopped together
 * when it shuts down. Reloads from SIGHUP and from the control socket both come through
 * {@link #reload}, one at a time, wrapped in {@code RELOADING=1} and {@code READY=1}.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  private final SystemdNotify systemd;
  private final Supplier<ReloadOutcome> reloadFromFile;
  private Optional<ControlServer> control = Optional.empty();
  private Optional<MetricsServer> metrics = Optional.empty();
  private boolean closed;

  private ControlPlane(SystemdNotify systemd, Supplier<ReloadOutcome> reloadFromFile) {
    this.systemd = systemd;
    this.reloadFromFile = reloadFromFile;
  }

  /**
   * Opens the control socket ({@code control.socket}, else the default of {@link ControlSocketPath})
   * and the metrics endpoint ({@code metrics.socket}), then tells systemd porter is ready. A
   * configured socket that cannot be opened is an error; the default one only a warning, so that
   * a second porter (a test, a user's own) still runs.
   *
   * @param reloadFromFile reads the configuration file again and reconciles, as SIGHUP does
   * @param shutdown starts porter's shutdown
   */
  public static ControlPlane start(PorterConfig cfg, Porter porter, Supplier<ReloadOutcome> reloadFromFile,
      Runnable shutdown, Map<String, String> env) throws ControlException {
    ControlPlane plane = new ControlPlane(SystemdNotify.fromEnvironment(env), reloadFromFile);
    try {
      if (cfg.controlSocket().isPresent()) {
        Endpoint ep = cfg.controlSocket().get();
        plane.control = Optional.of(ControlServer.start(ep.path(), ep.mode().orElse(ControlServer.DEFAULT_MODE),
            ep.owner(), ep.group(), porter, plane::reload, shutdown));
      } else {
        Optional<Path> p = ControlSocketPath.forServer(env, ControlSocketPath.runningAsRoot());
        if (p.isEmpty()) {
          log.info("control: no control socket (not root and XDG_RUNTIME_DIR is unset; set control.socket)");
        } else {
          try {
            plane.control = Optional.of(ControlServer.start(p.get(), ControlServer.DEFAULT_MODE, Optional.empty(),
                Optional.empty(), porter, plane::reload, shutdown));
          } catch (ControlException e) {
            log.warn("control: {}; running without a control socket", e.getMessage());
          }
        }
      }
      if (cfg.metricsSocket().isPresent()) plane.metrics = Optional.of(MetricsServer.start(cfg.metricsSocket().get(), porter));
    } catch (ControlException e) {
      plane.close();
      throw e;
    }
    plane.systemd.ready("serving " + cfg.components().size() + " component(s)");
    return plane;
  }

  /** Where the control socket listens, if it does. */
  public Optional<Path> controlSocket() {
    return control.map(ControlServer::path);
  }

  /** Reloads from the file, one reload at a time, telling systemd before and after. */
  public synchronized ReloadOutcome reload() {
    systemd.reloading();
    try {
      return reloadFromFile.get();
    } finally {
      systemd.ready("reloaded");
    }
  }

  /** Shutdown begins: tells systemd, stops answering on the control socket and the metrics endpoint. */
  public void stopping() {
    systemd.stopping();
    close();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    control.ifPresent(ControlServer::close);
    metrics.ifPresent(MetricsServer::close);
    systemd.close();
  }
}
