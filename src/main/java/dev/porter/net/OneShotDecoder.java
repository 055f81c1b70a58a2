package dev.porter.net;

import java.nio.ByteBuffer;

/**
 * A pure decoder for something read once at the start of a stream (the PROXY header, the TCPMUX
 * name line), as a {@link OneShotReader} drives it. It never consumes a byte past what it reads, so
 * whatever follows stays in the buffer for the next stage.
 */
public interface OneShotDecoder {
  /** What one {@link #feed} achieved. */
  enum Result {
    NEED_MORE,
    DONE,
    INVALID
  }

  /**
   * Consumes bytes of {@code in}. On {@code DONE} the buffer is positioned just past the end of
   * what was read; on {@code INVALID} the stream is not worth reading further.
   */
  Result feed(ByteBuffer in);

  /**
   * The most bytes that may be read from the stream now without reading past the end, for a reader
   * that must leave everything after it in the kernel (a child reads it from the socket); 0 once
   * the decoder is done or has given up.
   */
  int safeReadLength();
}
