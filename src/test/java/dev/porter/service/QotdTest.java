package dev.porter.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QotdTest {
  @Test
  void lineFeedsBecomeCrlf() {
    assertEquals("a\r\nb\r\n", new String(Qotd.toWire("a\nb\n"), StandardCharsets.UTF_8));
  }

  @Test
  void aQuoteIsCutTo512BytesAndStillEndsInCrlf() {
    byte[] b = Qotd.toWire("x".repeat(2000));
    assertEquals(Qotd.MAX_QUOTE, b.length);
    assertEquals('\r', b[b.length - 2]);
    assertEquals('\n', b[b.length - 1]);
  }

  @Test
  void aFortuneFileGivesOneOfItsQuotes(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("q");
    Files.writeString(f, "one\n%\ntwo\nlines\n%\nthree\n");
    Qotd q = Qotd.fromFile(f);
    assertEquals(3, q.size());
    for (int i = 0; i < 50; i++) {
      String s = new String(q.next(), StandardCharsets.UTF_8);
      assertTrue(s.equals("one\r\n") || s.equals("two\r\nlines\r\n") || s.equals("three\r\n"), s);
    }
  }

  @Test
  void timeCountsSecondsSince1900() {
    Clock c = Clock.fixed(Instant.ofEpochSecond(0), ZoneOffset.UTC);
    byte[] t = Time.answer(c);
    long v =
        ((t[0] & 0xffL) << 24) | ((t[1] & 0xffL) << 16) | ((t[2] & 0xffL) << 8) | (t[3] & 0xffL);
    assertEquals(2_208_988_800L, v);
  }

  @Test
  void daytimeUsesTheCtimeLayout() {
    Clock c = Clock.fixed(Instant.parse("2026-11-02T01:05:09Z"), ZoneOffset.UTC);
    assertEquals(
        "Mon Nov  2 01:05:09 2026\r\n", new String(Daytime.answer(c), StandardCharsets.US_ASCII));
  }
}
