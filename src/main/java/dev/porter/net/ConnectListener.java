package dev.porter.net;

/** Hears how a {@link Connector} ended; called once, on the connector's event loop. */
public interface ConnectListener {
  /**
   * The connection is open on the loop. It has a placeholder handler that drops data: install the
   * real one with {@link Connection#setHandler} before returning.
   */
  void connected(Connection c);

  /**
   * The connection could not be made; {@code reason} is short and lower case, e.g. {@code
   * connection refused}.
   */
  void failed(String reason);
}
