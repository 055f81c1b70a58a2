package dev.porter.mux;

import java.nio.ByteBuffer;

/**
 * What a {@link Yamux} session tells its owner: bytes to send on the link, and what the peer did.
 * Every method is called on the thread that called into the session; buffers are valid only during
 * the call.
 */
public interface YamuxHandler {
  /** Bytes to write on the link, in order (a frame may come in more than one call). */
  void onSend(ByteBuffer bytes);

  /** The peer opened stream {@code id} (SYN); the session has acknowledged it. */
  void onStreamOpened(int id);

  /** The peer acknowledged stream {@code id} that this side opened (ACK). */
  default void onStreamAcknowledged(int id) {}

  /**
   * Payload for stream {@code id}. Call {@link Yamux#consumed} once it has left porter's hands: the
   * peer may send more only then, so what the owner holds is bounded by the stream's window.
   */
  void onData(int id, ByteBuffer data);

  /** The peer granted more send window to stream {@code id} (it is now {@code window} bytes). */
  void onWindowOpened(int id, long window);

  /** The peer half-closed stream {@code id} (FIN): no more data will come on it. */
  void onRemoteClose(int id);

  /** The peer reset stream {@code id} (RST), or the session refused it; the stream is gone. */
  void onReset(int id);

  /** The peer answered a {@link Yamux#ping} with {@code value}. */
  default void onPong(int value) {}

  /** The peer is going away (Go Away) with {@code code}; no new streams may be opened. */
  void onGoAway(int code);

  /**
   * The peer broke the protocol, or flooded the session with what it must answer; the session has
   * sent Go Away (protocol error) and reads nothing more. The owner should close the link once the
   * Go Away is written (or soon, if the peer does not read it).
   */
  void onProtocolError(String message);
}
