package dev.porter.config;

import com.typesafe.config.ConfigObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The checks that need one component only: what serves it, which mode it runs in (and the default
 * mode), and statements that cannot work together. Problems are reported at the statement that is
 * out of place, or at the component when a combination is wrong or something is missing.
 */
final class ComponentRules {
  // Statements that configure a spawned program; on anything else they would be silently ignored.
  private static final List<String> PROCESS_KEYS =
      List.of(
          "user", "group", "umask", "chdir", "env", "limits", "stdout", "stderr", "return-code");
  private static final Set<Flag> PROCESS_FLAGS =
      EnumSet.of(
          Flag.SHELL, Flag.EXPANDENV, Flag.SOCKENV, Flag.RESOLVE, Flag.NULLINPUT, Flag.PRECIOUS);
  private static final List<String> ENTRY_KEYS = List.of("socket", "tcpmux-master", "mux-link");

  private final Values values;
  private final Draft d;

  private ComponentRules(Values values, Draft d) {
    this.values = values;
    this.d = d;
  }

  /** Decides {@code d.mode} (explicit or default) and reports what cannot work in {@code d}. */
  static void check(Draft d, Values values) {
    new ComponentRules(values, d).run();
  }

  private void component(String message) {
    values.problems().add(d.origin, "components." + d.name, message);
  }

  private void at(String statement, String message) {
    values.problem(d.at(statement), d.key(statement), message);
  }

  private void run() {
    boolean explicitMode = d.has("mode");
    if (explicitMode && d.mode == null)
      return; // an unknown mode is reported; checks would only guess
    if (!explicitMode) d.mode = defaultMode();
    servers();
    tcpmuxRoles();
    mode(explicitMode);
    flags();
    statementsInPlace();
  }

  // DESIGN.md §4: mux when mux.* is set; inetd when connections come from a socket, a master or a
  // link; respawn otherwise.
  // A builtin, route or pass-fd-socket serves connections, so without an entry such a component
  // is still an inetd one (and is told it lacks a socket) rather than a respawn without command.
  private Mode defaultMode() {
    if (d.has("mux")) return Mode.MUX;
    boolean entry = ENTRY_KEYS.stream().anyMatch(d::has);
    if (d.has("pass-fd-socket") && !d.has("command")) return Mode.PASS_FD;
    if (entry || d.has("builtin") || d.has("route")) return Mode.INETD;
    return Mode.RESPAWN;
  }

  private List<String> serverKeys() {
    List<String> s = new ArrayList<>();
    for (String k : List.of("command", "builtin", "route", "pass-fd-socket"))
      if (d.has(k)) s.add(k);
    // The telnet proxy is a builtin that relays to its route: the pair is one server.
    if (d.builtin == Builtin.TELNET_PROXY) s.remove("route");
    return s;
  }

  private void servers() {
    List<String> s = serverKeys();
    if (d.builtin != null && d.builtin != Builtin.TELNET_PROXY && d.has("route")) {
      at(
          "route",
          "route cannot be combined with builtin "
              + d.builtin.configName()
              + " (only builtin telnet-proxy relays to a route)");
      s.remove("route");
    }
    if (s.size() > 1) {
      component(
          "is served by exactly one of command, builtin, route or pass-fd-socket; it has "
              + String.join(" and ", s));
    }
    if (d.builtin == Builtin.TELNET_PROXY && !d.has("route")) {
      at("builtin", "builtin telnet-proxy needs a route (the TELNET server to relay to)");
    }
  }

  private void tcpmuxRoles() {
    if (d.builtin == Builtin.TCPMUX) {
      if (!d.has("socket")) at("builtin", "a tcpmux master needs a socket to listen on");
      if (d.isSubordinate())
        at("tcpmux-master", "a tcpmux master cannot be another master's subordinate");
      if (d.isMuxExit()) at("mux-link", "a tcpmux master cannot be a mux exit");
    }
    if (d.isSubordinate() && d.has("socket") && d.builtin != Builtin.TCPMUX) {
      at(
          "socket",
          "a tcpmux subordinate is reached through its master and cannot have a socket of its own");
    }
    if (d.isMuxExit() && d.has("socket")) {
      at("socket", "a mux exit is reached through its link and cannot have a socket of its own");
    }
    if (d.isSubordinate() && d.isMuxExit()) {
      at("mux-link", "a component cannot be both a tcpmux subordinate and a mux exit");
    }
  }

