package dev.porter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns an inetd.conf into porter HOCON: one component per service line, {@code tcpmux/} lines as
 * subordinates of a TCPMUX master, {@code internal} services as porter's builtins. Lines porter
 * cannot express are reported and left out; the output is the same for the same input.
 */
public final class InetdConverter {
  // inetd's internal TCP services that porter also serves (openbsd-inetd, inetutils, netkit).
  private static final Map<String, Builtin> INTERNAL =
      Map.of(
          "echo",
          Builtin.ECHO,
          "discard",
          Builtin.DISCARD,
          "daytime",
          Builtin.DAYTIME,
          "time",
          Builtin.TIME,
          "chargen",
          Builtin.CHARGEN,
          "tcpmux",
          Builtin.TCPMUX);

  private final InetdServices services;
  private final List<InetdComponent> components = new ArrayList<>();
  private final List<InetdParser.Skipped> skipped = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  private InetdConverter(InetdServices services) {
    this.services = services;
  }

  /** Converts inetd.conf text; {@code sourceName} names the file in comments and problems. */
  public static InetdConversion convert(String text, String sourceName, InetdServices services) {
    InetdConverter c = new InetdConverter(services);
    InetdParser.Parsed parsed = InetdParser.parse(text);
    c.skipped.addAll(parsed.skipped());
    // Masters and sockets first, so that tcpmux/ lines find a master declared anywhere in the file.
    for (InetdEntry e : parsed.entries()) if (!e.tcpmux()) c.socketLine(e);
    for (InetdEntry e : parsed.entries()) if (e.tcpmux()) c.subordinateLine(e);
    c.skipped.sort(Comparator.comparingInt(InetdParser.Skipped::line));
    List<String> problems = new ArrayList<>();
    for (InetdParser.Skipped s : c.skipped) {
      problems.add(
          sourceName + ":" + s.line() + ": cannot convert " + s.service() + ": " + s.reason());
    }
    return new InetdConversion(InetdRenderer.render(sourceName, c.components, c.skipped), problems);
  }

