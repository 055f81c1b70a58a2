package dev.porter.telnet;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The engine behind {@code porter telnet decode}: runs a TELNET byte stream (or a script of
 * send-side calls) through a {@link Telnet} and prints every event in the canonical format, with
 * the same arguments and byte-identical output as the C {@code telnet-oracle} over libtelnet.
 *
 * <p>Arguments ({@link Options#parse}): {@code -p} proxy, {@code -f N} flag bits, {@code -t SPEC}
 * option table, {@code -c OFF,...} / {@code -n N} chunking, {@code -s} script mode, {@code -e}
 * function names on warnings, {@code -M} merged DATA/SEND lines.
 *
 * <p>Deliberate differences from the C oracle: flag bits other than PROXY (1) and NVT_EOL (2) are
 * libtelnet internals and are ignored; a script that misuses the send API (e.g. {@code finish_sb}
 * without {@code begin_sb}) is a script error, since {@link Telnet} rejects it. The input is
 * streamed, not read whole: a {@code telnet_recv} call of the oracle longer than {@link
 * #INPUT_CHUNK} becomes several calls, so longer runs of data print as several DATA lines
 * (compressed streams that end within such a call drop only the rest of their piece); and with
 * {@code -M}, a merged line longer than {@link OracleFormatPrinter#MERGE_LIMIT} is an error.
 *
 * <p>Memory stays bounded whatever the input: one input chunk, a script line, one printed line (a
 * merged one included), and the codec's own.
 */
public final class TelnetDecode {

  /** The oracle's fgets buffer is 64 KiB: longer script lines are read in pieces of this size. */
  static final int SCRIPT_LINE_MAX = (1 << 16) - 1;

  /**
   * The oracle keeps at most this many tokens of a script line (MAX_ARGS); the rest are ignored.
   */
  static final int SCRIPT_MAX_TOKENS = 256;

  /** The oracle's telopt table holds 300 entries including the terminator (MAX_TELOPTS). */
  static final int MAX_TELOPTS = 300;

  /** The oracle accepts at most this many {@code -c} offsets (MAX_CHUNKS). */
  static final int MAX_CHUNKS = 4096;

  /** {@code zmpv} passes a NULL-terminated vararg list of at most this many arguments. */
  static final int ZMPV_MAX_ARGS = 8;

  /**
   * Input handed to the codec per call at most: 1 MiB, so that any capture up to that size decodes
   * with exactly the oracle's calls (the golden cases are a few KiB at most).
   */
  static final int INPUT_CHUNK = 1 << 20;

  /**
   * Inflated bytes per codec call (see {@link Telnet#recvBounded}) before the {@code -M} line limit
   * is checked again: 1 MiB, so a decompression bomb is stopped within about 1 MiB past the limit
   * instead of after inflating a whole chunk (1 GiB from a 1 MiB bomb).
   */
  static final int INFLATE_STEP = 1 << 20;

  private TelnetDecode() {}

  /**
   * Parsed arguments.
   *
   * @param flags raw flag bits from {@code -p} and {@code -f}, low 8 bits (libtelnet's unsigned
   *     char)
   * @param table the option table, or null-equivalent {@link TeloptTable#rejectAll()}
   * @param offsets {@code -c} split points; negative values were huge {@code size_t}s, clamped
   *     later
   * @param chunkSize {@code -n}, or 0
   */
  public record Options(
      int flags,
      TeloptTable table,
      List<Long> offsets,
      long chunkSize,
      boolean script,
      boolean detail,
      boolean merge) {

    /** Parses the oracle's command line: options in any order, each value in the next argument. */
    public static Options parse(List<String> args) throws DecodeException {
      int flags = 0;
      TeloptTable table = TeloptTable.rejectAll();
      List<Long> offsets = new ArrayList<>();
      long chunk = 0;
      boolean script = false;
      boolean detail = false;
      boolean merge = false;
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        boolean hasValue = i + 1 < args.size();
        if (a.equals("-p")) {
          flags |= Telnet.FLAG_PROXY;
        } else if (a.equals("-f") && hasValue) {
          flags |= (int) parseNumber(args.get(++i));
        } else if (a.equals("-t") && hasValue) {
          table = parseTable(args.get(++i));
        } else if (a.equals("-c") && hasValue) {
          for (String tok : args.get(++i).split(",")) {
            if (tok.isEmpty()) {
              continue; // strtok skips empty fields
            }
            if (offsets.size() >= MAX_CHUNKS) {
              throw new DecodeException("too many chunk offsets (at most " + MAX_CHUNKS + ")");
            }
            offsets.add(parseNumber(tok));
          }
        } else if (a.equals("-n") && hasValue) {
          chunk = parseNumber(args.get(++i));
          if (chunk <= 0) {
            throw new DecodeException("-n needs a positive chunk size, got " + chunk);
          }
        } else if (a.equals("-s")) {
          script = true;
        } else if (a.equals("-e")) {
          detail = true;
        } else if (a.equals("-M")) {
          merge = true;
        } else {
          throw new DecodeException(
              "bad argument '"
                  + a
                  + "'; usage: decode [-p] [-f FLAGS] [-t OPT:US:HIM,...|none]"
                  + " [-c OFF,OFF,...] [-n CHUNK] [-s] [-e] [-M] < input");
        }
      }
      return new Options(flags & 0xff, table, List.copyOf(offsets), chunk, script, detail, merge);
    }
  }

  /**
   * Runs the decoder: reads {@code in} as it goes, writes canonical lines to {@code out}. On a
   * {@link DecodeException} the lines printed so far have been flushed (a pending merged line is
   * not, as in the C oracle).
   */
  public static void run(Options options, InputStream in, OutputStream out)
      throws DecodeException, IOException {
    run(options, in, out, INPUT_CHUNK, INFLATE_STEP);
  }

  /** {@link #run(Options, InputStream, OutputStream)} with other bounds (for tests). */
  static void run(
      Options options, InputStream in, OutputStream out, int inputChunk, int inflateStep)
      throws DecodeException, IOException {
    InputStream input = new BufferedInputStream(in, 1 << 16);
    OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
    OracleFormatPrinter printer =
        new OracleFormatPrinter(buffered, options.merge(), options.detail());
    // Bits 5..7 are libtelnet-internal state (BINARY tracking, deflate direction): not user flags.
    int flags = options.flags() & (Telnet.FLAG_PROXY | Telnet.FLAG_NVT_EOL);
    try (Telnet telnet = new Telnet(options.table(), printer, flags)) {
      Feeder feeder = new Feeder(telnet, printer, inflateStep);
      if (options.script()) {
        runScript(telnet, printer, feeder, input);
      } else {
        runStream(feeder, options, input, inputChunk);
      }
    } catch (DecodeException e) {
      printer.flush();
      throw e;
    }
    printer.finish();
  }

  /** Convenience for tests and the command: parse, then run. */
  public static void run(List<String> args, InputStream in, OutputStream out)
      throws DecodeException, IOException {
    run(Options.parse(args), in, out);
  }

  /**
   * Hands input to the codec in bounded steps (events as for one {@code recv}, see {@link
   * Telnet#recvBounded}) and stops with an error once {@code -M} could not merge a run.
   */
  private static final class Feeder {
    private final Telnet telnet;
    private final OracleFormatPrinter printer;
    private final int inflateStep;

    /** Input bytes fed so far, for the error message. */
    private long fed;

    Feeder(Telnet telnet, OracleFormatPrinter printer, int inflateStep) {
      this.telnet = telnet;
      this.printer = printer;
      this.inflateStep = inflateStep;
    }

    /** One {@code telnet_recv} call of the oracle (an empty range is one zero-length call). */
    void recv(byte[] b, int off, int len) throws DecodeException {
      int done = 0;
      do {
        done += telnet.recvBounded(b, off + done, len - done, inflateStep);
        if (printer.mergeLimitReached()) {
          throw new DecodeException(
              "-M: a run of DATA or SEND bytes is longer than "
                  + (OracleFormatPrinter.MERGE_LIMIT >> 20)
                  + " MiB, too long to merge into one line"
                  + " (input byte "
                  + (fed + done)
                  + "); run without -M");
        }
      } while (done < len);
      fed += len;
    }
  }

  /**
   * Stream mode: the oracle's {@code telnet_recv} calls (pieces of {@code -n}, or cut at the {@code
   * -c} offsets, or all of stdin), read as they come and each split into pieces of at most {@code
   * chunk} bytes.
   */
  private static void runStream(Feeder feeder, Options options, InputStream in, int chunk)
      throws DecodeException, IOException {
    byte[] buf = new byte[chunk];
    long size = options.chunkSize();
    if (size > 0) {
      // As the oracle's loop: no call at all for an empty input, none after the last piece.
      while (call(feeder, in, buf, size, false) == size) {
        // a short piece was the last one
      }
      return;
    }
    long pos = 0;
    for (long raw : options.offsets()) {
      // size_t: a negative offset is huge; an offset past the end clamps to it.
      long off = raw < 0 ? Long.MAX_VALUE : raw;
      if (off < pos) {
        throw new DecodeException("chunk offsets must be ascending, got " + raw + " after " + pos);
      }
      pos += call(feeder, in, buf, off - pos, true);
    }
    call(feeder, in, buf, Long.MAX_VALUE, true);
  }

  /**
   * Feeds one oracle call of {@code want} bytes, or of what is left of the input if that is less,
   * in pieces of at most the buffer's size; returns the bytes fed. An empty call is made only if
   * {@code empty} says the oracle makes it.
   */
  private static long call(Feeder feeder, InputStream in, byte[] buf, long want, boolean empty)
      throws DecodeException, IOException {
    long fed = 0;
    while (true) {
      int ask = (int) Math.min(buf.length, want - fed);
      int n = in.readNBytes(buf, 0, ask);
      if (n > 0 || (fed == 0 && empty)) {
        feeder.recv(buf, 0, n);
      }
      fed += n;
      if (n < ask || fed == want) {
        return fed;
      }
    }
  }

  // -------------------------------------------------------------------------------------- script

  private static void runScript(
      Telnet telnet, OracleFormatPrinter printer, Feeder feeder, InputStream script)
      throws DecodeException, IOException {
    byte[] buf = new byte[SCRIPT_LINE_MAX];
    int lineNo = 0;
    int len;
    while ((len = readLine(script, buf)) > 0) {
      lineNo++;
      String line = cLine(buf, 0, len);
      List<String> argv = tokens(line);
      if (argv.isEmpty()) {
        continue;
      }
      try {
        command(telnet, printer, feeder, argv, lineNo);
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new DecodeException("line " + lineNo + ": " + argv.get(0) + ": " + e.getMessage());
      }
    }
  }

  /** fgets: up to 64 KiB - 1 bytes, or through the newline; returns the length, 0 at the end. */
  private static int readLine(InputStream in, byte[] buf) throws IOException {
    int n = 0;
    while (n < buf.length) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      buf[n++] = (byte) c;
      if (c == '\n') {
        break;
      }
    }
    return n;
  }

  /** The line as C sees it: up to the first NUL, bytes as ISO-8859-1 chars. */
  private static String cLine(byte[] b, int from, int to) {
    int end = from;
    while (end < to && b[end] != 0) {
      end++;
    }
    return new String(b, from, end - from, StandardCharsets.ISO_8859_1);
  }

  /** Blank and {@code #} lines give nothing; tokens split on space, tab, CR, LF (strtok). */
  private static List<String> tokens(String line) {
    int p = 0;
    while (p < line.length() && isCSpace(line.charAt(p))) {
      p++;
    }
    List<String> out = new ArrayList<>();
    if (p == line.length() || line.charAt(p) == '#') {
      return out;
    }
    int i = p;
    while (i < line.length() && out.size() < SCRIPT_MAX_TOKENS) {
      while (i < line.length() && isDelimiter(line.charAt(i))) {
        i++;
      }
      int s = i;
      while (i < line.length() && !isDelimiter(line.charAt(i))) {
        i++;
      }
      if (i > s) {
        out.add(line.substring(s, i));
      }
    }
    return out;
  }

  private static boolean isCSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
  }

  private static boolean isDelimiter(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static void command(
      Telnet t, OracleFormatPrinter printer, Feeder feeder, List<String> argv, int lineNo)
      throws DecodeException {
    String name = argv.get(0);
    switch (name) {
      case "recv":
        for (int i = 1; i < argv.size(); i++) {
          byte[] b = hex(argv.get(i));
          feeder.recv(b, 0, b.length);
        }
        break;
      case "iac":
        need(argv, 2, lineNo);
        t.iac(uchar(parseNumber(argv.get(1))));
        break;
      case "negotiate":
        need(argv, 3, lineNo);
        t.negotiate(uchar(parseCommandWord(argv.get(1))), uchar(parseNumber(argv.get(2))));
        break;
      case "send":
        {
          need(argv, 2, lineNo);
          byte[] b = hex(argv.get(1));
          t.send(b, 0, b.length);
          break;
        }
      case "sb":
        {
          need(argv, 3, lineNo);
          byte[] b = hex(argv.get(2));
          t.subnegotiation(uchar(parseNumber(argv.get(1))), b, 0, b.length);
          break;
        }
      case "begin_sb":
        need(argv, 2, lineNo);
        t.beginSb(uchar(parseNumber(argv.get(1))));
        break;
      case "finish_sb":
        t.finishSb();
        break;
      case "printf":
        {
          need(argv, 2, lineNo);
          byte[] b = cString(hex(argv.get(1)));
          t.sendText(b, 0, b.length);
          break;
        }
      case "raw_printf":
        {
          need(argv, 2, lineNo);
          byte[] b = cString(hex(argv.get(1)));
          t.send(b, 0, b.length); // telnet_raw_printf = telnet_send of the formatted text
          break;
        }
      case "ttype_send":
        t.ttypeSend();
        break;
      case "ttype_is":
        need(argv, 2, lineNo);
        t.ttypeIs(cString(hex(argv.get(1))));
        break;
      case "begin_newenviron":
        need(argv, 2, lineNo);
        t.beginNewEnviron(uchar(parseNumber(argv.get(1))));
        break;
      case "newenviron_value":
        {
          need(argv, 3, lineNo);
          byte[] b = cString(hex(argv.get(2)));
          t.newEnvironValue(uchar(parseNumber(argv.get(1))), b);
          break;
        }
      case "finish_newenviron":
        t.finishNewEnviron();
        break;
      case "zmp":
      case "zmpv":
        {
          need(argv, 2, lineNo);
          List<byte[]> args = new ArrayList<>();
          for (int i = 1; i < argv.size(); i++) {
            args.add(cString(hex(argv.get(i))));
          }
          if (name.equals("zmpv") && args.size() > ZMPV_MAX_ARGS) {
            throw new DecodeException("zmpv supports at most " + ZMPV_MAX_ARGS + " arguments");
          }
          t.sendZmp(args);
          break;
        }
      case "begin_zmp":
        need(argv, 2, lineNo);
        t.beginZmp(cString(hex(argv.get(1))));
        break;
      case "zmp_arg":
        need(argv, 2, lineNo);
        t.zmpArg(cString(hex(argv.get(1))));
        break;
      case "finish_zmp":
        t.finishZmp();
        break;
      case "begin_compress2":
        t.beginCompress2();
        break;
      case "mark":
        printer.mark(argv.subList(1, argv.size()));
        break;
      default:
        throw new DecodeException("line " + lineNo + ": unknown command '" + name + "'");
    }
  }

  private static void need(List<String> argv, int k, int lineNo) throws DecodeException {
    if (argv.size() < k) {
      throw new DecodeException(
          "line " + lineNo + ": '" + argv.get(0) + "' needs " + (k - 1) + " argument(s)");
    }
  }

  private static int uchar(long v) {
    return (int) (v & 0xff);
  }

  /** C strings end at the first NUL (the oracle passes decoded bytes as {@code char *}). */
  private static byte[] cString(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return Arrays.copyOf(b, i);
      }
    }
    return b;
  }

  /** A script byte string: lowercase or uppercase hex, {@code -} for empty. */
  static byte[] hex(String tok) throws DecodeException {
    if (tok.equals("-")) {
      return new byte[0];
    }
    if (tok.length() % 2 != 0) {
      throw new DecodeException("odd-length hex '" + tok + "'");
    }
    byte[] out = new byte[tok.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(tok.charAt(2 * i), 16);
      int lo = Character.digit(tok.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0 || tok.charAt(2 * i) > 'f' || tok.charAt(2 * i + 1) > 'f') {
        throw new DecodeException("bad hex '" + tok + "'");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------- numbers

  /** {@code WILL}/{@code WONT}/{@code DO}/{@code DONT} or a number. */
  static long parseCommandWord(String s) throws DecodeException {
    switch (s) {
      case "WILL":
        return Telnet.WILL;
      case "WONT":
        return Telnet.WONT;
      case "DO":
        return Telnet.DO;
      case "DONT":
        return Telnet.DONT;
      default:
        return parseNumber(s);
    }
  }

  /**
   * A number as C's {@code strtol(s, &end, 0)} reads it, all of {@code s} consumed: optional
   * leading white space and sign, {@code 0x} hex, leading-{@code 0} octal, else decimal; the value
   * must fit a 64-bit long.
   */
  public static long parseNumber(String s) throws DecodeException {
    int i = 0;
    int n = s.length();
    while (i < n && isCSpace(s.charAt(i))) {
      i++;
    }
    boolean negative = false;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    int radix = 10;
    if (i + 1 < n
        && s.charAt(i) == '0'
        && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
        && i + 2 < n
        && Character.digit(s.charAt(i + 2), 16) >= 0
        && s.charAt(i + 2) < 128) {
      radix = 16;
      i += 2;
    } else if (i < n && s.charAt(i) == '0') {
      radix = 8;
    }
    int digitsFrom = i;
    while (i < n && s.charAt(i) < 128 && Character.digit(s.charAt(i), radix) >= 0) {
      i++;
    }
    if (i == digitsFrom || i != n) {
      throw new DecodeException("bad number '" + s + "'");
    }
    BigInteger v = new BigInteger(s.substring(digitsFrom, i), radix);
    if (negative) {
      v = v.negate();
    }
    if (v.bitLength() > 63) {
      throw new DecodeException("bad number '" + s + "' (out of range)");
    }
    return v.longValue();
  }

  /**
   * {@code OPT:US:HIM,...} or {@code none}. Like the C table, an entry whose option reads as -1
   * (after the oracle's {@code short} cast) ends the table; options outside 0..255 never match.
   */
  static TeloptTable parseTable(String spec) throws DecodeException {
    TeloptTable.Builder b = TeloptTable.builder();
    if (spec.equals("none") || spec.isEmpty()) {
      return b.build();
    }
    boolean terminated = false;
    int count = 0;
    for (String item : spec.split(",")) {
      if (item.isEmpty()) {
        continue;
      }
      int c1 = item.indexOf(':');
      if (c1 < 0) {
        throw new DecodeException("telopt spec item needs OPT:US:HIM, got '" + item + "'");
      }
      int c2 = item.indexOf(':', c1 + 1);
      if (c2 < 0) {
        throw new DecodeException("telopt spec item needs OPT:US:HIM, got '" + item + "'");
      }
      if (count >= MAX_TELOPTS - 1) {
        throw new DecodeException("too many telopts (at most " + (MAX_TELOPTS - 1) + ")");
      }
      count++;
      short option = (short) parseNumber(item.substring(0, c1));
      int us = uchar(parseCommandWord(item.substring(c1 + 1, c2)));
      int him = uchar(parseCommandWord(item.substring(c2 + 1)));
      if (option == -1) {
        terminated = true;
      }
      if (!terminated && option >= 0 && option <= 255) {
        b.entry(option, us, him);
      }
    }
    return b.build();
  }
}
