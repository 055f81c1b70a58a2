package dev.porter.config;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A socket address written as a URL: {@code inet://HOST:PORT}, {@code inet://[V6]:PORT} or
 * {@code unix:///path[;mode=0660;owner=USER;group=GROUP]}; {@code mux://LINK/NAME} for mux routes.
 */
public record Endpoint(Scheme scheme, String host, int port, Path path, Optional<Integer> mode,
    Optional<String> owner, Optional<String> group, String text) {

  /** The kinds of endpoint porter knows. */
  public enum Scheme { INET, UNIX, MUX }

  /** The socket address to bind or connect to (resolves the host name for inet). */
  public SocketAddress socketAddress() {
    switch (scheme) {
      case INET: return new InetSocketAddress(host, port);
      case UNIX: return UnixDomainSocketAddress.of(path);
      default: throw new IllegalStateException("no socket address for " + text);
    }
  }

  /** A key that two endpoints share exactly when they name the same socket. */
  public String identity() {
    switch (scheme) {
      case INET: return "inet:" + host.toLowerCase(java.util.Locale.ROOT) + ":" + port;
      case UNIX: return "unix:" + path.toAbsolutePath().normalize();
      default: return text;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
