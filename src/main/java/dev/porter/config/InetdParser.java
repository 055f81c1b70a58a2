package dev.porter.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads inetd.conf text (openbsd-inetd, inetutils-inetd and netkit syntax) into the lines porter
 * can express, and the lines it cannot, each with the reason.
 *
 * <p>A line is {@code [addr:]service socket-type protocol wait[.max] user[:group|.group]
 * server-program [args...]}; {@code #} starts a comment; a line holding only {@code addr:} sets the
 * address of the lines after it (openbsd-inetd; {@code *:} means all addresses again). There are no
 * continuation lines.
 */
final class InetdParser {
  /** A line porter cannot express, and why. */
  record Skipped(int line, String text, String service, String reason) {}

  /** What a file holds: the lines to convert and the lines left out, each in file order. */
  record Parsed(List<InetdEntry> entries, List<Skipped> skipped) {}

  // service socket-type protocol wait user server-program: the fields every service line has.
  private static final int FIELDS = 6;

  private final List<InetdEntry> entries = new ArrayList<>();
  private final List<Skipped> skipped = new ArrayList<>();
  private Optional<String> defaultHost = Optional.empty();

  private InetdParser() {}

  static Parsed parse(String text) {
    InetdParser p = new InetdParser();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) p.line(i + 1, lines[i]);
    return new Parsed(List.copyOf(p.entries), List.copyOf(p.skipped));
  }

  /** Why a line cannot be converted; thrown and caught inside the parser only. */
  private static final class Unconvertible extends Exception {
    Unconvertible(String reason) {
      super(reason, null, false, false);
    }
  }

  private void line(int number, String raw) {
    String text = raw.strip();
    if (text.isEmpty() || text.startsWith("#")) return;
    String[] f = text.split("\\s+");
    if (f.length == 1 && f[0].endsWith(":")) {
      String h = f[0].substring(0, f[0].length() - 1);
      defaultHost = host(h);
      return;
    }
    try {
      entries.add(entry(number, text, f));
    } catch (Unconvertible e) {
      skipped.add(new Skipped(number, text, f[0], e.getMessage()));
    }
  }

  private InetdEntry entry(int number, String text, String[] f) throws Unconvertible {
    if (f.length < FIELDS) {
      throw new Unconvertible(
          "expected at least "
              + FIELDS
              + " fields (service socket-type protocol wait user server-program), got "
              + f.length);
    }
    String socketType = f[1];
    String protocol = f[2].toLowerCase(Locale.ROOT);
    if (protocol.startsWith("rpc/"))
      throw new Unconvertible(
          "RPC services (" + f[2] + ") are not supported: porter has no portmapper registration");
    if (protocol.startsWith("udp"))
      throw new Unconvertible("protocol " + f[2] + ": porter serves TCP only");
    if (socketType.equals("dgram"))
      throw new Unconvertible("socket type dgram: porter serves TCP streams only");
    if (!socketType.equals("stream"))
      throw new Unconvertible("socket type " + socketType + ": porter serves TCP streams only");
    boolean v6;
    switch (protocol) {
      case "tcp":
      case "tcp4":
        v6 = false;
        break;
      case "tcp6":
      case "tcp46":
        v6 = true;
        break;
      default:
        throw new Unconvertible(
            "protocol " + f[2] + " is not one porter serves (tcp, tcp4, tcp6, tcp46)");
    }

    // [addr:]service, the address up to the last ':' (openbsd-inetd), [brackets] allowed for IPv6.
    String service = f[0];
    Optional<String> host = defaultHost;
    int colon = service.lastIndexOf(':');
    if (colon >= 0) {
      host = host(service.substring(0, colon));
      service = service.substring(colon + 1);
    }
    boolean tcpmux = false;
    boolean plus = false;
    if (service.startsWith("tcpmux/")) {
      tcpmux = true;
      service = service.substring("tcpmux/".length());
      if (service.startsWith("+")) {
        plus = true;
        service = service.substring(1);
      }
      if (service.isEmpty()) throw new Unconvertible("tcpmux/ without a service name");
    } else if (service.indexOf('/') >= 0) {
      throw new Unconvertible(
          "service "
              + service
              + " looks like an RPC service: porter has no portmapper registration");
    }
    if (service.isEmpty()) throw new Unconvertible("no service name");
    if (host.isPresent()) {
      boolean literal6 = host.get().indexOf(':') >= 0;
      if (literal6 && !v6)
        throw new Unconvertible(
            "IPv6 address " + host.get() + " with protocol " + f[2] + " (use tcp6)");
      if (!literal6 && v6 && isIpv4(host.get())) {
        throw new Unconvertible(
            "IPv4 address " + host.get() + " with protocol " + f[2] + " (use tcp)");
      }
    }

    // wait[.max] / nowait[.max]: max is spawns per 60 seconds (openbsd-inetd, netkit, inetutils).
    String[] w = f[3].split("\\.", 2);
    boolean wait;
    switch (w[0]) {
      case "wait":
        wait = true;
        break;
      case "nowait":
        wait = false;
        break;
      default:
        throw new Unconvertible(
            "the wait field must be wait or nowait[.max], got \"" + f[3] + "\"");
    }
    int maxRate = 0;
    if (w.length == 2) {
      if (w[1].isEmpty()
          || w[1].length() > 9
          || !w[1].chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(w[1]) < 1) {
        throw new Unconvertible("the max in \"" + f[3] + "\" must be a number of at least 1");
      }
      maxRate = Integer.parseInt(w[1]);
    }

    // user[:group] or user[.group]; ':' first, as both openbsd-inetd and inetutils look for it
    // first.
    String user = f[4];
    Optional<String> group = Optional.empty();
    int sep = user.indexOf(':');
    if (sep < 0) sep = user.indexOf('.');
    if (sep >= 0) {
      group = Optional.of(user.substring(sep + 1));
      user = user.substring(0, sep);
      if (group.get().isEmpty()) group = Optional.empty();
    }
    if (user.isEmpty()) throw new Unconvertible("no user in \"" + f[4] + "\"");

    boolean internal = f[5].equals("internal");
    if (internal && wait) {
      throw new Unconvertible(
          "wait with internal: porter serves built-in services one connection at a time, not from"
              + " the listening socket");
    }
    if (wait && tcpmux) {
      throw new Unconvertible(
          "wait with a tcpmux service: a subordinate gets its connection, never the listening"
              + " socket");
    }
    List<String> args = List.copyOf(Arrays.asList(f).subList(FIELDS, f.length));
    return new InetdEntry(
        number,
        text,
        host,
        service,
        tcpmux,
        plus,
        v6,
        wait,
        maxRate,
        user,
        group,
        internal,
        internal ? "" : f[5],
        args);
  }

  // "*" (or nothing) is every address; "[v6]" loses its brackets.
  private static Optional<String> host(String h) {
    if (h.isEmpty() || h.equals("*")) return Optional.empty();
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    return Optional.of(h);
  }

  private static boolean isIpv4(String h) {
    return h.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
  }
}
