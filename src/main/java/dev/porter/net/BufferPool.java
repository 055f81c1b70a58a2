package dev.porter.net;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The buffers an event loop lends its connections for bytes the kernel would not take yet. They are
 * direct, so a queued remainder goes to the socket without the JDK's extra copy of a heap buffer
 * into a temporary direct one, and they are reused, so a busy relay makes no garbage. A connection
 * holds one only while it has bytes queued: an idle connection holds none.
 */
final class BufferPool {
  /**
   * Direct buffers one loop creates at most (4 MiB of 64 KiB buffers): enough for dozens of relays
   * stalled at once; past it the queue falls back to heap buffers, which the GC reclaims, whereas
   * direct memory once taken stays with the pool for the life of the process.
   */
  static final int MAX_DIRECT = 64;

  private final int size;
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
  private int created;

  BufferPool(int size) {
    this.size = size;
  }

  /** A cleared buffer with room for at least {@code needed} bytes. */
  ByteBuffer take(int needed) {
    if (needed <= size) {
      ByteBuffer b = free.poll();
      if (b != null) return b;
      if (created < MAX_DIRECT) {
        created++;
        return ByteBuffer.allocateDirect(size);
      }
    }
    return ByteBuffer.allocate(needed);
  }

  /** Returns a buffer from {@link #take}; heap buffers are left to the GC. */
  void give(ByteBuffer b) {
    if (!b.isDirect()) return;
    b.clear();
    free.push(b);
  }

  int created() {
    return created;
  }
}
