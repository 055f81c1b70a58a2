package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RequestLineTest {
  /** How the bytes arrive: all at once, one at a time, in seeded random pieces. */
  enum Feeding {
    WHOLE,
    BYTE_BY_BYTE,
    RANDOM_SPLITS
  }

  static Stream<Feeding> feedings() {
    return Stream.of(Feeding.values());
  }

  @ParameterizedTest
  @MethodSource("feedings")
  void aLineEndsAtItsLfAndTheBytesAfterItAreLeftInTheBuffer(Feeding f) {
    RequestLine line = new RequestLine();
    List<RequestLine.Result> results = feed(line, "status web\r\nextra", f);
    assertEquals(RequestLine.Result.DONE, results.get(results.size() - 1));
    assertEquals("status web\r", line.text(), "the CR is ControlRequest.parse's to drop");
  }

  @ParameterizedTest
  @MethodSource("feedings")
  void aLineOfExactlyTheLimitIsARequestAndOneByteMoreIsTooLong(Feeding f) {
    String max = "x".repeat(ControlRequest.MAX_LINE_BYTES);
    RequestLine fits = new RequestLine();
    assertEquals(RequestLine.Result.DONE, last(feed(fits, max + "\n", f)));
    assertEquals(max, fits.text());
    RequestLine over = new RequestLine();
    assertEquals(RequestLine.Result.TOO_LONG, last(feed(over, max + "x", f)));
  }

  @ParameterizedTest
  @MethodSource("feedings")
  void theLastLineWithoutLfIsARequestWhenThePeerClosesAndNothingAtAllIsEmpty(Feeding f) {
    RequestLine line = new RequestLine();
    assertEquals(RequestLine.Result.NEED_MORE, last(feed(line, "list", f)));
    assertEquals(RequestLine.Result.DONE, line.end());
    assertEquals("list", line.text());
    assertEquals(RequestLine.Result.EMPTY, new RequestLine().end());
  }

  private static RequestLine.Result last(List<RequestLine.Result> results) {
    return results.get(results.size() - 1);
  }

  /** Feeds {@code text} in pieces until a result other than NEED_MORE; every result seen. */
  private static List<RequestLine.Result> feed(RequestLine line, String text, Feeding f) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Random random = new Random(1078);
    List<RequestLine.Result> results = new ArrayList<>();
    int off = 0;
    while (off < bytes.length) {
      int n =
          switch (f) {
            case WHOLE -> bytes.length;
            case BYTE_BY_BYTE -> 1;
            case RANDOM_SPLITS -> 1 + random.nextInt(Math.min(64, bytes.length - off));
          };
      n = Math.min(n, bytes.length - off);
      ByteBuffer piece = ByteBuffer.wrap(bytes, off, n);
      RequestLine.Result r = line.feed(piece);
      results.add(r);
      if (r != RequestLine.Result.NEED_MORE) {
        if (r == RequestLine.Result.DONE) {
          assertEquals(
              new String(
                  bytes, piece.position(), bytes.length - piece.position(), StandardCharsets.UTF_8),
              text.substring(text.indexOf('\n') + 1),
              "what follows the line stays unread");
        }
        return results;
      }
      off += n;
    }
    return results;
  }
}
