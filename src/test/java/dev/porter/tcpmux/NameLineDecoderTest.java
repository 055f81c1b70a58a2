package dev.porter.tcpmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.porter.net.OneShotDecoder;
import dev.porter.net.OneShotReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The name line as the master and the exits read it: exactly, and refused in so many words. */
class NameLineDecoderTest {
  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void theLineIsReadOneByteAtATimeSoThatAChildFindsEveryByteAfterIt() {
    byte[] queue = "echo\r\nfor the child".getBytes(StandardCharsets.US_ASCII);
    List<Integer> limits = new ArrayList<>();
    List<String> decided = new ArrayList<>();
    NameLineDecoder d = new NameLineDecoder();
    OneShotReader r =
        new OneShotReader(
            "test",
            d,
            true,
            1_000_000_000L,
            rest -> decided.add(d.name() + " then " + rest.remaining() + " bytes"),
            why -> decided.add("refused " + why));
    r.start(
        new OneShotReader.Source() {
          @Override
          public OneShotReader.Cancellable schedule(long delayNanos, Runnable task) {
            return () -> {};
          }

          @Override
          public void limitReads(int max) {
            limits.add(max);
          }
        });
    int taken = 0;
    while (r.isReading()) {
      int limit = limits.get(limits.size() - 1);
      assertEquals(1, limit);
      r.feed(ByteBuffer.wrap(queue, taken, limit));
      taken += limit;
    }
    assertEquals(List.of("echo then 0 bytes"), decided);
    assertEquals("echo\r\n".length(), taken);
    assertEquals(0, limits.get(limits.size() - 1));
  }

  @Test
  void aCompleteLineIsDoneAndAllowsNoFurtherRead() {
    NameLineDecoder d = new NameLineDecoder();
    assertEquals(1, d.safeReadLength());
    assertEquals(OneShotDecoder.Result.DONE, d.feed(bytes("  Echo \r\nrest")));
    assertEquals("Echo", d.name());
    assertEquals(0, d.safeReadLength());
  }

  @Test
  void anOverLongLineIsRefusedAsTooLong() {
    NameLineDecoder d = new NameLineDecoder();
    assertEquals(OneShotDecoder.Result.INVALID, d.feed(bytes("a".repeat(NameLine.MAX_LENGTH + 1))));
    assertEquals("sent a name line over 256 bytes", d.problem(OneShotReader.Refusal.INVALID));
    assertEquals("service name too long", d.reply(OneShotReader.Refusal.INVALID));
  }

  @Test
  void controlBytesAreRefusedAsAnInvalidName() {
    NameLineDecoder d = new NameLineDecoder();
    assertEquals(OneShotDecoder.Result.INVALID, d.feed(bytes("\u00ff\u00fb\u0018")));
    assertEquals("sent a malformed name line", d.problem(OneShotReader.Refusal.INVALID));
    assertEquals("invalid service name", d.reply(OneShotReader.Refusal.INVALID));
  }

  @Test
  void aSilentClientIsToldTimeout() {
    NameLineDecoder d = new NameLineDecoder();
    assertEquals("sent no service name in time", d.problem(OneShotReader.Refusal.TIMEOUT));
    assertEquals("timeout", d.reply(OneShotReader.Refusal.TIMEOUT));
  }

  @Test
  void aClientThatClosesEarlyIsToldNothing() {
    NameLineDecoder d = new NameLineDecoder();
    assertThrows(IllegalArgumentException.class, () -> d.reply(OneShotReader.Refusal.ENDED));
  }
}