  /**
   * Reads and converts an inetd.conf. Bytes that are not UTF-8 (an old Latin-1 comment) become
   * U+FFFD rather than failing the file.
   */
  public static InetdConversion convert(Path file, InetdServices services) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      String why =
          e instanceof java.nio.file.NoSuchFileException
              ? "no such file"
              : e instanceof java.nio.file.AccessDeniedException
                  ? "permission denied"
                  : String.valueOf(e.getMessage());
      throw new ConfigException(file + ": cannot read: " + why);
    }
    return convert(new String(bytes, StandardCharsets.UTF_8), file.toString(), services);
  }

  /**
   * Reads, converts and validates an inetd.conf; each line left out goes to {@code skipped} as
   * {@code FILE:LINE: cannot convert SERVICE: why}.
   */
  public static PorterConfig load(Path file, InetdServices services, Consumer<String> skipped)
      throws ConfigException {
    InetdConversion c = convert(file, services);
    c.skipped().forEach(skipped);
    return ConfigLoader.parse(c.hocon(), file + " (converted from inetd.conf syntax)");
  }

  private void skip(InetdEntry e, String reason) {
    skipped.add(new InetdParser.Skipped(e.line(), e.text(), e.label(), reason));
  }

  private void socketLine(InetdEntry e) {
    Optional<Builtin> builtin = Optional.empty();
    if (e.internal()) {
      Builtin b = INTERNAL.get(e.service());
      if (b == null) {
        skip(
            e,
            "internal service "
                + e.service()
                + " is not one porter serves (echo, discard, daytime, time, chargen, tcpmux)");
        return;
      }
      builtin = Optional.of(b);
    } else if (!checkProgram(e)) {
      return;
    }
    OptionalInt port = services.port(e.service());
    if (port.isEmpty()) {
      skip(e, "unknown service " + e.service() + " (not in /etc/services; write the port number)");
      return;
    }
    InetdComponent c = new InetdComponent(e, builtin);
    c.socket(e.host(), e.v6(), port.getAsInt());
    if (!validSocket(e, c)) return;
    for (InetdComponent other : components) {
      if (other.master().isPresent()) continue;
      String clash = clash(other, c);
      if (clash == null) continue;
      if (dualStack(other, c)) {
        other.mergeDualStack(e);
      } else {
        skip(e, clash);
      }
      return;
    }
    c.name(
        unique(
            builtin.filter(b -> b == Builtin.TCPMUX).isPresent() ? "tcpmux" : name(e.service())));
    components.add(c);
  }

  private void subordinateLine(InetdEntry e) {
    Optional<Builtin> builtin = Optional.empty();
    if (e.internal()) {
      Builtin b = INTERNAL.get(e.service());
      if (b == null || b == Builtin.TCPMUX) {
        skip(
            e,
            "internal service "
                + e.service()
                + " is not one porter serves (echo, discard, daytime, time, chargen)");
        return;
      }
      builtin = Optional.of(b);
    } else if (!checkProgram(e)) {
      return;
    }
    // RFC 1078: "help" is the master's own; names are case-insensitive.
    if (e.service().equalsIgnoreCase("help")) {
      skip(
          e,
          "the service name help is reserved: the TCPMUX master answers it with the list of"
              + " services");
      return;
    }
    Optional<InetdComponent> master = master(e);
    if (master.isEmpty()) return;
    InetdComponent c = new InetdComponent(e, builtin);
    c.subordinateOf(master.get().name());
    for (InetdComponent other : components) {
      if (!other.master().equals(c.master()) || !other.service().equalsIgnoreCase(c.service()))
        continue;
      if (other.serves().equals(c.serves())) {
        other.mergeDualStack(e);
      } else {
        skip(
            e,
            "tcpmux service "
                + e.service()
                + " is already served by line "
                + other.lines().get(0).line()
                + " (service names are case-insensitive)");
      }
      return;
    }
    c.name(unique("tcpmux-" + name(e.service())));
    components.add(c);
  }

  // The master on the line's address: a tcpmux internal line, or one made for the tcpmux/ lines as
  // inetd does implicitly. A wildcard master takes IPv6 too when a tcp6 line needs it, and takes a
  // line with an address of its own when no master listens there (inetd finds tcpmux services by
  // name, whatever address their line gives).
  private Optional<InetdComponent> master(InetdEntry e) {
    Optional<InetdComponent> found = masterOn(e.host());
    if (found.isEmpty() && e.host().isPresent()) found = masterOn(Optional.empty());
    if (found.isPresent()) {
      InetdComponent m = found.get();
      if (e.v6() && !m.v6() && m.host().isEmpty()) m.takeIpv6(e);
      return found;
    }
    OptionalInt port = services.port("tcpmux");
    InetdComponent m = new InetdComponent(e, Optional.of(Builtin.TCPMUX));
    m.implicitMaster();
    m.socket(e.host(), e.v6(), port.orElse(1));
    if (!validSocket(e, m)) return Optional.empty();
    for (InetdComponent other : components) {
      if (other.master().isPresent()) continue;
      String clash = clash(other, m);
      if (clash != null) {
        skip(e, "its TCPMUX master cannot listen: " + clash);
        return Optional.empty();
      }
    }
    m.name(unique("tcpmux"));
    components.add(m);
    return Optional.of(m);
  }

  private Optional<InetdComponent> masterOn(Optional<String> host) {
    return components.stream().filter(m -> m.isMaster() && m.host().equals(host)).findFirst();
  }

  // tcpd finds the real daemon through argv[0], which porter does not set apart from the program.
  private boolean checkProgram(InetdEntry e) {
    String base = e.program().substring(e.program().lastIndexOf('/') + 1);
    if (base.equals("tcpd")) {
      skip(
          e,
          "tcpd needs argv[0] to name the real daemon, and porter runs a program under its own"
              + " path; run the daemon directly and put hosts.allow rules in acl");
      return false;
    }
    return true;
  }

  private boolean validSocket(InetdEntry e, InetdComponent c) {
    try {
      Endpoint.parse(c.socketUrl());
      return true;
    } catch (ConfigException x) {
      skip(e, x.problems().get(0));
      return false;
    }
  }

  // Mirrors CrossChecks: the same port on the same address, or under a wildcard of the family.
  private static String clash(InetdComponent a, InetdComponent b) {
    if (a.port() != b.port()) return null;
    String at = "port " + b.port() + " is already taken by line " + a.lines().get(0).line();
    if (a.host().equals(b.host()) && (a.host().isPresent() || a.v6() == b.v6())) return at;
    if (covers(a, b) || covers(b, a))
      return at + " (a wildcard address takes its port on every address)";
    return null;
  }

  private static boolean covers(InetdComponent wildcard, InetdComponent other) {
    if (wildcard.host().isPresent()) return false;
    return wildcard.v6() || !other.v6();
  }

  // "svc stream tcp" and "svc stream tcp6" for the same server become one [::] listener, which
  // takes IPv4 and IPv6 (Linux's default, bindv6only=0).
  private static boolean dualStack(InetdComponent a, InetdComponent b) {
    return a.host().isEmpty()
        && b.host().isEmpty()
        && a.v6() != b.v6()
        && a.serves().equals(b.serves());
  }

  private String unique(String base) {
    String n = base;
    for (int i = 2; !names.add(n.toLowerCase(Locale.ROOT)); i++) n = base + "-" + i;
    return n;
  }

  // Component names stay plain HOCON keys: a letter, then letters, digits, '-' and '_'.
  private static String name(String service) {
    StringBuilder b = new StringBuilder();
    if (!Character.isLetter(service.charAt(0)) || service.charAt(0) > 'z') b.append("port-");
    for (char ch : service.toCharArray()) {
      boolean plain =
          (ch >= 'a' && ch <= 'z')
              || (ch >= 'A' && ch <= 'Z')
              || (ch >= '0' && ch <= '9')
              || ch == '-'
              || ch == '_';
      b.append(plain ? ch : '-');
    }
    return b.toString();
  }
}
