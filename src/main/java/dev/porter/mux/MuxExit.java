package dev.porter.mux;

import dev.porter.config.Endpoint;
import dev.porter.net.Connection;
import dev.porter.tcpmux.Subordinate;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * An exit: a service the far end of a link may ask for by name, served here like a TCPMUX
 * subordinate. A stream that names it is bridged to a socket, and {@link #enter} gets porter's end
 * of that socket (a built-in or a spawned program needs a real one). A route exit instead names its
 * backend in {@link #route}, and the link relays the stream to it directly, admitting it with
 * {@link #admitStream}.
 */
public interface MuxExit extends Subordinate {
  /** What a route exit relays to. */
  record Route(
      Endpoint endpoint, Duration connectTimeout, Duration idleTimeout, boolean porterSendsPlus) {}

  /** The backend of a route exit; empty for an exit served on a socket. */
  default Optional<Route> route() {
    return Optional.empty();
  }

  /**
   * Route exits: takes one instance slot for a stream from {@code client}, or returns the reply
   * that refuses it ({@code service busy}); an admitted stream calls {@link #releaseStream} at its
   * end.
   */
  default Optional<String> admitStream(String client) {
    return Optional.empty();
  }

  default void releaseStream() {}

  /**
   * Serves porter's end of a bridged stream's socket: the exit's limits, then its service, as a
   * subordinate's connection (a limit that refuses answers {@code -reason}); {@code leftover} is
   * what the peer sent after the name line.
   */
  void enter(Connection c, ByteBuffer leftover);
}
