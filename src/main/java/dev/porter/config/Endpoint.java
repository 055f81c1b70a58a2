package dev.porter.config;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A socket address written as a URL: {@code inet://HOST:PORT}, {@code inet://[V6]:PORT}, {@code
 * unix:///path[;user=USER;group=GROUP;mode=0660]} (GNU pies URL options; {@code owner} is accepted
 * for {@code user}), or {@code mux://LINK/NAME} for routes over a mux link.
 *
 * <p>Fields that do not apply to a scheme are empty, never null: {@code host} is the link name for
 * mux and {@code ""} for unix; {@code path} is {@code Path.of("")} for inet and mux; {@code port}
 * is 0 for unix and mux.
 */
public record Endpoint(
    Scheme scheme,
    String host,
    int port,
    Path path,
    Optional<Integer> mode,
    Optional<String> owner,
    Optional<String> group,
    String text) {

  /** The kinds of endpoint porter knows. */
  public enum Scheme {
    INET,
    UNIX,
    MUX
  }

  private static final Path NO_PATH = Path.of("");
  // sun_path is 108 bytes on Linux, including the terminating NUL (unix(7)).
  private static final int MAX_UNIX_PATH_BYTES = 107;

  /** An {@code inet://HOST:PORT} endpoint; a literal IPv6 host is given without brackets. */
  public static Endpoint inet(String host, int port) {
    String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return new Endpoint(
        Scheme.INET,
        host,
        port,
        NO_PATH,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "inet://" + shown + ":" + port);
  }

  /** A {@code unix:///path} endpoint without options. */
  public static Endpoint unix(Path path) {
    return new Endpoint(
        Scheme.UNIX,
        "",
        0,
        path,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "unix://" + path);
  }

  /**
   * Parses a socket URL.
   *
   * @throws ConfigException with one problem that says what is wrong with {@code url} (no file or
   *     line: the caller knows where the text came from)
   */
  public static Endpoint parse(String url) throws ConfigException {
    String text = url.trim();
    int sep = text.indexOf("://");
    if (sep < 0) {
      throw new ConfigException(
          "not a socket URL: \""
              + text
              + "\" (expected inet://HOST:PORT, unix:///PATH or mux://LINK/NAME)");
    }
    String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
    String rest = text.substring(sep + 3);
    switch (scheme) {
      case "inet":
        return parseInet(text, rest);
      case "unix":
        return parseUnix(text, rest);
      case "mux":
        return parseMux(text, rest);
      default:
        throw new ConfigException(
            "unknown socket URL scheme \""
                + scheme
                + "\" in \""
                + text
                + "\" (expected inet, unix or mux)");
    }
  }

  private static Endpoint parseInet(String text, String rest) throws ConfigException {
    String host;
    String portText;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0)
        throw new ConfigException("missing \"]\" after the IPv6 address in \"" + text + "\"");
      host = rest.substring(1, close);
      if (!isIpv6Literal(host))
        throw new ConfigException("not an IPv6 address: \"" + host + "\" in \"" + text + "\"");
      String after = rest.substring(close + 1);
      if (!after.startsWith(":"))
        throw new ConfigException("missing \":PORT\" in \"" + text + "\"");
      portText = after.substring(1);
    } else {
      int colon = rest.lastIndexOf(':');
      if (colon < 0) throw new ConfigException("missing \":PORT\" in \"" + text + "\"");
      host = rest.substring(0, colon);
      portText = rest.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw new ConfigException(
            "put an IPv6 address in brackets: inet://[ADDRESS]:PORT, got \"" + text + "\"");
      }
      if (host.isEmpty())
        throw new ConfigException(
            "missing host in \"" + text + "\" (use 0.0.0.0 or [::] for all addresses)");
      if (!isHostName(host))
        throw new ConfigException(
            "not a host name or IPv4 address: \"" + host + "\" in \"" + text + "\"");
    }
    int port = parsePort(text, portText);
    return new Endpoint(
        Scheme.INET,
        host,
        port,
        NO_PATH,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        text);
  }

  private static int parsePort(String text, String portText) throws ConfigException {
    if (portText.isEmpty()
        || portText.length() > 5
        || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ConfigException(
          "port must be a number from 0 to 65535, got \"" + portText + "\" in \"" + text + "\"");
    }
    int port = Integer.parseInt(portText);
    if (port > 65535)
      throw new ConfigException(
          "port must be a number from 0 to 65535, got " + port + " in \"" + text + "\"");
    return port;
  }

  // RFC 1123 host names and dotted IPv4; no resolution here (names resolve when binding or
  // connecting).
  private static boolean isHostName(String host) {
    if (host.length() > 253) return false;
    for (String label : host.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-"))
        return false;
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') return false;
      }
    }
    if (host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
      String[] parts = host.split("\\.");
      if (parts.length != 4) return false;
      for (String p : parts) if (p.length() > 3 || Integer.parseInt(p) > 255) return false;
    }
    return true;
  }

  private static boolean isIpv6Literal(String s) {
    if (s.isEmpty() || s.indexOf(':') < 0) return false;
    String addr = s;
    int pct = s.indexOf('%'); // a zone id (fe80::1%eth0) is kept for the socket API
    if (pct >= 0) addr = s.substring(0, pct);
    for (int i = 0; i < addr.length(); i++) {
      char c = addr.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) return false;
    }
    try {
      // A literal containing ':' never goes to DNS.
      java.net.InetAddress.getByName(addr);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static Endpoint parseUnix(String text, String rest) throws ConfigException {
    String[] parts = rest.split(";", -1);
    String p = parts[0];
    if (!p.startsWith("/")) {
      throw new ConfigException(
          "a unix socket path must be absolute (unix:///run/x.sock), got \"" + text + "\"");
    }
    if (p.indexOf('\0') >= 0)
      throw new ConfigException("a unix socket path cannot contain NUL: \"" + text + "\"");
    if (p.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_UNIX_PATH_BYTES) {
      throw new ConfigException(
          "unix socket path is longer than " + MAX_UNIX_PATH_BYTES + " bytes: \"" + p + "\"");
    }
    Optional<Integer> mode = Optional.empty();
    Optional<String> owner = Optional.empty();
    Optional<String> group = Optional.empty();
    for (int i = 1; i < parts.length; i++) {
      String opt = parts[i];
      int eq = opt.indexOf('=');
      if (eq <= 0 || eq == opt.length() - 1) {
        throw new ConfigException(
            "unix socket option must be NAME=VALUE, got \"" + opt + "\" in \"" + text + "\"");
      }
      String name = opt.substring(0, eq).toLowerCase(Locale.ROOT);
      String value = opt.substring(eq + 1);
      switch (name) {
        case "user":
        case "owner":
          owner = Optional.of(value);
          break;
        case "group":
          group = Optional.of(value);
          break;
        case "mode":
          if (!value.chars().allMatch(c -> c >= '0' && c <= '7')
              || value.length() > 4
              || Integer.parseInt(value, 8) > 0777) {
            throw new ConfigException(
                "unix socket mode must be octal from 0 to 0777, got \""
                    + value
                    + "\" in \""
                    + text
                    + "\"");
          }
          mode = Optional.of(Integer.parseInt(value, 8));
          break;
        default:
          throw new ConfigException(
              "unknown unix socket option \""
                  + name
                  + "\" in \""
                  + text
                  + "\""
                  + Suggest.didYouMean(name, java.util.List.of("user", "group", "mode")));
      }
    }
    return new Endpoint(Scheme.UNIX, "", 0, Path.of(p), mode, owner, group, text);
  }

  private static Endpoint parseMux(String text, String rest) throws ConfigException {
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
      throw new ConfigException("a mux URL is mux://LINK/NAME, got \"" + text + "\"");
    }
    String link = rest.substring(0, slash);
    String name = rest.substring(slash + 1);
    if (!name.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new ConfigException(
          "a mux service name cannot contain spaces or control characters: \"" + text + "\"");
    }
    return new Endpoint(
        Scheme.MUX, link, 0, NO_PATH, Optional.empty(), Optional.empty(), Optional.empty(), text);
  }

  /** For {@code mux://LINK/NAME}: the mux component that carries the connection. */
  public String muxLink() {
    requireMux();
    return host;
  }

  /** For {@code mux://LINK/NAME}: the service asked for at the far end of the link. */
  public String muxService() {
    requireMux();
    return text.substring(text.lastIndexOf('/') + 1);
  }

  private void requireMux() {
    if (scheme != Scheme.MUX) throw new IllegalStateException("not a mux endpoint: " + text);
  }

  /** The socket address to bind or connect to (resolves the host name for inet). */
  public SocketAddress socketAddress() {
    switch (scheme) {
      case INET:
        return new InetSocketAddress(host, port);
      case UNIX:
        return UnixDomainSocketAddress.of(path);
      default:
        throw new IllegalStateException("no socket address for " + text);
    }
  }

  /** A key that two endpoints share exactly when they name the same socket. */
  public String identity() {
    switch (scheme) {
      case INET:
        return "inet:" + host.toLowerCase(Locale.ROOT) + ":" + port;
      case UNIX:
        return "unix:" + path.toAbsolutePath().normalize();
      default:
        return text;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