  private void mode(boolean explicit) {
    Mode m = d.mode;
    String name = m.configName();
    boolean entry = ENTRY_KEYS.stream().anyMatch(d::has);
    switch (m) {
      case INETD:
      case ACCEPT:
      case PASS_FD:
        // A master without a socket is told so by tcpmuxRoles.
        if (!entry && d.builtin != Builtin.TCPMUX) {
          component(
              "mode "
                  + name
                  + " needs a socket, a tcpmux-master or a mux-link to take connections from");
        }
        break;
      default:
        for (String k : ENTRY_KEYS) {
          if (d.has(k)) at(k, k + " is for modes inetd, accept and pass-fd, not " + name);
        }
    }
    switch (m) {
      case INETD:
        if (serverKeys().isEmpty()) {
          component(
              "has nothing to serve its connections: give command, builtin, route or"
                  + " pass-fd-socket");
        }
        if (d.has("pass-fd-socket")) at("pass-fd-socket", "pass-fd-socket needs mode pass-fd");
        break;
      case ACCEPT:
        if (!d.has("command")) component("mode accept needs a command to run for each connection");
        if (d.has("pass-fd-socket")) at("pass-fd-socket", "pass-fd-socket needs mode pass-fd");
        break;
      case PASS_FD:
        if (!d.has("pass-fd-socket"))
          component("mode pass-fd needs pass-fd-socket (the daemon's unix socket)");
        break;
      case RESPAWN:
      case STARTUP:
      case SHUTDOWN:
        if (!d.has("command")) component("mode " + name + " needs a command");
        if (d.has("pass-fd-socket")) at("pass-fd-socket", "pass-fd-socket needs mode pass-fd");
        break;
      case MUX:
        muxLink(explicit);
        break;
      default:
        throw new AssertionError(m);
    }
    if (m != Mode.MUX && d.has("mux"))
      at("mux", "mux.* configures a mux link and needs mode mux, not " + name);
  }

  private void muxLink(boolean explicit) {
    for (String k : List.of("command", "builtin", "route", "pass-fd-socket")) {
      if (d.has(k))
        at(
            k,
            k
                + " has no meaning for a mux link (mode mux): the link carries other components'"
                + " connections");
    }
    if (!d.has("mux")) {
      component("mode mux needs one of mux.listen, mux.connect or mux.command");
      return;
    }
    if (!(d.at("mux") instanceof ConfigObject)) return;
    ConfigObject mux = (ConfigObject) d.at("mux");
    List<String> given = new ArrayList<>();
    for (String k : ComponentReader.MUX_WAYS) if (mux.containsKey(k)) given.add("mux." + k);
    boolean typo =
        !ComponentReader.MUX_KEYS.containsAll(mux.keySet()); // reported as an unknown key
    if (given.size() > 1 || (given.isEmpty() && !typo)) {
      at(
          "mux",
          "a mux link needs exactly one of mux.listen, mux.connect or mux.command"
              + (given.isEmpty() ? "" : "; it has " + String.join(" and ", given)));
    }
  }

  private void flags() {
    if (!d.has("flags")) {
      if (d.isSubordinate() || d.isMuxExit()) d.flags.add(Flag.TCPMUXPLUS);
      return;
    }
    boolean tcpmux = d.flags.contains(Flag.TCPMUX);
    boolean plus = d.flags.contains(Flag.TCPMUXPLUS);
    if (tcpmux || plus) {
      if (!d.isSubordinate() && !d.isMuxExit()) {
        at(
            "flags",
            "flag "
                + (tcpmux ? "tcpmux" : "tcpmuxplus")
                + " is only for tcpmux subordinates (set tcpmux-master) and mux exits");
      } else if (tcpmux && plus) {
        at(
            "flags",
            "flags tcpmux and tcpmuxplus exclude each other: tcpmux means the program sends its own"
                + " \"+\" reply");
      } else if (tcpmux && !d.has("command") && !d.has("route")) {
        at(
            "flags",
            "flag tcpmux means the program sends its own \"+\" reply; a builtin is answered by"
                + " porter (tcpmuxplus)");
      }
    } else if (d.isSubordinate() || d.isMuxExit()) {
      d.flags.add(Flag.TCPMUXPLUS); // porter answers "+" unless the program does (flag tcpmux)
    }
    if (d.flags.contains(Flag.WAIT)
        && (d.mode != Mode.INETD || !d.has("socket") || !d.has("command"))) {
      at(
          "flags",
          "flag wait hands the listening socket to the program: it needs mode inetd, a socket and a"
              + " command");
    }
    if (!d.runsCommand() && !needsCommand()) {
      for (Flag f : d.flags) {
        if (PROCESS_FLAGS.contains(f)) {
          at(
              "flags",
              "flag "
                  + f.configName()
                  + " applies to a program, and this component runs no command");
        }
      }
    }
  }

