package dev.porter.tcpmux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the TCPMUX service-name line (RFC 1078): bytes up to CRLF, or a bare LF. Sans-I/O and
 * one-shot: it consumes the line and its terminator and never a byte more, so whatever the client
 * sent after the line stays in the buffer for the service.
 */
public final class NameLine {
  /**
   * Longest name line accepted, terminator excluded. RFC 1078 sets no limit; service names are
   * short tokens, and 256 bounds what a client can make porter hold before it answers.
   */
  public static final int MAX_LENGTH = 256;

  /** What {@link #feed} found. */
  public enum Result {
    NEED_MORE,
    DONE,
    TOO_LONG,
    INVALID
  }

  private enum State {
    NAME,
    CR
  }

  private final byte[] line = new byte[MAX_LENGTH];
  private int length;
  private State state = State.NAME;
  private String name = "";

  /**
   * Consumes bytes of {@code in} up to and including the line's end. On {@code DONE} the buffer's
   * position is just past the terminator; on {@code NEED_MORE} it is at the limit.
   */
  public Result feed(ByteBuffer in) {
    while (in.hasRemaining()) {
      byte b = in.get();
      switch (state) {
        case NAME:
          if (b == '\n') return done();
          if (b == '\r') {
            state = State.CR;
          } else if (b < 0x20 || b == 0x7f) {
            // A name is printable ASCII: NUL, TELNET IAC and other control bytes mean a confused
            // client.
            return Result.INVALID;
          } else if ((b & 0x80) != 0) {
            return Result.INVALID;
          } else if (length == MAX_LENGTH) {
            return Result.TOO_LONG;
          } else {
            line[length++] = b;
          }
          break;
        case CR:
          if (b == '\n') return done();
          return Result.INVALID;
        default:
          throw new AssertionError(state);
      }
    }
    return Result.NEED_MORE;
  }

  private Result done() {
    name = new String(line, 0, length, StandardCharsets.US_ASCII).strip();
    return Result.DONE;
  }

  /** The name, surrounding blanks removed; valid after {@code DONE}. */
  public String name() {
    return name;
  }
}
