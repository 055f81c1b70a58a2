package dev.porter.control;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection to the control socket. Only the control server's selector thread touches it; a
 * worker sees nothing of it but the request it carries out.
 */
final class ControlConnection {
  /** Where the connection is in its one exchange. */
  enum State {
    /** A permitted peer: its request line is coming in. */
    READING,
    /** The request is with a worker; nothing is read or written meanwhile. */
    RUNNING,
    /** The reply is going out. */
    WRITING,
    /**
     * A refused peer got its refusal; its request line is read and dropped, so closing resets
     * nothing.
     */
    LINGERING
  }

  final SocketChannel channel;
  final SelectionKey key;
  final long acceptedNanos;
  final RequestLine line = new RequestLine();
  State state;

  /** When the current state times out; unused while RUNNING. */
  long deadlineNanos;

  ByteBuffer reply = ByteBuffer.allocate(0);

  /** Runs once the reply is out or the peer went away (a shutdown starts after its reply). */
  Runnable afterReply = () -> {};

  ControlConnection(
      SocketChannel channel,
      SelectionKey key,
      long acceptedNanos,
      State state,
      long deadlineNanos) {
    this.channel = channel;
    this.key = key;
    this.acceptedNanos = acceptedNanos;
    this.state = state;
    this.deadlineNanos = deadlineNanos;
  }

  /** A connection that may be closed to make room: it waits for its peer, not for porter. */
  boolean evictable() {
    return state == State.READING || state == State.WRITING;
  }
}
