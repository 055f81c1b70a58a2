package dev.porter.tcpmux;

import dev.porter.net.OneShotDecoder;
import dev.porter.net.OneShotReader;
import java.nio.ByteBuffer;

/**
 * The TCPMUX name line as a {@link OneShotReader} drives it, for the master and for a mux link's
 * exits alike: {@link NameLine} underneath, read one byte at a time when the socket may go to a
 * child, and what the client is told, and the log says, when the reader refuses.
 */
public final class NameLineDecoder implements OneShotDecoder {
  private final NameLine line = new NameLine();
  private NameLine.Result last = NameLine.Result.NEED_MORE;

  @Override
  public Result feed(ByteBuffer in) {
    last = line.feed(in);
    switch (last) {
      case NEED_MORE:
        return Result.NEED_MORE;
      case DONE:
        return Result.DONE;
      case TOO_LONG:
      case INVALID:
        return Result.INVALID;
      default:
        throw new AssertionError(last);
    }
  }

  /** One byte while reading: the line ends at a LF nobody can predict. */
  @Override
  public int safeReadLength() {
    return last == NameLine.Result.NEED_MORE ? 1 : 0;
  }

  /** The name, surrounding blanks removed; valid once the line is done. */
  public String name() {
    return line.name();
  }

  /**
   * What the client did, for the log line after its address: {@code sent a malformed name line}.
   * Not for {@code ENDED}: a client that closes before its name line ends gets nothing more.
   */
  public String problem(OneShotReader.Refusal why) {
    switch (why) {
      case TIMEOUT:
        return "sent no service name in time";
      case INVALID:
        return last == NameLine.Result.TOO_LONG
            ? "sent a name line over " + NameLine.MAX_LENGTH + " bytes"
            : "sent a malformed name line";
      default:
        throw new IllegalArgumentException("nothing is said of " + why);
    }
  }

  /** The reason after {@code -} in the reply (RFC 1078: {@code -} and an optional message). */
  public String reply(OneShotReader.Refusal why) {
    switch (why) {
      case TIMEOUT:
        return "timeout";
      case INVALID:
        return last == NameLine.Result.TOO_LONG ? "service name too long" : "invalid service name";
      default:
        throw new IllegalArgumentException("nothing is answered to " + why);
    }
  }
}
