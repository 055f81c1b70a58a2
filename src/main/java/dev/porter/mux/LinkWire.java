package dev.porter.mux;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import java.nio.ByteBuffer;

/** The byte path under a link's yamux session: the link connection itself, or TLS over it. */
interface LinkWire {
  /** Sends {@code src} (all of it, queued if need be); true when nothing is left queued. */
  boolean write(ByteBuffer src);

  /** Bytes queued for the link connection but not yet taken by the kernel. */
  long pendingBytes();

  /** Closes once everything queued is written. */
  void closeWhenFlushed();

  /** Closes now. */
  void close();

  /**
   * Stops handing received bytes on (backpressure); they wait in the kernel until {@link
   * #resumeReads}.
   */
  void suspendReads();

  /** Hands received bytes on again, starting with any this wire already holds. */
  void resumeReads();

  /** From now on received bytes go to {@code next}, whose {@code onOpen} runs first. */
  void handOver(ConnectionHandler next);

  /** The connection as it is: no encryption. */
  static LinkWire plain(Connection c) {
    return new LinkWire() {
      @Override
      public boolean write(ByteBuffer src) {
        return c.write(src);
      }

      @Override
      public long pendingBytes() {
        return c.pendingBytes();
      }

      @Override
      public void closeWhenFlushed() {
        c.closeWhenFlushed();
      }

      @Override
      public void close() {
        c.close();
      }

      @Override
      public void suspendReads() {
        c.suspendReads();
      }

      @Override
      public void resumeReads() {
        c.resumeReads();
      }

      @Override
      public void handOver(ConnectionHandler next) {
        c.setHandler(next);
      }
    };
  }
}
