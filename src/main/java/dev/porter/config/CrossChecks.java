package dev.porter.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The checks that relate components to each other: masters and their subordinates, mux links and
 * their exits and entrances, prerequisites, and sockets used twice.
 */
final class CrossChecks {
  /** A socket porter listens on, and the statement that asks for it. */
  record Listener(Endpoint endpoint, String key, ConfigValue at) {}

  private final Values values;
  private final Map<String, Draft> byName = new LinkedHashMap<>();

  private CrossChecks(Values values, List<Draft> drafts) {
    this.values = values;
    for (Draft d : drafts) byName.put(d.name, d);
  }

  static void check(Values values, List<Draft> drafts, List<Listener> globalListeners) {
    CrossChecks c = new CrossChecks(values, drafts);
    c.masters();
    c.muxLinks();
    c.prerequisites();
    c.sockets(globalListeners);
  }

  private void masters() {
    Map<String, Map<String, Draft>> services = new HashMap<>();
    for (Draft d : byName.values()) {
      if (d.master == null) continue;
      Draft m = byName.get(d.master);
      if (m == null) {
        values.problem(
            d.at("tcpmux-master"),
            d.key("tcpmux-master"),
            "no component \"" + d.master + "\"" + Suggest.didYouMean(d.master, byName.keySet()));
        continue;
      }
      if (m.builtin != Builtin.TCPMUX) {
        values.problem(
            d.at("tcpmux-master"),
            d.key("tcpmux-master"),
            "component \""
                + d.master
                + "\" is not a tcpmux master (a master has builtin = tcpmux)");
        continue;
      }
      uniqueService(
          d, services.computeIfAbsent(d.master, k -> new HashMap<>()), "master " + d.master);
    }
  }

  private void muxLinks() {
    Map<String, Map<String, Draft>> exits = new HashMap<>();
    for (Draft d : byName.values()) {
      if (d.muxLink != null && isMuxLink(d, d.muxLink, d.at("mux-link"), d.key("mux-link"))) {
        uniqueService(
            d, exits.computeIfAbsent(d.muxLink, k -> new HashMap<>()), "mux link " + d.muxLink);
      }
      if (d.route != null && d.route.scheme() == Endpoint.Scheme.MUX) {
        isMuxLink(d, d.route.muxLink(), d.at("route"), d.key("route"));
      }
    }
  }

  private boolean isMuxLink(Draft d, String link, ConfigValue at, String key) {
    Draft l = byName.get(link);
    if (l == null) {
      values.problem(
          at, key, "no component \"" + link + "\"" + Suggest.didYouMean(link, byName.keySet()));
      return false;
    }
    if (l.mode != Mode.MUX) {
      values.problem(
          at,
          key,
          "component \""
              + link
              + "\" is not a mux link (a link has mode = mux and mux.listen, mux.connect or"
              + " mux.command)");
      return false;
    }
    return true;
  }

  // RFC 1078: service names are case-insensitive; "help" is answered by the master itself.
  private void uniqueService(Draft d, Map<String, Draft> seen, String under) {
    String service = d.service != null ? d.service : d.name;
    ConfigValue at = d.has("service") ? d.at("service") : null;
    String key = d.has("service") ? d.key("service") : "components." + d.name;
    String folded = service.toLowerCase(Locale.ROOT);
    String problem = null;
    if (folded.equals("help")) {
      problem =
          "service name \"" + service + "\" is reserved: \"help\" lists the services of " + under;
    } else if (seen.containsKey(folded)) {
      Draft other = seen.get(folded);
      problem =
          "service \""
              + service
              + "\" is already served by component "
              + other.name
              + " under "
              + under
              + " (service names are case-insensitive)";
    } else {
      seen.put(folded, d);
    }
    if (problem == null) return;
    if (at != null) values.problem(at, key, problem);
    else values.problems().add(d.origin, key, problem);
  }

  private void prerequisites() {
    for (Draft d : byName.values()) {
      if (d.prerequisites == null) continue;
      for (String p : d.prerequisites) {
        if (!byName.containsKey(p)) {
          values.problem(
              d.at("prerequisites"),
              d.key("prerequisites"),
              "no component \"" + p + "\"" + Suggest.didYouMean(p, byName.keySet()));
        }
      }
    }
    Function<String, List<String>> prerequisites =
        name -> {
          List<String> p = byName.get(name).prerequisites;
          return p == null ? List.of() : p;
        };
    for (List<String> cycle : Cycles.find(byName.keySet(), prerequisites)) {
      Draft first = byName.get(cycle.get(0));
      values.problem(
          first.at("prerequisites"),
          first.key("prerequisites"),
          Cycles.describe("prerequisite", cycle));
    }
  }

  private void sockets(List<Listener> globalListeners) {
    List<Listener> all = new ArrayList<>(globalListeners);
    for (Draft d : byName.values()) {
      if (d.socket != null) all.add(new Listener(d.socket, d.key("socket"), d.at("socket")));
      if (d.muxListen != null) {
        all.add(
            new Listener(
                d.muxListen, d.key("mux.listen"), ((ConfigObject) d.at("mux")).get("listen")));
      }
    }
    for (int i = 0; i < all.size(); i++) {
      for (int j = 0; j < i; j++) {
        Listener a = all.get(j);
        Listener b = all.get(i);
        String clash = clash(a.endpoint(), b.endpoint());
        if (clash != null) {
          values.problem(
              b.at(),
              b.key(),
              String.format(
                  clash, "\"" + b.endpoint() + "\"", "\"" + a.endpoint() + "\" of " + a.key()));
          break;
        }
      }
    }
  }

  /**
   * Why two listeners cannot both bind (a format of the second, then the first), or null when they
   * can.
   */
  private static String clash(Endpoint a, Endpoint b) {
    if (a.scheme() != b.scheme()) return null;
    if (a.scheme() == Endpoint.Scheme.UNIX)
      return a.identity().equals(b.identity()) ? "%s is the same socket as %s" : null;
    if (a.port() == 0 || a.port() != b.port())
      return null; // port 0: the kernel picks a free port for each
    if (a.identity().equals(b.identity())) return "%s is the same socket as %s";
    // A wildcard address takes the port on every address of its family (and "::" takes IPv4 too,
    // Linux's default bindv6only=0), so a specific address on the same port cannot bind.
    if (covers(a.host(), b.host()) || covers(b.host(), a.host()))
      return "%s overlaps %s (a wildcard address takes its port on every address)";
    return null;
  }

  private static boolean covers(String wildcard, String other) {
    if (wildcard.equals("::") || wildcard.equals("0:0:0:0:0:0:0:0")) return true;
    return wildcard.equals("0.0.0.0") && other.indexOf(':') < 0;
  }
}
