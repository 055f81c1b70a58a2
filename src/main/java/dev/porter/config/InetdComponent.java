package dev.porter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One component being made from inetd.conf lines: usually one line, two when a {@code tcp} and a
 * {@code tcp6} line for the same server become one dual-stack listener, none for the TCPMUX master
 * that {@code tcpmux/} lines imply.
 */
final class InetdComponent {
  private final List<InetdEntry> lines = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final InetdEntry first;
  private final Optional<Builtin> builtin;
  private String name = "";
  private boolean implicitMaster;
  private Optional<String> host = Optional.empty();
  private boolean v6;
  private int port;
  private Optional<String> master = Optional.empty();

  InetdComponent(InetdEntry first, Optional<Builtin> builtin) {
    this.first = first;
    this.builtin = builtin;
    lines.add(first);
  }

  void name(String n) {
    name = n;
  }

  String name() {
    return name;
  }

  /** Not from a line of its own: the master that inetd runs for the {@code tcpmux/} lines. */
  void implicitMaster() {
    implicitMaster = true;
    lines.clear();
  }

  boolean isImplicitMaster() {
    return implicitMaster;
  }

  /** The line it is shown at: its first line, or the first tcpmux/ line that needs it. */
  int sortLine() {
    return first.line();
  }

  void socket(Optional<String> h, boolean six, int p) {
    host = h;
    v6 = six;
    port = p;
  }

  void subordinateOf(String masterName) {
    master = Optional.of(masterName);
  }

  /** Another line for the same server: a tcp6 line widens a wildcard listener to [::]. */
  void mergeDualStack(InetdEntry e) {
    lines.add(e);
    if (e.v6() && master.isEmpty()) v6 = true;
  }

  /** A wildcard master asked for by a tcp6 tcpmux/ line listens on [::]. */
  void takeIpv6(InetdEntry because) {
    v6 = true;
    notes.add("on [::] (IPv4 and IPv6) for the tcp6 line " + because.line());
  }

  List<InetdEntry> lines() {
    return lines;
  }

  List<String> notes() {
    return notes;
  }

  Optional<String> host() {
    return host;
  }

  boolean v6() {
    return v6;
  }

  int port() {
    return port;
  }

  Optional<String> master() {
    return master;
  }

  boolean isMaster() {
    return builtin.filter(b -> b == Builtin.TCPMUX).isPresent();
  }

  Optional<Builtin> builtin() {
    return builtin;
  }

  InetdEntry first() {
    return first;
  }

  String service() {
    return first.service();
  }

  String socketUrl() {
    String h = host.orElse(v6 ? "::" : "0.0.0.0");
    return "inet://" + (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
  }

  /** Equal for two lines that a single component serves alike (all but the address family). */
  String serves() {
    InetdEntry e = first;
    return builtin.map(Builtin::configName).orElse("")
        + "|"
        + e.tcpmuxPlus()
        + "|"
        + e.waits()
        + "|"
        + e.maxRate()
        + "|"
        + e.user()
        + "|"
        + e.group().orElse("")
        + "|"
        + e.program()
        + "|"
        + String.join("\0", e.args());
  }
}
