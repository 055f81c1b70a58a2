package dev.porter.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The codec's opt-in bounds on received MCCP2 ({@link Telnet#recvBounded}, {@link
 * Telnet#limitInflateRatio}, {@link Telnet#acceptCompress2}), each input fed whole, one byte at a
 * time and at seeded random splits.
 */
class InflateLimitsTest {
  private static final byte[] MARKER = HexFormat.of().parseHex("fffa56fff0");
  private static final long[] SEEDS = {1, 2, 3};

  /** zlib output of {@code data}, sync-flushed but not finished: an MCCP2 stream that goes on. */
  static byte[] compressed(byte[] data) {
    Deflater d = new Deflater(9);
    d.setInput(data);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      o.write(buf, 0, n);
    }
    d.end();
    return o.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  /** Text like a MUD's: words, ANSI colours, CR LF, an escaped IAC now and then. */
  static byte[] mudText(int size, long seed) {
    String[] words = {
      "the",
      "goblin",
      "swings",
      "at",
      "you",
      "\u001b[31mhits\u001b[0m",
      "misses",
      "north",
      "exits:",
      "gold",
      "\r\n",
      "\u00ff\u00ff"
    };
    Random r = new Random(seed);
    ByteArrayOutputStream o = new ByteArrayOutputStream(size + 16);
    while (o.size() < size) {
      o.writeBytes(words[r.nextInt(words.length)].getBytes(StandardCharsets.ISO_8859_1));
      o.write(' ');
    }
    return o.toByteArray();
  }

  /** The application data in well-formed TELNET data: each IAC IAC is one byte. */
  static long decodedLength(byte[] telnet) {
    long iac = 0;
    for (byte b : telnet) {
      if (b == (byte) 0xff) {
        iac++;
      }
    }
    return telnet.length - iac / 2;
  }

  static byte[] bomb(int inflated) {
    return concat(MARKER, compressed(new byte[inflated]));
  }

  /** The three feeders: the whole input, one byte at a time, random pieces (seeded). */
  static List<Feed> feeds() {
    List<Feed> out = new ArrayList<>();
    out.add(new Feed("whole", null));
    out.add(new Feed("one byte at a time", () -> 1));
    for (long seed : SEEDS) {
      Random r = new Random(seed);
      out.add(new Feed("random splits seed " + seed, () -> 1 + r.nextInt(3000)));
    }
    return out;
  }

  record Feed(String name, IntSupplier pieces) {
    /** The input cut into pieces, each of which is one recv call of a receiver. */
    List<byte[]> cut(byte[] input) {
      List<byte[]> out = new ArrayList<>();
      if (pieces == null) {
        out.add(input);
        return out;
      }
      for (int p = 0; p < input.length; ) {
        int n = Math.min(input.length - p, pieces.getAsInt());
        out.add(java.util.Arrays.copyOfRange(input, p, p + n));
        p += n;
      }
      return out;
    }
  }

  /** Feeds every piece through recvBounded until consumed; returns the most DATA one call gave. */
  static int feedBounded(Telnet t, Counting rec, List<byte[]> pieces, int budget) {
    int most = 0;
    for (byte[] p : pieces) {
      int done = 0;
      do {
        long before = rec.dataBytes;
        int n = t.recvBounded(p, done, p.length - done, budget);
        assertTrue(n >= 0 && n <= p.length - done, "consumed " + n + " of " + (p.length - done));
        done += n;
        most = (int) Math.max(most, rec.dataBytes - before);
      } while (done < p.length);
    }
    return most;
  }

  /** Canonical lines, DATA merged (only DATA boundaries may depend on how bytes arrive). */
  static final class Counting implements TelnetHandler {
    final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    final OracleFormatPrinter printer = new OracleFormatPrinter(lines, true, false);
    long dataBytes;
    long dataBeforeError = -1;

    @Override
    public void onData(byte[] buf, int off, int len) {
      dataBytes += len;
      printer.onData(buf, off, len);
    }

    @Override
    public void onSend(byte[] buf, int off, int len) {
      printer.onSend(buf, off, len);
    }

    @Override
    public void onSubnegotiation(int option, byte[] buf, int off, int len) {
      printer.onSubnegotiation(option, buf, off, len);
    }

    @Override
    public void onCompress(boolean enabled) {
      printer.onCompress(enabled);
    }

