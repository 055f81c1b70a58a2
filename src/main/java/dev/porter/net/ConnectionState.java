package dev.porter.net;

/**
 * A {@link Connection}'s lifecycle as three small states, and the one place they change; it does no
 * I/O and reads no clock, so every transition is tested without a socket.
 *
 * <p>The split follows TCP's: the two directions of a stream end independently (RFC 9293 §3.6.1,
 * half-closed connections), and the descriptor itself has a fate of its own.
 *
 * <ul>
 *   <li>{@link Input}: whether porter reads. Suspending is backpressure and only means something
 *       while bytes can still arrive, so once the peer's FIN is read ({@code ENDED}) suspending and
 *       resuming change nothing.
 *   <li>{@link Output}: whether porter writes. A FIN or a close asked for while bytes are queued
 *       waits for the queue to drain; a close subsumes a FIN, and after either nothing more is
 *       accepted for writing.
 *   <li>{@link Life}: whether porter still holds the socket: open, closed here, or detached (handed
 *       to a child process, which is a close for porter).
 * </ul>
 *
 * Three enums rather than one of all their products, because each changes on its own events; rather
 * than flags, because combinations that mean nothing (a FIN sent that nobody asked for, a socket
 * detached yet open) cannot be written down.
 *
 * <p>Once the life is over, input and output keep the values they had ({@link
 * Connection#isInputClosed} and {@link Connection#isOutputShut} still tell a handler's {@code
 * onClosed} whether its side ended cleanly) and no request changes them.
 *
 * <p>Requests a caller may repeat (suspend, resume, shut down, close when flushed, close, detach)
 * are idempotent and do nothing on a connection that is over. Events only the connection itself
 * reports (the peer's FIN read, the write queue drained) are refused with an {@link
 * IllegalStateException} where they cannot happen: they would mean a broken invariant in the
 * connection's I/O, not a peer's doing. Transitions that need the socket return an {@link Action}
 * for the connection to carry out; nothing here allocates.
 */
final class ConnectionState {
  /** The reading direction. */
  enum Input {
    /** Bytes are read as they arrive. */
    OPEN,
    /** Reads are held back (backpressure); bytes wait in the kernel. */
    SUSPENDED,
    /** The peer's FIN was read: nothing more will arrive. */
    ENDED
  }

  /** The writing direction. */
  enum Output {
    /** Writes are accepted. */
    OPEN,
    /** A FIN goes out once the queue drains; no more writes are accepted. */
    SHUT_WHEN_FLUSHED,
    /** The socket closes once the queue drains; no more writes are accepted. */
    CLOSE_WHEN_FLUSHED,
    /** The FIN went out. */
    SHUT
  }

  /** Who holds the socket. */
  enum Life {
    OPEN,
    /** Closed by porter (or by an error); queued output was dropped. */
    CLOSED,
    /** Handed over to a child process; porter's copy is closed by the taker. */
    DETACHED
  }

  /** What the connection must do to its socket after a transition. */
  enum Action {
    NONE,
    /** Send the FIN: {@code shutdown(SHUT_WR)}. */
    SHUT_OUTPUT,
    /** Close the socket (which sends the FIN too, when both directions are over). */
    CLOSE
  }

  private Input input = Input.OPEN;
  private Output output = Output.OPEN;
  private Life life = Life.OPEN;

  Input input() {
    return input;
  }

  Output output() {
    return output;
  }

  Life life() {
    return life;
  }

  boolean isOpen() {
    return life == Life.OPEN;
  }

  /** True while the connection reads: open, and input neither suspended nor ended. */
  boolean isReading() {
    return life == Life.OPEN && input == Input.OPEN;
  }

  /** True while writes are accepted: open, and neither a FIN nor a close asked for. */
  boolean acceptsWrites() {
    return life == Life.OPEN && output == Output.OPEN;
  }

  /** Backpressure on: an open input is suspended; otherwise nothing changes. */
  void suspend() {
    if (life == Life.OPEN && input == Input.OPEN) input = Input.SUSPENDED;
  }

  /** Backpressure off; returns true when the connection reads (again). */
  boolean resume() {
    if (life == Life.OPEN && input == Input.SUSPENDED) input = Input.OPEN;
    return isReading();
  }

  /**
   * The peer's FIN was read. A suspended input may see it: a readiness reported before the
   * suspension is still served. Refused twice, or once the connection is over: nothing reads then.
   */
  void endInput() {
    if (life != Life.OPEN) throw new IllegalStateException("input ended after " + life);
    if (input == Input.ENDED) throw new IllegalStateException("input ended twice");
    input = Input.ENDED;
  }

  /**
   * A FIN is asked for; {@code flushed} says whether the write queue is empty. It goes out now when
   * nothing is queued, else once the queue drains; after a close was asked for, or the FIN sent,
   * nothing changes.
   */
  Action shutdownOutput(boolean flushed) {
    if (life != Life.OPEN) return Action.NONE;
    switch (output) {
      case OPEN:
      case SHUT_WHEN_FLUSHED:
        if (flushed) return shutNow();
        output = Output.SHUT_WHEN_FLUSHED;
        return Action.NONE;
      case CLOSE_WHEN_FLUSHED:
        return Action.NONE;
      case SHUT:
        requireFlushed(flushed);
        return Action.NONE;
      default:
        throw new AssertionError(output);
    }
  }

  /**
   * A close is asked for once the write queue drains; {@code flushed} says whether it is empty
   * already, in which case the connection closes now.
   */
  Action closeWhenFlushed(boolean flushed) {
    if (life != Life.OPEN) return Action.NONE;
    if (output == Output.SHUT) requireFlushed(flushed);
    if (flushed) return Action.CLOSE;
    output = Output.CLOSE_WHEN_FLUSHED;
    return Action.NONE;
  }

  /**
   * The write queue drained: a pending FIN or close is due now. Refused once the FIN is out (no
   * bytes are queued after it) or the connection is over (it has no queue).
   */
  Action flushed() {
    if (life != Life.OPEN) throw new IllegalStateException("output drained after " + life);
    switch (output) {
      case OPEN:
        return Action.NONE;
      case SHUT_WHEN_FLUSHED:
        return shutNow();
      case CLOSE_WHEN_FLUSHED:
        return Action.CLOSE;
      case SHUT:
        throw new IllegalStateException("output drained after the FIN was sent");
      default:
        throw new AssertionError(output);
    }
  }

  /** Returns true when the connection was open and is now closed: the caller closes the socket. */
  boolean close() {
    if (life != Life.OPEN) return false;
    life = Life.CLOSED;
    return true;
  }

  /** Returns true when the connection was open and is now detached: the caller hands it over. */
  boolean detach() {
    if (life != Life.OPEN) return false;
    life = Life.DETACHED;
    return true;
  }

  // Both directions over: closing sends the FIN as well, one system call fewer.
  private Action shutNow() {
    output = Output.SHUT;
    return input == Input.ENDED ? Action.CLOSE : Action.SHUT_OUTPUT;
  }

  private static void requireFlushed(boolean flushed) {
    if (!flushed) throw new IllegalStateException("bytes queued after the FIN was sent");
  }
}
