package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TelnetDecodeCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(byte[] stdin, String... args) {
    TelnetDecodeCommand command =
        new TelnetDecodeCommand(
            new ByteArrayInputStream(stdin),
            out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandLine(command).execute(args);
  }

  @Test
  void aStreamIsPrintedInTheCanonicalFormat() {
    byte[] in = {'h', 'i', (byte) 0xff, (byte) 0xfb, 24};
    assertEquals(0, run(in, "-t", "24:WILL:DO"));
    assertEquals("DATA 6869\nSEND fffd18\nWILL 24\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void repeatedOptionsBehaveLikeTheOracles() {
    byte[] in = "ab".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0, run(in, "-M", "-c", "1", "-M", "-c", "1"));
    assertEquals("DATA 6162\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void scriptModeRunsSendSideCalls() {
    byte[] script = "mark start\nttype_send\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0, run(script, "-s"));
    assertEquals("MARK start\nSEND fffa1801fff0\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aBadArgumentExitsWithTwoAndOneLineOnStderr() {
    assertEquals(2, run(new byte[0], "-n", "0"));
    assertEquals(2, run(new byte[0], "--bogus"));
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length);
    assertTrue(
        lines[0].startsWith("porter telnet decode: -n needs a positive chunk size"), lines[0]);
    assertTrue(lines[1].contains("--bogus"), lines[1]);
  }

  /** IAC SB COMPRESS2 IAC SE, then {@code zeros} zero bytes deflated: a decompression bomb. */
  private static byte[] bomb(int zeros) {
    Deflater d = new Deflater(9);
    d.setInput(new byte[zeros]);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(new byte[] {(byte) 255, (byte) 250, 86, (byte) 255, (byte) 240});
    byte[] buf = new byte[8192];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) o.write(buf, 0, n);
    d.end();
    return o.toByteArray();
  }

  @Test
  void aBombUnderMergeEndsWithOneErrorLineAndExitTwo() {
    assertEquals(2, run(bomb(64 << 20), "-M"));
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(
        e.startsWith(
            "porter telnet decode: -M: a run of DATA or SEND bytes is longer than 16 MiB,"),
        e);
    assertEquals(1, e.split("\n").length, e);
    assertFalse(e.contains("Exception"), e);
    // What came before is printed, and the run's first 16 MiB in one line; then it stops.
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(3, lines.length);
    assertEquals("SUBNEGOTIATION 86 -", lines[0]);
    assertEquals("COMPRESS 1", lines[1]);
    assertEquals("DATA ".length() + 2 * (16 << 20), lines[2].length());
  }

  @Test
  void aBombWithoutMergeIsPrintedWhole() {
    assertEquals(0, run(bomb(8 << 20)));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2 + (8 << 20) / 1024, lines.length);
    assertEquals("DATA " + "00".repeat(1024), lines[lines.length - 1]);
  }

  @Test
  void eventsArePrintedBeforeAllOfStdinIsRead() {
    long size = 64L << 20;
    long[] writtenWhenHalfRead = {-1};
    // Plain data, made as it is read: the decoder must print the first megabytes before it
    // asks for the last ones.
    InputStream in =
        new InputStream() {
          long pos;

          @Override
          public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (pos == size) return -1;
            if (pos >= size / 2 && writtenWhenHalfRead[0] < 0) writtenWhenHalfRead[0] = out.size();
            int n = (int) Math.min(len, size - pos);
            java.util.Arrays.fill(b, off, off + n, (byte) 'a');
            pos += n;
            return n;
          }
        };
    TelnetDecodeCommand command =
        new TelnetDecodeCommand(in, out, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, new CommandLine(command).execute());
    assertTrue(
        writtenWhenHalfRead[0] > size / 2,
        "printed before half of stdin was read: " + writtenWhenHalfRead[0]);
    assertEquals(2 * size + size / (1 << 20) * "DATA \n".length(), out.size());
  }

  @Test
  void anInputLongerThanOneMebibyteIsHandedToTheCodecInPieces() {
    byte[] in = new byte[(1 << 20) + 1];
    java.util.Arrays.fill(in, (byte) 'a');
    assertEquals(0, run(in));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length);
    assertEquals("DATA 61", lines[1]);
    out.reset();
    assertEquals(0, run(in, "-M"));
    assertEquals(
        1, out.toString(StandardCharsets.UTF_8).split("\n").length, "-M merges the pieces");
  }

  @Test
  void aScriptErrorKeepsTheLinesPrintedBeforeItAndExitsWithTwo() {
    byte[] script = "mark one\nfrobnicate\nmark two\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(2, run(script, "-s"));
    assertEquals("MARK one\n", out.toString(StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals("porter telnet decode: line 2: unknown command 'frobnicate'\n", e);
    assertFalse(e.contains("Exception"));
  }
}
