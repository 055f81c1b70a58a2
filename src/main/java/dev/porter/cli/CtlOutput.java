package dev.porter.cli;

import dev.porter.control.ControlRequest;
import java.util.List;
import java.util.Map;

/** How {@code porter ctl} shows a successful reply to a person: aligned tables and short lines. */
final class CtlOutput {
  private CtlOutput() {}

  static String render(ControlRequest request, Map<String, Object> reply) {
    switch (request.command()) {
      case LIST:
        {
          Table t = componentTable();
          for (Object c : list(reply.get("components"))) componentRow(t, map(c));
          return t.render();
        }
      case STATUS:
      case START:
      case STOP:
      case RESTART:
        {
          Table t = componentTable();
          componentRow(t, map(reply.get("component")));
          return t.render();
        }
      case RELOAD:
        {
          List<?> changes = list(reply.get("changes"));
          if (changes.isEmpty()) return "reload: no changes\n";
          StringBuilder sb = new StringBuilder();
          for (Object c : changes) sb.append("reload: ").append(c).append('\n');
          return sb.toString();
        }
      case CONNECTIONS:
        {
          Table t = new Table("CLIENT", "COMPONENT", "AGE", "IN", "OUT");
          for (Object o : list(reply.get("connections"))) {
            Map<?, ?> c = map(o);
            t.row(
                c.get("client"),
                c.get("component"),
                age(((Number) c.get("age_ms")).longValue()),
                c.get("bytes_in"),
                c.get("bytes_out"));
          }
          return t.render();
        }
      case LINKS:
        {
          Table t = new Table("LINK", "STATE", "PEER", "TLS", "STREAMS", "IN", "OUT", "SESSIONS");
          for (Object o : list(reply.get("links"))) {
            Map<?, ?> l = map(o);
            String peer = String.valueOf(l.get("peer"));
            t.row(
                l.get("name"),
                l.get("state"),
                peer.isEmpty() ? "-" : peer,
                Boolean.TRUE.equals(l.get("tls")) ? "yes" : "no",
                l.get("streams"),
                l.get("bytes_in"),
                l.get("bytes_out"),
                l.get("sessions"));
          }
          return t.render();
        }
      default:
        return reply.getOrDefault("message", "done") + "\n";
    }
  }

  private static Table componentTable() {
    return new Table(
        "NAME",
        "MODE",
        "STATE",
        "PID",
        "SOCKET",
        "CONN",
        "TOTAL",
        "REFUSED",
        "RESTARTS",
        "LAST-EXIT");
  }

  private static void componentRow(Table t, Map<?, ?> c) {
    Object pid = ((Number) c.get("pid")).longValue() == 0 ? "-" : c.get("pid");
    t.row(
        c.get("name"),
        c.get("mode"),
        c.get("state"),
        pid,
        c.get("socket"),
        c.get("connections"),
        c.get("total"),
        c.get("refused"),
        c.get("restarts"),
        c.get("last_exit"));
  }

  /** 42s, 3m07s, 2h05m: short and sortable by eye. */
  static String age(long millis) {
    long s = millis / 1000;
    if (s < 60) return s + "s";
    if (s < 3600) return String.format("%dm%02ds", s / 60, s % 60);
    return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  private static List<?> list(Object o) {
    return o instanceof List ? (List<?>) o : List.of();
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map ? (Map<?, ?>) o : Map.of();
  }
}
