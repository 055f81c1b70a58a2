package dev.porter.supervisor;

import dev.porter.net.ConnectionHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Serves a connection with one of porter's own services; as a subordinate it answers {@code +}
 * first.
 */
final class BuiltinServer implements Server {
  private static final byte[] PLUS = "+\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Supplier<ConnectionHandler> handlers;

  BuiltinServer(Supplier<ConnectionHandler> handlers) {
    this.handlers = handlers;
  }

  @Override
  public void serve(Arrival a, ByteBuffer leftover) {
    // Built-ins have no server of their own to answer, so porter says "+" (tcpmuxplus semantics).
    if (a.throughMaster()) a.connection().write(PLUS);
    a.connection().setHandler(handlers.get(), leftover);
  }
}
