package dev.porter.tcpmux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NameLineTest {
  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void aNameEndsAtCrlfAndLeavesTheRestInTheBuffer() {
    NameLine n = new NameLine();
    ByteBuffer in = bytes("echo\r\nhello");
    assertEquals(NameLine.Result.DONE, n.feed(in));
    assertEquals("echo", n.name());
    assertEquals("hello", StandardCharsets.ISO_8859_1.decode(in).toString());
  }

  @Test
  void aBareLineFeedEndsTheNameToo() {
    NameLine n = new NameLine();
    ByteBuffer in = bytes("date\nx");
    assertEquals(NameLine.Result.DONE, n.feed(in));
    assertEquals("date", n.name());
    assertEquals(1, in.remaining());
  }

  @Test
  void aNameSplitAtEveryByteIsReadTheSame() {
    NameLine n = new NameLine();
    String wire = "SomeService\r\n";
    for (int i = 0; i < wire.length() - 1; i++) {
      assertEquals(NameLine.Result.NEED_MORE, n.feed(bytes(wire.substring(i, i + 1))));
    }
    assertEquals(NameLine.Result.DONE, n.feed(bytes("\n")));
    assertEquals("SomeService", n.name());
  }

  @Test
  void randomSplitsNeverChangeTheNameOrTheLeftover() {
    Random r = new Random(42);
    String wire = "chat\r\nfirst bytes for the service";
    for (int round = 0; round < 200; round++) {
      NameLine n = new NameLine();
      int pos = 0;
      NameLine.Result res = NameLine.Result.NEED_MORE;
      String leftover = "";
      while (res == NameLine.Result.NEED_MORE) {
        int len = 1 + r.nextInt(4);
        ByteBuffer piece = bytes(wire.substring(pos, Math.min(wire.length(), pos + len)));
        pos += piece.remaining();
        res = n.feed(piece);
        leftover = StandardCharsets.ISO_8859_1.decode(piece).toString();
      }
      assertEquals(NameLine.Result.DONE, res);
      assertEquals("chat", n.name());
      assertEquals(wire.substring(pos - leftover.length()), wire.substring(6));
    }
  }

  @Test
  void aLineOfExactlyTheLimitIsAcceptedAndOneMoreIsTooLong() {
    NameLine ok = new NameLine();
    assertEquals(NameLine.Result.DONE, ok.feed(bytes("a".repeat(NameLine.MAX_LENGTH) + "\r\n")));
    NameLine tooLong = new NameLine();
    assertEquals(
        NameLine.Result.TOO_LONG, tooLong.feed(bytes("a".repeat(NameLine.MAX_LENGTH + 1))));
  }

  @Test
  void controlBytesAndBinaryGarbageAreInvalid() {
    assertEquals(NameLine.Result.INVALID, new NameLine().feed(bytes("ec\0ho\r\n")));
    assertEquals(NameLine.Result.INVALID, new NameLine().feed(bytes("\u00ff\u00fb\u0018")));
    assertEquals(NameLine.Result.INVALID, new NameLine().feed(bytes("echo\rx")));
  }

  @Test
  void blanksAroundTheNameAreIgnored() {
    NameLine n = new NameLine();
    n.feed(bytes("  help \r\n"));
    assertEquals("help", n.name());
  }
}
