package dev.porter.service;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import java.nio.ByteBuffer;

/** RFC 863 discard: reads and drops everything until the client closes. */
final class Discard implements ConnectionHandler {
  static final Discard INSTANCE = new Discard();

  @Override
  public void onData(Connection c, ByteBuffer data) {
    data.position(data.limit());
  }
}