  // Modes that need a command already say it is missing; saying it again per statement is noise.
  private boolean needsCommand() {
    return EnumSet.of(Mode.ACCEPT, Mode.RESPAWN, Mode.STARTUP, Mode.SHUTDOWN).contains(d.mode);
  }

  // A mux link takes connections too: its acl says who may establish the link.
  private boolean takesConnections() {
    return !EnumSet.of(Mode.RESPAWN, Mode.STARTUP, Mode.SHUTDOWN).contains(d.mode);
  }

  private void statementsInPlace() {
    if (!d.runsCommand() && !needsCommand()) {
      for (String k : PROCESS_KEYS) {
        if (d.has(k)) at(k, k + " applies to a program, and this component runs no command");
      }
    }
    if (!takesConnections()) {
      for (String k : List.of("acl", "max-instances", "max-rate")) {
        if (d.has(k))
          at(k, k + " applies to connections, and mode " + d.mode.configName() + " takes none");
      }
    }
    if (d.proxyProtocol == ProxyProtocol.ACCEPT && !d.has("socket")) {
      at(
          "proxy-protocol",
          "proxy-protocol = accept reads the header on a socket: this component has no socket");
    }
    if (d.proxyProtocol == ProxyProtocol.ACCEPT && !d.has("proxy-protocol-from")) {
      // The header names any client its sender likes: believed from anyone, it would get past every
      // ACL.
      at(
          "proxy-protocol",
          "proxy-protocol = accept needs proxy-protocol-from: the load balancers allowed to send"
              + " the header (an ACL name or a list such as [ \"allow from 10.0.0.5\", \"deny any\""
              + " ]); from anyone else a header could claim any client address");
    }
    if (d.has("proxy-protocol-from") && d.proxyProtocol != ProxyProtocol.ACCEPT) {
      at("proxy-protocol-from", "proxy-protocol-from applies with proxy-protocol = accept");
    }
    if ((d.proxyProtocol == ProxyProtocol.SEND_V1 || d.proxyProtocol == ProxyProtocol.SEND_V2)
        && !d.has("route")) {
      at(
          "proxy-protocol",
          "proxy-protocol = send-v1/send-v2 sends the header on a route: this component has no"
              + " route");
    }
    if (d.has("telnet-log") && d.builtin != Builtin.TELNET_PROXY) {
      at("telnet-log", "telnet-log is for builtin telnet-proxy");
    }
    if (d.has("telnet-compress-from-client") && d.builtin != Builtin.TELNET_PROXY) {
      at("telnet-compress-from-client", "telnet-compress-from-client is for builtin telnet-proxy");
    }
    if (d.has("max-instances-message") && !d.has("max-instances")) {
      at("max-instances-message", "max-instances-message is sent only when max-instances is set");
    }
    if (d.has("idle-timeout") && !d.has("route")) {
      at("idle-timeout", "idle-timeout applies to routes, and this component has no route");
    }
    if (d.has("send-timeout") && !d.has("route")) {
      at("send-timeout", "send-timeout applies to routes, and this component has no route");
    }
    if (d.has("connect-timeout") && !d.has("route") && d.muxConnect == null) {
      at(
          "connect-timeout",
          "connect-timeout applies to routes and mux.connect, and this component has neither");
    }
    if (d.has("name-timeout") && d.builtin != Builtin.TCPMUX && d.mode != Mode.MUX) {
      at(
          "name-timeout",
          "name-timeout applies to tcpmux masters and mux links (the time a client has to name a"
              + " service)");
    }
    if (d.route != null && d.route.scheme() == Endpoint.Scheme.INET && d.route.port() == 0) {
      at("route", "a route needs a real port, got 0 in \"" + d.route + "\"");
    }
    if (d.muxConnect != null
        && d.muxConnect.scheme() == Endpoint.Scheme.INET
        && d.muxConnect.port() == 0) {
      values.problem(
          ((ConfigObject) d.at("mux")).get("connect"),
          d.key("mux.connect"),
          "mux.connect needs a real port, got 0 in \"" + d.muxConnect + "\"");
    }
  }
}
