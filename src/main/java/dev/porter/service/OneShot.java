package dev.porter.service;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * A service that sends one answer as soon as the client connects, then closes (daytime, time,
 * qotd).
 */
final class OneShot implements ConnectionHandler {
  private final Supplier<byte[]> answer;

  OneShot(Supplier<byte[]> answer) {
    this.answer = answer;
  }

  @Override
  public void onOpen(Connection c) {
    c.write(answer.get());
    c.closeWhenFlushed();
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    // RFC 865/867/868: anything the client sends is ignored.
    data.position(data.limit());
  }
}
