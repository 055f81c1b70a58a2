package dev.porter.net;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The I/O shell around a {@link OneShotDecoder} at the start of a connection or a stream (the PROXY
 * header, the TCPMUX name line): it feeds the decoder what arrives under a deadline, reads no
 * further than the decoder allows when the next stage hands the socket to a child, then either
 * hands the bytes after what it read to the next stage or refuses (deadline passed, input invalid
 * or ended early). Either way it has decided, and steps out of the path: the next stage, or the
 * refusal, must take the source over before the callback returns, so bytes that still reach the
 * reader are a broken invariant, never silently dropped.
 *
 * <p>It knows nothing of what it reads from: a {@link Source} gives it a timer, read limits and the
 * flow-control credit of the bytes the decoder consumed; {@link #source(Connection)} is the one of
 * a connection. It keeps no byte of its own: what a peer can make it hold is its decoder's fixed
 * buffer and one timer. Call every method on the source's event loop.
 */
public final class OneShotReader {
  /** Why a reader gave up; the caller says so to the peer and closes. */
  public enum Refusal {
    /** The deadline passed before the decoder was done. */
    TIMEOUT,
    /** The decoder found input it cannot accept. */
    INVALID,
    /** The input ended before the decoder was done. */
    ENDED
  }

  /** A scheduled deadline. */
  public interface Cancellable {
    /** Stops the task from running; harmless once it ran. */
    void cancel();
  }

  /** What a reader reads from: a connection, or a stream of a mux link. */
  public interface Source {
    /** Runs {@code task} after {@code delayNanos} on the source's loop, unless cancelled first. */
    Cancellable schedule(long delayNanos, Runnable task);

    /** Reads at most {@code max} bytes per read from now on (0: no limit). */
    default void limitReads(int max) {}

    /** The decoder has taken {@code n} more bytes off the source (a stream credits them back). */
    default void consumed(int n) {}
  }

  /** Where the reader is; it leaves READING exactly once. */
  private enum State {
    NEW,
    READING,
    HANDED_ON,
    REFUSED,
    CLOSED
  }

  private final String subject;
  private final OneShotDecoder decoder;
  private final boolean exact;
  private final long timeoutNanos;
  private final Consumer<ByteBuffer> decided;
  private final Consumer<Refusal> refused;
  private State state = State.NEW;
  private Source source;
  private Cancellable deadline;

  /**
   * @param subject who reads what, for the message of a broken invariant ({@code "component web:
   *     the PROXY reader"})
   * @param exact read no byte past the decoder's end: the socket goes to a child, which must find
   *     everything after it in the kernel ({@link OneShotDecoder#safeReadLength})
   * @param decided gets the bytes after what the decoder read (valid only during the call) and must
   *     take the source over: install a handler, suspend reads, move, detach or close
   * @param refused says so to the peer and closes; what is left of the buffer being read is dropped
   *     by its caller
   */
  public OneShotReader(
      String subject,
      OneShotDecoder decoder,
      boolean exact,
      long timeoutNanos,
      Consumer<ByteBuffer> decided,
      Consumer<Refusal> refused) {
    if (timeoutNanos <= 0) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeoutNanos);
    }
    this.subject = subject;
    this.decoder = decoder;
    this.exact = exact;
    this.timeoutNanos = timeoutNanos;
    this.decided = decided;
    this.refused = refused;
  }

  /** The source of a connection: its loop's timers, its read limit; nothing to credit. */
  public static Source source(Connection c) {
    return new Source() {
      @Override
      public Cancellable schedule(long delayNanos, Runnable task) {
        return c.loop().schedule(delayNanos, task)::cancel;
      }

      @Override
      public void limitReads(int max) {
        c.setReadLimit(max);
      }
    };
  }

  /** Starts the deadline and reading; call once. */
  public void start(Source from) {
    if (state != State.NEW) throw new IllegalStateException(subject + " was started twice");
    source = from;
    state = State.READING;
    deadline = from.schedule(timeoutNanos, this::expired);
    limitReads();
  }

  /** Feeds what arrived; the decision, if this completes it, is made before this returns. */
  public void feed(ByteBuffer in) {
    if (state != State.READING) {
      // The source stops delivering once the reader decided (Connection.read stops when the
      // handler changes): bytes here would be lost, which must never happen silently.
      throw new IllegalStateException(subject + ": " + in.remaining() + " bytes arrived " + when());
    }
    int before = in.position();
    OneShotDecoder.Result r = decoder.feed(in);
    source.consumed(in.position() - before);
    switch (r) {
      case NEED_MORE:
        limitReads();
        return;
      case INVALID:
        refuse(Refusal.INVALID);
        return;
      case DONE:
        leave(State.HANDED_ON);
        decided.accept(in);
        return;
      default:
        throw new AssertionError(r);
    }
  }

  /** The peer ended its input (EOF, FIN): before the decoder is done, that is a refusal. */
  public void inputEnded() {
    if (state != State.READING) {
      throw new IllegalStateException(subject + ": the input ended " + when());
    }
    refuse(Refusal.ENDED);
  }

  /** The source is gone: the deadline no longer matters. */
  public void closed() {
    if (deadline != null) deadline.cancel();
    if (state == State.NEW || state == State.READING) state = State.CLOSED;
  }

  /** True until the reader has decided (or its source closed first). */
  public boolean isReading() {
    return state == State.READING;
  }

  private String when() {
    switch (state) {
      case NEW:
        return "before it started";
      case HANDED_ON:
        return "after it had handed the stream on";
      case REFUSED:
        return "after it had refused the stream";
      default:
        return "after its source closed";
    }
  }

  private void expired() {
    if (state != State.READING) return;
    deadline = null; // it ran: nothing to cancel
    refuse(Refusal.TIMEOUT);
  }

  private void refuse(Refusal why) {
    leave(State.REFUSED);
    refused.accept(why);
  }

  private void leave(State next) {
    state = next;
    if (deadline != null) deadline.cancel();
    // What follows is the next stage's, or drained by the refusal: no limit in either case.
    if (exact) source.limitReads(0);
  }

  private void limitReads() {
    if (!exact) return;
    int n = decoder.safeReadLength();
    if (n <= 0) {
      throw new IllegalStateException(subject + ": its decoder needs more, allows " + n + " bytes");
    }
    source.limitReads(n);
  }
}