    @Override
    public void onWarning(String message) {
      printer.onWarning(message);
    }

    @Override
    public void onError(String message) {
      if (dataBeforeError < 0) {
        dataBeforeError = dataBytes;
      }
      printer.onError(message);
    }

    String output() {
      printer.finish();
      return lines.toString(StandardCharsets.ISO_8859_1);
    }
  }

  // ------------------------------------------------------------------------------ recvBounded

  @TestFactory
  Stream<DynamicTest> everyGoldenCaseDecodesTheSameWhenEachCallInflatesOneStep() {
    List<OracleCases.Case> cases = OracleCases.all();
    assertEquals(364, cases.size(), "number of golden cases");
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.toString(),
                    () -> {
                      ByteArrayOutputStream out = new ByteArrayOutputStream();
                      TelnetDecode.run(
                          TelnetDecode.Options.parse(c.args()),
                          new ByteArrayInputStream(c.input()),
                          out,
                          TelnetDecode.INPUT_CHUNK,
                          1);
                      assertEquals(
                          new String(c.expected(), StandardCharsets.ISO_8859_1),
                          out.toString(StandardCharsets.ISO_8859_1));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> boundedCallsInflateAtMostTheirBudgetAndGiveTheEventsOfRecv() {
    // Plain TELNET, then MCCP2 carrying MUD text and a run of zeros 1000 times its compressed size.
    byte[] input =
        concat(
            "hello\r\n".getBytes(StandardCharsets.US_ASCII),
            MARKER,
            compressed(concat(mudText(300_000, 7), new byte[2 << 20], mudText(50_000, 8))));
    return feeds().stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.name(),
                    () -> {
                      List<byte[]> pieces = f.cut(input);
                      Counting whole = new Counting();
                      try (Telnet t = new Telnet(TeloptTable.rejectAll(), whole, 0)) {
                        for (byte[] p : pieces) {
                          t.recv(p, 0, p.length);
                        }
                      }
                      for (int budget : new int[] {1, 4096, 65536}) {
                        Counting bounded = new Counting();
                        int most;
                        try (Telnet t = new Telnet(TeloptTable.rejectAll(), bounded, 0)) {
                          most = feedBounded(t, bounded, pieces, budget);
                        }
                        assertEquals(whole.output(), bounded.output(), "budget " + budget);
                        // The step that reaches the budget is the last; plain TELNET in the piece
                        // comes on top.
                        int plainBytes = 7;
                        assertTrue(
                            most <= budget + Telnet.ZLIB_CHUNK - 1 + plainBytes,
                            "budget " + budget + ": " + most);
                      }
                    }));
  }

  @Test
  void aBoundedCallWithInputLeftKeepsNoReferenceToIt() {
    byte[] input = bomb(1 << 20);
    Counting rec = new Counting();
    try (Telnet t = new Telnet(TeloptTable.rejectAll(), rec, 0)) {
      byte[] buf = input.clone();
      int done = t.recvBounded(buf, 0, buf.length, 4096);
      assertTrue(done < buf.length, "stopped early");
      // The caller reuses its buffer (a server's read buffer): the rest is passed from a copy.
      byte[] rest = java.util.Arrays.copyOfRange(buf, done, buf.length);
      java.util.Arrays.fill(buf, (byte) 0x55);
      int off = 0;
      while (off < rest.length) {
        off += t.recvBounded(rest, off, rest.length - off, 4096);
      }
    }
    assertEquals(1 << 20, rec.dataBytes);
    assertEquals(
        "SUBNEGOTIATION 86 -\nCOMPRESS 1\nDATA " + "00".repeat(1 << 20) + "\n", rec.output());
  }

  // ------------------------------------------------------------------------------- ratio cap

