package dev.porter.control;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the one request line of a control connection: bytes up to LF, at most {@link
 * ControlRequest#MAX_LINE_BYTES} of them. Sans-I/O: the server feeds it what each read returned,
 * and tells it when the peer closed its side.
 */
final class RequestLine {
  /** What the bytes so far amount to. */
  enum Result {
    NEED_MORE,
    DONE,
    TOO_LONG,
    EMPTY
  }

  private final byte[] line = new byte[ControlRequest.MAX_LINE_BYTES];
  private int length;
  private String text = "";

  /**
   * Consumes bytes of {@code in} up to and including the LF. {@code DONE} leaves the position just
   * past the LF; {@code NEED_MORE} at the limit; {@code TOO_LONG} once a line fills the buffer
   * without one.
   */
  Result feed(ByteBuffer in) {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') return done();
      if (length == line.length) return Result.TOO_LONG;
      line[length++] = b;
    }
    return Result.NEED_MORE;
  }

  /**
   * The peer closed its side: a last line without LF is still a request ({@code printf list | nc
   * -U} works); no byte at all is {@code EMPTY}.
   */
  Result end() {
    return length == 0 ? Result.EMPTY : done();
  }

  private Result done() {
    text = new String(line, 0, length, StandardCharsets.UTF_8);
    return Result.DONE;
  }

  /** The line without its LF; valid after {@code DONE}. */
  String text() {
    return text;
  }
}
