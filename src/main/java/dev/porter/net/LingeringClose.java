package dev.porter.net;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection without losing the last reply: closing a socket with unread input makes the
 * kernel send RST, which can destroy the reply in flight. So porter sends FIN after the reply,
 * reads and drops whatever the client still sends, and closes at its EOF or after a short grace.
 */
public final class LingeringClose implements ConnectionHandler {
  /** How long a refused client may keep sending before porter closes anyway (Apache uses 2 s). */
  static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final LingeringClose INSTANCE = new LingeringClose();

  private LingeringClose() {}

  /** Flushes what is queued, sends FIN, drains input, closes. */
  public static void start(Connection c) {
    c.setHandler(INSTANCE);
    c.shutdownOutput();
    if (!c.isOpen()) return;
    Timer t = c.loop().schedule(GRACE_NANOS, c::close);
    c.onClose(x -> t.cancel());
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    data.position(data.limit());
  }

  @Override
  public void onInputClosed(Connection c) {
    c.close();
  }
}
