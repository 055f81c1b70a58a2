package dev.porter.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Seeded random TELNET streams (frames, junk, MCCP2 streams and garbage after COMPRESS2) through
 * the receive side, plain and in proxy mode: nothing escapes the codec, buffers stay bounded, and
 * whole and split feeding give the same events once DATA/SEND runs are merged.
 *
 * <p>The normal build runs a short pass; {@code -Dfuzz.iterations=1000000} (and optionally {@code
 * -Dfuzz.seed=N}) runs a long one.
 */
class TelnetFuzzTest {
  private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 3000);
  private static final long SEED = Long.getLong("fuzz.seed", 20240611L);
  private static final int[] OPTIONS = {0, 1, 3, 5, 24, 31, 36, 39, 70, 85, 86, 93, 200, 255};

  /** SB frames use every option but COMPRESS2, whose start is its own frame kind. */
  private static final int[] SB_OPTIONS = {0, 1, 3, 5, 24, 31, 36, 39, 70, 85, 93, 200, 255};

  @Test
  void randomStreamsNeverThrowStayBoundedAndDoNotDependOnTheSplit() {
    Random rnd = new Random(SEED);
    int compared = 0;
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      Stream s = stream(rnd);
      int flags =
          (rnd.nextInt(4) == 0 ? Telnet.FLAG_PROXY : 0)
              | (rnd.nextInt(3) == 0 ? Telnet.FLAG_NVT_EOL : 0);
      TeloptTable table = table(rnd);
      String context = "seed " + SEED + " iteration " + iteration + " flags " + flags;
      String whole = run(s.bytes, table, flags, new int[] {s.bytes.length}, context);
      int[] pieces = pieces(s.bytes.length, rnd);
      String split = run(s.bytes, table, flags, pieces, context);
      if (!s.splitSensitive && !aCompressedStreamEnded(whole)) {
        compared++;
        if (!whole.equals(split)) {
          Path dump = dumpFailure(s.bytes, pieces, iteration);
          assertEquals(whole, split, context + " (input and split saved as " + dump + ")");
        }
      }
    }
    assertTrue(compared > ITERATIONS / 2, "only " + compared + " runs were split-insensitive");
  }

  /** Saves a failing input and its split under target/ so it can be replayed with the decoder. */
  private static Path dumpFailure(byte[] input, int[] pieces, int iteration) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
      Path in = dir.resolve(SEED + "-" + iteration + ".in");
      Files.write(in, input);
      StringBuilder offsets = new StringBuilder();
      int pos = 0;
      for (int n : pieces) {
        pos += n;
        offsets.append(offsets.length() == 0 ? "" : ",").append(pos);
      }
      Files.writeString(dir.resolve(SEED + "-" + iteration + ".offsets"), offsets + "\n");
      return in;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether a zlib stream ended or broke during the run. libtelnet then drops the rest of that recv
   * call, so where the call ends decides what is lost. Besides the streams the generator ends on
   * purpose, this catches accidental ones: random bytes can spell {@code IAC SB 86 IAC SE}, a
   * stored (level 0) block carries a nested stream verbatim, and a CR under NVT_EOL or a stray IAC
   * can swallow the intended marker.
   */
  private static boolean aCompressedStreamEnded(String output) {
    return output.contains("COMPRESS 0\n");
  }

  /** Feeds the pieces, checking bounds after every call; returns the merged canonical output. */
  private static String run(
      byte[] input, TeloptTable table, int flags, int[] pieces, String context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OracleFormatPrinter printer = new OracleFormatPrinter(out, true, false);
    int[] largestPiece = {0};
    TelnetHandler bounded =
        new Forwarding(printer) {
          @Override
          public void onData(byte[] buf, int off, int len) {
            assertTrue(
                len <= Math.max(largestPiece[0], Telnet.ZLIB_CHUNK), context + ": DATA of " + len);
            super.onData(buf, off, len);
          }
        };
    try (Telnet t = new Telnet(table, bounded, flags)) {
      int pos = 0;
      for (int n : pieces) {
        largestPiece[0] = n;
        t.recv(input, pos, n);
        pos += n;
        assertTrue(t.subnegotiationCapacity() <= Telnet.SB_LIMIT, context);
      }
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(context + ": " + e, e);
    }
    printer.finish();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private record Stream(byte[] bytes, boolean splitSensitive) {}

  /**
   * Random frames; a COMPRESS2 start is followed by the rest of the stream deflated (sync-flushed,
   * finished, finished with trailing bytes, truncated, or replaced by garbage).
   */
  private static Stream stream(Random rnd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int frames = 1 + rnd.nextInt(30);
    for (int f = 0; f < frames; f++) {
      int kind = rnd.nextInt(100);
      if (kind < 25) {
        for (int i = rnd.nextInt(40); i >= 0; i--) {
          out.write("ab\r\n\0 x".charAt(rnd.nextInt(7)));
        }
      } else if (kind < 40) {
        out.write(0xff);
        out.write(Telnet.WILL + rnd.nextInt(4));
        out.write(OPTIONS[rnd.nextInt(OPTIONS.length)]);
      } else if (kind < 50) {
        out.write(0xff);
        out.write(rnd.nextInt(256));
      } else if (kind < 80) {
        out.write(0xff);
        out.write(Telnet.SB);
        out.write(SB_OPTIONS[rnd.nextInt(SB_OPTIONS.length)]);
        int len = rnd.nextInt(10) == 0 ? Telnet.SB_LIMIT - 2 + rnd.nextInt(5) : rnd.nextInt(16);
        for (int i = 0; i < len; i++) {
          int b = rnd.nextInt(8) == 0 ? 0xff : rnd.nextInt(5);
          out.write(b);
          if (b == 0xff && rnd.nextInt(5) != 0) {
            out.write(0xff);
          }
        }
        out.write(0xff);
        out.write(rnd.nextInt(6) == 0 ? rnd.nextInt(256) : Telnet.SE);
      } else if (kind < 88) {
        out.writeBytes(
            new byte[] {
              (byte) 0xff,
              (byte) Telnet.SB,
              (byte) Telnet.TELOPT_COMPRESS2,
              (byte) 0xff,
              (byte) Telnet.SE
            });
        return compressedRest(out, rnd);
      } else {
        byte[] junk = new byte[1 + rnd.nextInt(12)];
        rnd.nextBytes(junk);
        out.writeBytes(junk);
      }
    }
    return new Stream(out.toByteArray(), false);
  }

  /**
   * When a compressed stream ends, breaks or is cut short, libtelnet drops the rest of that recv
   * call (and zlib may hold back different output), so the output legitimately depends on the
   * split: such streams are only checked for robustness.
   */
  private static Stream compressedRest(ByteArrayOutputStream out, Random rnd) {
    byte[] rest = stream(rnd).bytes;
    switch (rnd.nextInt(5)) {
      case 0:
      case 1:
        out.writeBytes(deflate(rest, rnd.nextInt(10), false));
        return new Stream(out.toByteArray(), false);
      case 2:
        out.writeBytes(deflate(rest, rnd.nextInt(10), true));
        if (rnd.nextBoolean()) {
          out.writeBytes("after the end".getBytes(StandardCharsets.US_ASCII));
          return new Stream(out.toByteArray(), true);
        }
        return new Stream(out.toByteArray(), false);
      case 3:
        {
          byte[] z = deflate(rest, rnd.nextInt(10), false);
          out.write(z, 0, rnd.nextInt(z.length + 1));
          return new Stream(out.toByteArray(), true);
        }
      default:
        {
          byte[] junk = new byte[1 + rnd.nextInt(40)];
          rnd.nextBytes(junk);
          out.writeBytes(junk);
          return new Stream(out.toByteArray(), true);
        }
    }
  }

  /** A zlib stream of {@code text}: sync-flushed and left open, or finished when {@code end}. */
  private static byte[] deflate(byte[] text, int level, boolean end) {
    Deflater d = new Deflater(level);
    d.setInput(text);
    if (end) {
      d.finish();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    do {
      n = d.deflate(buf, 0, buf.length, end ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
      out.write(buf, 0, n);
    } while (n > 0 || (end && !d.finished()));
    d.end();
    return out.toByteArray();
  }

  private static TeloptTable table(Random rnd) {
    TeloptTable.Builder b = TeloptTable.builder();
    for (int opt : OPTIONS) {
      if (rnd.nextBoolean()) {
        b.accept(opt, rnd.nextBoolean(), rnd.nextBoolean());
      }
    }
    return b.build();
  }

  private static int[] pieces(int len, Random rnd) {
    int[] p = new int[len + 1];
    int count = 0;
    int left = len;
    while (left > 0) {
      int n = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(Math.min(left, 1 + rnd.nextInt(64)));
      p[count++] = n;
      left -= n;
      if (count == p.length) {
        p = java.util.Arrays.copyOf(p, p.length * 2);
      }
    }
    return java.util.Arrays.copyOf(p, count);
  }

  /** Hands every event on to another handler. */
  private static class Forwarding implements TelnetHandler {
    private final TelnetHandler to;

    Forwarding(TelnetHandler to) {
      this.to = to;
    }

    @Override
    public void onData(byte[] buf, int off, int len) {
      to.onData(buf, off, len);
    }

    @Override
    public void onSend(byte[] buf, int off, int len) {
      to.onSend(buf, off, len);
    }

    @Override
    public void onIac(int command) {
      to.onIac(command);
    }

    @Override
    public void onNegotiate(int command, int option) {
      to.onNegotiate(command, option);
    }

    @Override
    public void onSubnegotiation(int option, byte[] buf, int off, int len) {
      to.onSubnegotiation(option, buf, off, len);
    }

    @Override
    public void onCompress(boolean enabled) {
      to.onCompress(enabled);
    }

    @Override
    public void onZmp(List<byte[]> arguments) {
      to.onZmp(arguments);
    }

    @Override
    public void onTtype(int command, byte[] name) {
      to.onTtype(command, name);
    }

    @Override
    public void onEnviron(int option, int command, List<EnvironValue> values) {
      to.onEnviron(option, command, values);
    }

    @Override
    public void onMssp(List<MsspVariable> variables) {
      to.onMssp(variables);
    }

    @Override
    public void onWarning(String message) {
      to.onWarning(message);
    }

    @Override
    public void onError(String message) {
      to.onError(message);
    }
  }
}
