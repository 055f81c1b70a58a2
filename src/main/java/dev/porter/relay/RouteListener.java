package dev.porter.relay;

import dev.porter.net.Connection;

/** Hears how a route's backend connection went, on the client's event loop. */
public interface RouteListener {
  /**
   * The backend answered. Runs before any byte goes either way, so a reply due to the client first
   * (TCPMUX {@code +}) may be written now.
   */
  void connected(Connection client);

  /**
   * The backend could not be reached ({@code reason}: e.g. {@code connection refused}, {@code timed
   * out}); the client's reads are on again and it is the listener's to answer or close.
   */
  void failed(Connection client, String reason);
}
