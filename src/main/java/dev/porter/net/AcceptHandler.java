package dev.porter.net;

import java.nio.channels.SocketChannel;

/** Receives each accepted connection on the listener's loop; it owns the channel from then on. */
@FunctionalInterface
public interface AcceptHandler {
  void accepted(SocketChannel channel);
}
