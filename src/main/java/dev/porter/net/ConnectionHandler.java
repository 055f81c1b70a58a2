package dev.porter.net;

import java.nio.ByteBuffer;

/** What serves one connection; every method runs on the connection's event loop. */
public interface ConnectionHandler {
  /** The connection is registered and ready (or a handler was just installed on it). */
  default void onOpen(Connection c) {}

  /**
   * Bytes arrived. {@code data} is valid only during the call: consume it, copy it, or write it on;
   * what is left in it afterwards is dropped.
   */
  void onData(Connection c, ByteBuffer data);

  /** The peer shut down its writing side (EOF). The default closes the connection. */
  default void onInputClosed(Connection c) {
    c.close();
  }

  /** Everything queued for writing has been written after a write could not complete at once. */
  default void onWritable(Connection c) {}

  /** The connection is closed; called exactly once. */
  default void onClosed(Connection c) {}
}
