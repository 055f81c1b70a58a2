package dev.porter.supervisor;

import java.nio.ByteBuffer;

/** What serves an admitted connection of one component: a built-in, a child, a route. */
interface Server {
  /**
   * Serves {@code a}'s connection. {@code leftover} holds bytes the client sent after a TCPMUX name
   * line; {@link Arrival#throughMaster} says whether a {@code +} may be due.
   */
  void serve(Arrival a, ByteBuffer leftover);

  /**
   * True when the server may hand the socket itself to a child (directly, or after a TCPMUX name
   * line): a stage before it must then leave every byte after what it consumed in the kernel.
   */
  default boolean takesSocket() {
    return false;
  }
}
