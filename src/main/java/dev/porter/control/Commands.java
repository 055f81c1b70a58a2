package dev.porter.control;

import dev.porter.mux.LinkStatus;
import dev.porter.supervisor.ComponentStatus;
import dev.porter.supervisor.ConnectionInfo;
import dev.porter.supervisor.Porter;
import dev.porter.supervisor.ReloadOutcome;
import dev.porter.supervisor.StartException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out control requests against a running porter and builds their replies. Runs on the
 * control server's worker threads: the calls into {@link Porter} wait for its supervisor thread.
 */
final class Commands {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  private final Porter porter;
  private final Supplier<ReloadOutcome> reload;

  Commands(Porter porter, Supplier<ReloadOutcome> reload) {
    this.porter = porter;
    this.reload = reload;
  }

  /**
   * The reply to {@code r}; {@code shutdown} only answers, the server triggers it after replying.
   * Whatever the command throws becomes an {@link Reply#INTERNAL} reply, logged here once.
   */
  Map<String, Object> execute(ControlRequest r) {
    try {
      return carryOut(r);
    } catch (RuntimeException | Error e) {
      // A bug or an exhausted resource, not the peer's doing: one line with what was thrown.
      String what = String.valueOf(e).replaceAll("\\s+", " ");
      log.error("control: {} failed: {}", r.command().word(), what);
      log.debug("control: {} failed", r.command().word(), e);
      return Reply.error(Reply.INTERNAL, r.command().word() + " failed: " + what);
    }
  }

  private Map<String, Object> carryOut(ControlRequest r) {
    try {
      switch (r.command()) {
        case LIST:
          return list();
        case STATUS:
          return status(r.name().orElseThrow());
        case START:
        case STOP:
        case RESTART:
          return steer(r);
        case RELOAD:
          return reload();
        case SHUTDOWN:
          {
            Map<String, Object> m = Reply.ok();
            m.put("message", "porter is shutting down");
            return m;
          }
        case CONNECTIONS:
          return connections();
        case LINKS:
          return links();
        default:
          throw new IllegalStateException("unhandled command " + r.command());
      }
    } catch (StartException e) {
      return Reply.error(Reply.FAILED, e.getMessage());
    }
  }

  private Map<String, Object> list() throws StartException {
    List<Object> rows = new ArrayList<>();
    for (ComponentStatus s : porter.status()) rows.add(component(s));
    Map<String, Object> m = Reply.ok();
    m.put("components", rows);
    return m;
  }

  private Map<String, Object> status(String name) throws StartException {
    Optional<ComponentStatus> s = find(name);
    if (s.isEmpty()) return unknown(name);
    Map<String, Object> m = Reply.ok();
    m.put("component", component(s.get()));
    return m;
  }

  private Map<String, Object> steer(ControlRequest r) throws StartException {
    String name = r.name().orElseThrow();
    if (find(name).isEmpty()) return unknown(name);
    switch (r.command()) {
      case START:
        porter.startComponent(name);
        break;
      case STOP:
        porter.stopComponent(name);
        break;
      default:
        porter.restartComponent(name);
        break;
    }
    return status(name);
  }

  private Map<String, Object> reload() {
    ReloadOutcome o = reload.get();
    if (!o.applied()) {
      return Reply.error(
          Reply.INVALID_CONFIG,
          "reload refused, the running configuration stays; " + o.lines().size() + " problem(s)",
          o.lines());
    }
    Map<String, Object> m = Reply.ok();
    m.put("changes", o.lines());
    return m;
  }

  private Map<String, Object> connections() {
    List<Object> rows = new ArrayList<>();
    for (ConnectionInfo c : porter.connections()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("client", c.client());
      row.put("component", c.component());
      row.put("age_ms", c.ageMillis());
      row.put("bytes_in", c.bytesIn());
      row.put("bytes_out", c.bytesOut());
      rows.add(row);
    }
    Map<String, Object> m = Reply.ok();
    m.put("connections", rows);
    return m;
  }

  private Map<String, Object> links() {
    List<Object> rows = new ArrayList<>();
    for (LinkStatus l : porter.links()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", l.name());
      row.put("state", l.state());
      row.put("peer", l.peer());
      row.put("streams", l.streams());
      row.put("bytes_in", l.bytesIn());
      row.put("bytes_out", l.bytesOut());
      row.put("sessions", l.sessions());
      row.put("tls", l.tls());
      rows.add(row);
    }
    Map<String, Object> m = Reply.ok();
    m.put("links", rows);
    return m;
  }

  private Optional<ComponentStatus> find(String name) throws StartException {
    return porter.status().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  private static Map<String, Object> unknown(String name) {
    return Reply.error(Reply.UNKNOWN_COMPONENT, "no component named \"" + name + "\"");
  }

  private static Map<String, Object> component(ComponentStatus s) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", s.name());
    row.put("mode", s.mode());
    row.put("state", s.state());
    row.put("pid", s.pid());
    row.put("socket", s.socket());
    row.put("connections", s.connections());
    row.put("total", s.total());
    row.put("refused", s.refused());
    row.put("restarts", s.restarts());
    row.put("last_exit", s.lastExit().orElse("-"));
    return row;
  }
}
