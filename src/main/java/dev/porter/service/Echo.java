package dev.porter.service;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import java.nio.ByteBuffer;

/** RFC 862 echo: every byte comes back; a client that stops reading stops being read. */
final class Echo implements ConnectionHandler {
  /** Queued echo bytes above which porter stops reading the client (backpressure). */
  static final int HIGH_WATER = 256 * 1024;

  static final Echo INSTANCE = new Echo();

  @Override
  public void onData(Connection c, ByteBuffer data) {
    c.write(data);
    if (c.pendingBytes() > HIGH_WATER) c.suspendReads();
  }

  @Override
  public void onWritable(Connection c) {
    c.resumeReads();
  }

  @Override
  public void onInputClosed(Connection c) {
    // Half-close: echo what is queued, then FIN; Connection closes once both sides are done.
    c.shutdownOutput();
  }
}
