package dev.porter.telnet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Prints TELNET events in the telnet-oracle's format, the one the golden tests compare: each event
 * one line of the canonical format of FORMAT.md ({@code src/test/resources/telnet-oracle}), {@code
 * DATA 6869}, {@code WILL 24}, {@code SUBNEGOTIATION 31 00500018}, ... byte for byte what the C
 * oracle prints for libtelnet. {@code porter telnet decode} and the files of {@code telnet-log} use
 * it.
 *
 * <p>Output is buffered; call {@link #flush()} at the end. I/O errors surface as {@link
 * UncheckedIOException}. Memory is bounded: a line holds one event, and a merged DATA or SEND line
 * at most {@link #MERGE_LIMIT} bytes of data; a longer run goes on in a new line and {@link
 * #mergeLimitReached()} tells.
 */
public final class OracleFormatPrinter implements TelnetHandler {

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int TYPE_NONE = 0;
  private static final int TYPE_DATA = 1;
  private static final int TYPE_SEND = 2;

  /**
   * Data bytes one merged ({@code -M}) line holds at most: 16 MiB, a 32 MiB line of hex. Merging
   * that much means a decompression bomb or a capture without a single TELNET command, where one
   * line is of no use; the run goes on in a new line.
   */
  public static final int MERGE_LIMIT = 16 << 20;

  /** The longest line a Java array holds (the JDK's own soft maximum array length). */
  private static final int MAX_LINE = Integer.MAX_VALUE - 8;

  private final OutputStream out;
  private final boolean merge;
  private final boolean detail;

  private byte[] line = new byte[256];
  private int lineLen;

  /** The type of the merged line being built in {@code line}, or TYPE_NONE. */
  private int pendingType = TYPE_NONE;

  /** Data bytes in the merged line so far. */
  private int pendingLen;

  private boolean mergeLimitReached;

  /**
   * @param out where lines go (written in large blocks)
   * @param merge the oracle's {@code -M}: consecutive DATA events become one line, likewise SEND
   * @param detail the oracle's {@code -e}: WARNING/ERROR lines name libtelnet's reporting function
   */
  public OracleFormatPrinter(OutputStream out, boolean merge, boolean detail) {
    this.out = out;
    this.merge = merge;
    this.detail = detail;
  }

  @Override
  public void onData(byte[] buf, int off, int len) {
    bytesEvent(TYPE_DATA, buf, off, len);
  }

  @Override
  public void onSend(byte[] buf, int off, int len) {
    bytesEvent(TYPE_SEND, buf, off, len);
  }

  private void bytesEvent(int type, byte[] buf, int off, int len) {
    if (!merge) {
      text(type == TYPE_DATA ? "DATA " : "SEND ");
      hex(buf, off, len);
      endLine();
      return;
    }
    // The merged line is built in place, its hex appended event by event; other events end it.
    if (pendingType != type) {
      flushPending();
      pendingType = type;
      text(type == TYPE_DATA ? "DATA " : "SEND ");
    }
    while (len > 0) {
      if (pendingLen == MERGE_LIMIT) {
        mergeLimitReached = true;
        flushPending();
        pendingType = type;
        text(type == TYPE_DATA ? "DATA " : "SEND ");
      }
      int n = Math.min(len, MERGE_LIMIT - pendingLen);
      hexDigits(buf, off, n);
      pendingLen += n;
      off += n;
      len -= n;
    }
  }

  private void flushPending() {
    if (pendingType == TYPE_NONE) {
      return;
    }
    if (pendingLen == 0) {
      put((byte) '-');
    }
    endLine();
    pendingType = TYPE_NONE;
    pendingLen = 0;
  }

  /**
   * True once a merged DATA or SEND run was longer than {@link #MERGE_LIMIT} and went on in a new
   * line: the output is complete, but no longer one line per run.
   */
  public boolean mergeLimitReached() {
    return mergeLimitReached;
  }

  @Override
  public void onIac(int command) {
    flushPending();
    text("IAC ");
    text(Integer.toString(command));
    endLine();
  }

  @Override
  public void onNegotiate(int command, int option) {
    flushPending();
    switch (command) {
      case Telnet.WILL:
        text("WILL ");
        break;
      case Telnet.WONT:
        text("WONT ");
        break;
      case Telnet.DO:
        text("DO ");
        break;
      default:
        text("DONT ");
        break;
    }
    text(Integer.toString(option));
    endLine();
  }

  @Override
  public void onSubnegotiation(int option, byte[] buf, int off, int len) {
    flushPending();
    text("SUBNEGOTIATION ");
    text(Integer.toString(option));
    text(" ");
    hex(buf, off, len);
    endLine();
  }

  @Override
  public void onCompress(boolean enabled) {
    flushPending();
    text(enabled ? "COMPRESS 1" : "COMPRESS 0");
    endLine();
  }

  @Override
  public void onZmp(List<byte[]> arguments) {
    flushPending();
    text("ZMP ");
    text(Integer.toString(arguments.size()));
    for (byte[] a : arguments) {
      text(" ");
      cString(a);
    }
    endLine();
  }

  @Override
  public void onTtype(int command, byte[] name) {
    flushPending();
    if (command == Telnet.TTYPE_SEND) {
      text("TTYPE SEND");
    } else if (command == Telnet.TTYPE_IS) {
      text("TTYPE IS ");
      cString(name);
    } else {
      text("TTYPE " + command);
    }
    endLine();
  }

  @Override
  public void onEnviron(int option, int command, List<EnvironValue> values) {
    flushPending();
    text("ENVIRON ");
    switch (command) {
      case Telnet.ENVIRON_IS:
        text("IS");
        break;
      case Telnet.ENVIRON_SEND:
        text("SEND");
        break;
      case Telnet.ENVIRON_INFO:
        text("INFO");
        break;
      default:
        text(Integer.toString(command));
        break;
    }
    text(" ");
    text(Integer.toString(values.size()));
    for (EnvironValue v : values) {
      if (v.type() == Telnet.ENVIRON_VAR) {
        text(" VAR:");
      } else if (v.type() == Telnet.ENVIRON_USERVAR) {
        text(" USERVAR:");
      } else {
        text(" " + v.type() + ":");
      }
      cString(v.name());
      text(":");
      cString(v.value());
    }
    endLine();
  }

  @Override
  public void onMssp(List<MsspVariable> variables) {
    flushPending();
    text("MSSP ");
    text(Integer.toString(variables.size()));
    for (MsspVariable v : variables) {
      text(" ");
      if (v.filled()) {
        cString(v.name());
        text(":");
        cString(v.value());
      } else {
        text("(null):(null)"); // what printf("%s") shows for libtelnet's NULL pointers
      }
    }
    endLine();
  }

  @Override
  public void onWarning(String message) {
    problem("WARNING ", message);
  }

  @Override
  public void onError(String message) {
    problem("ERROR ", message);
  }

  private void problem(String kind, String message) {
    flushPending();
    text(kind);
    if (detail) {
      text("[" + libtelnetFunction(message) + "] ");
    }
    text(message);
    endLine();
  }

  /** Writes a {@code MARK} line (script mode), after any merged DATA/SEND line. */
  public void mark(List<String> words) {
    flushPending();
    text("MARK");
    for (String w : words) {
      text(" ");
      text(w);
    }
    endLine();
  }

  /** Writes any merged DATA/SEND line still pending, then flushes the stream. */
  public void finish() {
    flushPending();
    flush();
  }

  /** Flushes what was written so far, without a pending merged line (the oracle's exit(2) path). */
  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The name of the libtelnet function that raises each message, for {@code -e}. */
  static String libtelnetFunction(String message) {
    if (message.endsWith(" answered by WILL") || message.endsWith(" answered by DO")) {
      return "_negotiate";
    } else if (message.startsWith("unexpected byte after IAC inside SB")) {
      return "_process";
    } else if (message.startsWith("subnegotiation buffer size limit")) {
      return "_buffer_byte";
    } else if (message.contains("ZMP")) {
      return "_zmp_telnet";
    } else if (message.contains("TERMINAL-TYPE")) {
      return "_ttype_telnet";
    } else if (message.startsWith("telopt ")) {
      return "_environ_telnet";
    } else if (message.contains("MSSP")) {
      return "_mssp_telnet";
    } else if (message.startsWith("cannot initialize compression")) {
      return "_init_zlib";
    } else if (message.startsWith("inflate()")) {
      return "telnet_recv";
    } else if (message.startsWith("deflate()")) {
      return "_send";
    }
    return "?";
  }

  // ------------------------------------------------------------------------------ line assembly

  /** Bytes as the oracle prints C strings: up to the first NUL, as lowercase hex, "-" if empty. */
  private void cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    hex(b, 0, n);
  }

  private void hex(byte[] b, int off, int len) {
    if (len == 0) {
      put((byte) '-');
      return;
    }
    hexDigits(b, off, len);
  }

  private void hexDigits(byte[] b, int off, int len) {
    ensure(2L * len);
    byte[] l = line;
    int p = lineLen;
    for (int i = off, end = off + len; i < end; i++) {
      int v = b[i] & 0xff;
      l[p++] = HEX[v >>> 4];
      l[p++] = HEX[v & 15];
    }
    lineLen = p;
  }

  private void text(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      line[lineLen++] = (byte) s.charAt(i);
    }
  }

  private void put(byte b) {
    ensure(1);
    line[lineLen++] = b;
  }

  private void endLine() {
    put((byte) '\n');
    try {
      out.write(line, 0, lineLen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lineLen = 0;
    if (line.length > 1 << 16) {
      line = new byte[256];
    }
  }

  private void ensure(long extra) {
    long need = lineLen + extra;
    if (need <= line.length) {
      return;
    }
    if (need > MAX_LINE) {
      throw new IllegalArgumentException(
          "an event of " + extra / 2 + " bytes is too long to print as one line");
    }
    line = Arrays.copyOf(line, (int) Math.min(MAX_LINE, Math.max(2L * line.length, need)));
  }
}
