package dev.porter.supervisor;

import dev.porter.net.Connection;
import java.nio.ByteBuffer;

/** What serves an admitted connection of one component: a built-in, a child, a route. */
interface Server {
  /**
   * Serves {@code c}. {@code leftover} holds bytes the client sent after a TCPMUX name line;
   * {@code viaTcpmux} says the connection came through a master (so {@code +} may be due).
   */
  void serve(Connection c, ByteBuffer leftover, boolean viaTcpmux);

  /**
   * True when the server may hand the socket itself to a child (directly, or after a TCPMUX name
   * line): a stage before it must then leave every byte after what it consumed in the kernel.
   */
  default boolean takesSocket() {
    return false;
  }
}
