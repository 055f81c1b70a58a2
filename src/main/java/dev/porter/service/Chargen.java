package dev.porter.service;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import java.nio.ByteBuffer;

/**
 * RFC 864 character generator: lines of 72 printable characters, each starting one character later
 * in the 95-character ASCII cycle, sent as fast as the client reads them.
 */
final class Chargen implements ConnectionHandler {
  /** RFC 864: 72 characters per line, the 95 printable ASCII characters 32..126. */
  static final int LINE = 72;

  static final int CYCLE = 95;

  /** The pattern repeats after 95 lines; one period of it is sent over and over. */
  private static final byte[] PERIOD = period();

  /** Full pattern periods written per turn on the loop before yielding to other connections. */
  private static final int PERIODS_PER_TURN = 4;

  private static byte[] period() {
    byte[] b = new byte[CYCLE * (LINE + 2)];
    int p = 0;
    for (int line = 0; line < CYCLE; line++) {
      for (int i = 0; i < LINE; i++) b[p++] = (byte) (32 + (line + i) % CYCLE);
      b[p++] = '\r';
      b[p++] = '\n';
    }
    return b;
  }

  @Override
  public void onOpen(Connection c) {
    pump(c);
  }

  @Override
  public void onWritable(Connection c) {
    pump(c);
  }

  private void pump(Connection c) {
    for (int i = 0; i < PERIODS_PER_TURN; i++) {
      if (!c.isOpen()) return;
      // A partial write leaves the rest queued; onWritable resumes once it drains.
      if (!c.write(ByteBuffer.wrap(PERIOD))) return;
    }
    c.loop()
        .execute(
            () -> {
              if (c.isOpen() && c.pendingBytes() == 0) pump(c);
            });
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    data.position(data.limit());
  }
}