  @TestFactory
  Stream<DynamicTest> aStreamPastTheRatioIsAnErrorAndWhatFollowsIsPlainTelnet() {
    long floor = 256 * 1024;
    byte[] input = bomb(16 << 20);
    return feeds().stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.name(),
                    () -> {
                      Counting rec = new Counting();
                      try (Telnet t = new Telnet(TeloptTable.rejectAll(), rec, Telnet.FLAG_PROXY)) {
                        t.limitInflateRatio(100, floor);
                        for (byte[] p : f.cut(input)) {
                          t.recv(p, 0, p.length);
                        }
                        t.recv("ok".getBytes(StandardCharsets.US_ASCII));
                      }
                      // The step that crosses the floor at 1000:1 is over the ratio: it is dropped,
                      // not handed on.
                      long inflated = rec.dataBeforeError;
                      assertTrue(
                          inflated <= floor && inflated > floor - Telnet.ZLIB_CHUNK,
                          "inflated " + inflated);
                      String out = rec.output();
                      assertTrue(
                          out.startsWith("SUBNEGOTIATION 86 -\nCOMPRESS 1\nDATA 0000"),
                          out.substring(0, 60));
                      // As after a corrupt stream, the rest of that recv call is dropped and later
                      // calls are plain
                      // TELNET: here the bomb's next pieces (garbage), then "ok".
                      String tail = out.substring(out.indexOf("\nERROR") + 1);
                      assertTrue(
                          tail.startsWith(
                              "ERROR inflate() failed: compression ratio over 100:1\nCOMPRESS 0\n"),
                          tail);
                      assertTrue(
                          tail.endsWith("6f6b\n"), tail.substring(Math.max(0, tail.length() - 40)));
                      if (f.pieces() == null) {
                        assertTrue(
                            tail.endsWith("COMPRESS 0\nDATA 6f6b\n"),
                            "the whole input's rest is dropped");
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> streamsWithinTheRatioOrUnderTheFloorPassUnchanged() {
    // MUD text compresses about 4:1 here; 512 KiB of zeros is 1000:1 but stays under the floor.
    byte[] text = mudText(4 << 20, 9);
    byte[] input = concat(MARKER, compressed(concat(text, new byte[512 * 1024])));
    return feeds().stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.name(),
                    () -> {
                      List<byte[]> pieces = f.cut(input);
                      Counting unlimited = new Counting();
                      Counting limited = new Counting();
                      try (Telnet a = new Telnet(TeloptTable.rejectAll(), unlimited, 0);
                          Telnet b = new Telnet(TeloptTable.rejectAll(), limited, 0)) {
                        b.limitInflateRatio(100, 1 << 20);
                        for (byte[] p : pieces) {
                          a.recv(p, 0, p.length);
                          b.recv(p, 0, p.length);
                        }
                      }
                      String out = limited.output();
                      assertEquals(unlimited.output(), out);
                      assertTrue(!out.contains("ERROR"), "no error");
                      assertEquals(
                          decodedLength(text) + 512 * 1024, limited.dataBytes, "all inflated");
                    }));
  }

  // ------------------------------------------------------------------------ refused COMPRESS2

  @TestFactory
  Stream<DynamicTest> aRefusedCompress2IsAnErrorAndWhatFollowsIsPlainTelnet() {
    byte[] input =
        concat(
            "a".getBytes(StandardCharsets.US_ASCII),
            MARKER,
            HexFormat.of().parseHex("fffb18"),
            "bc".getBytes(StandardCharsets.US_ASCII));
    return feeds().stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.name(),
                    () -> {
                      Counting rec = new Counting();
                      try (Telnet t = new Telnet(TeloptTable.rejectAll(), rec, Telnet.FLAG_PROXY)) {
                        t.acceptCompress2(false);
                        for (byte[] p : f.cut(input)) {
                          t.recv(p, 0, p.length);
                        }
                      }
                      assertEquals(
                          "DATA 61\n"
                              + "SUBNEGOTIATION 86 -\n"
                              + "ERROR COMPRESS2 start refused\n"
                              + "DATA 6263\n",
                          rec.output());
                    }));
  }

  @Test
  void aCompress2AcceptedAgainStartsInflating() {
    Counting rec = new Counting();
    try (Telnet t = new Telnet(TeloptTable.rejectAll(), rec, 0)) {
      t.acceptCompress2(false);
      t.acceptCompress2(true);
      t.recv(bomb(10));
    }
    assertEquals("SUBNEGOTIATION 86 -\nCOMPRESS 1\nDATA 00000000000000000000\n", rec.output());
  }

  @Test
  void boundsOutsideTheirRangeAreRejected() {
    Telnet t = new Telnet(TeloptTable.rejectAll(), new Counting(), 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> t.recvBounded(new byte[1], 0, 1, 0));
    assertEquals("maxInflated must be at least 1, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.limitInflateRatio(0, 0));
    assertThrows(IllegalArgumentException.class, () -> t.limitInflateRatio(10, -1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.recvBounded(new byte[1], 1, 1, 10));
  }
}
