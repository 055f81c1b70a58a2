package dev.porter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * TCP service names and their ports, as inetd looks them up with getservbyname(3): read from an
 * {@code /etc/services} file when there is one, with the classic services built in so that a
 * conversion does not depend on the machine it runs on.
 */
public final class InetdServices {
  /** Where services(5) lives. */
  public static final Path ETC_SERVICES = Path.of("/etc/services");

  // The ports of the services an old inetd.conf names most often (IANA; netbase's /etc/services).
  private static final Map<String, Integer> CLASSIC =
      Map.ofEntries(
          Map.entry("tcpmux", 1),
          Map.entry("echo", 7),
          Map.entry("discard", 9),
          Map.entry("systat", 11),
          Map.entry("daytime", 13),
          Map.entry("netstat", 15),
          Map.entry("qotd", 17),
          Map.entry("chargen", 19),
          Map.entry("ftp-data", 20),
          Map.entry("ftp", 21),
          Map.entry("ssh", 22),
          Map.entry("telnet", 23),
          Map.entry("smtp", 25),
          Map.entry("time", 37),
          Map.entry("whois", 43),
          Map.entry("gopher", 70),
          Map.entry("finger", 79),
          Map.entry("http", 80),
          Map.entry("pop3", 110),
          Map.entry("auth", 113),
          Map.entry("ident", 113),
          Map.entry("nntp", 119),
          Map.entry("imap2", 143),
          Map.entry("imap", 143),
          Map.entry("exec", 512),
          Map.entry("login", 513),
          Map.entry("shell", 514),
          Map.entry("printer", 515),
          Map.entry("uucp", 540),
          Map.entry("klogin", 543),
          Map.entry("kshell", 544),
          Map.entry("swat", 901));

  private final Map<String, Integer> ports;

  private InetdServices(Map<String, Integer> ports) {
    this.ports = Map.copyOf(ports);
  }

  /** The built-in table only. */
  public static InetdServices classic() {
    return new InetdServices(CLASSIC);
  }

  /**
   * The tcp entries of a services(5) file (names and aliases), then the built-in table for names
   * the file lacks; a missing or unreadable file gives the built-in table alone.
   */
  public static InetdServices load(Path file) {
    if (!Files.isReadable(file)) return classic();
    try {
      return parse(Files.readString(file, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      return classic();
    }
  }

  /** Parses services(5) text: {@code name port/protocol [aliases...] [# comment]}. */
  static InetdServices parse(String text) {
    Map<String, Integer> ports = new HashMap<>();
    for (String raw : text.split("\n")) {
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
      if (line.isEmpty()) continue;
      String[] f = line.split("\\s+");
      if (f.length < 2 || !f[1].toLowerCase(Locale.ROOT).endsWith("/tcp")) continue;
      OptionalInt port = number(f[1].substring(0, f[1].length() - "/tcp".length()));
      if (port.isEmpty()) continue;
      for (int i = 0; i < f.length; i++) {
        if (i != 1)
          ports.putIfAbsent(
              f[i], port.getAsInt()); // the first entry of a name wins, as in getservbyname
      }
    }
    CLASSIC.forEach(ports::putIfAbsent);
    return new InetdServices(ports);
  }

  /** The port of a service name, or of a number written as one. */
  public OptionalInt port(String service) {
    OptionalInt n = number(service);
    if (n.isPresent()) return n;
    Integer p = ports.get(service);
    return p == null ? OptionalInt.empty() : OptionalInt.of(p);
  }

  private static OptionalInt number(String s) {
    if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9'))
      return OptionalInt.empty();
    int n = Integer.parseInt(s);
    return n <= 65535 ? OptionalInt.of(n) : OptionalInt.empty();
  }
}
