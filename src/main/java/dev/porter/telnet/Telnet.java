package dev.porter.telnet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * One TELNET connection's protocol state, with libtelnet's semantics: feed it received bytes with
 * {@link #recv}, call the send methods to produce output, and it calls a {@link TelnetHandler} back
 * with every event, outgoing bytes included ({@link TelnetHandler#onSend}).
 *
 * <p>Sans-I/O and single-threaded: no sockets, threads or clocks; a connection's {@code Telnet} is
 * used by one thread at a time. Handlers may call the send methods while handling a received event
 * (a proxy or an echo service does), but must not call {@link #recv} from a handler, nor call back
 * into the {@code Telnet} from {@link TelnetHandler#onSend}. Malformed input never throws; it
 * becomes {@link TelnetHandler#onWarning} / {@link TelnetHandler#onError} events exactly where
 * libtelnet raises them. Misuse of the send API (for example {@link #finishSb} without {@link
 * #beginSb}) throws {@link IllegalStateException}.
 *
 * <p>Target semantics are upstream libtelnet at commit 5f5ecee, including its fixes to 0.21's
 * Q-method events, option-table size and NEW-ENVIRON sending, except that an MCCPv1 start ({@code
 * IAC SB 85 WILL}) discards exactly the byte after WILL, wherever it arrives.
 *
 * <p>Received MCCP2 is bounded in three opt-in ways that libtelnet does not have (without them a
 * {@code Telnet} behaves exactly as libtelnet): {@link #recvBounded} inflates at most a given
 * amount per call and hands the rest of the input back, {@link #limitInflateRatio} ends a stream
 * that expands more than a given ratio, and {@link #acceptCompress2} refuses the peer's COMPRESS2
 * start. Memory is the same either way: while a zlib stream is open, a 1 KiB buffer and zlib's own
 * state (zlib's figures: about 40 KiB to inflate, 256 KiB to deflate).
 */
public final class Telnet implements AutoCloseable {

  // TELNET commands (RFC 854).
  public static final int IAC = 255;
  public static final int DONT = 254;
  public static final int DO = 253;
  public static final int WONT = 252;
  public static final int WILL = 251;
  public static final int SB = 250;
  public static final int GA = 249;
  public static final int EL = 248;
  public static final int EC = 247;
  public static final int AYT = 246;
  public static final int AO = 245;
  public static final int IP = 244;
  public static final int BREAK = 243;
  public static final int DM = 242;
  public static final int NOP = 241;
  public static final int SE = 240;
  public static final int EOR = 239;
  public static final int ABORT = 238;
  public static final int SUSP = 237;
  public static final int EOF = 236;

  // Options the codec knows by number.
  public static final int TELOPT_BINARY = 0;
  public static final int TELOPT_ECHO = 1;
  public static final int TELOPT_SGA = 3;
  public static final int TELOPT_TTYPE = 24;
  public static final int TELOPT_NAWS = 31;
  public static final int TELOPT_ENVIRON = 36;
  public static final int TELOPT_NEW_ENVIRON = 39;
  public static final int TELOPT_MSSP = 70;
  public static final int TELOPT_COMPRESS = 85;
  public static final int TELOPT_COMPRESS2 = 86;
  public static final int TELOPT_ZMP = 93;
  public static final int TELOPT_EXOPL = 255;

  // TERMINAL-TYPE (RFC 1091), ENVIRON / NEW-ENVIRON (RFC 1408, RFC 1572) and MSSP codes.
  public static final int TTYPE_IS = 0;
  public static final int TTYPE_SEND = 1;
  public static final int ENVIRON_IS = 0;
  public static final int ENVIRON_SEND = 1;
  public static final int ENVIRON_INFO = 2;
  public static final int ENVIRON_VAR = 0;
  public static final int ENVIRON_VALUE = 1;
  public static final int ENVIRON_ESC = 2;
  public static final int ENVIRON_USERVAR = 3;
  public static final int MSSP_VAR = 1;
  public static final int MSSP_VAL = 2;

  /** libtelnet's TELNET_FLAG_PROXY: no negotiation logic, COMPRESS2 seen in both directions. */
  public static final int FLAG_PROXY = 1;

  /**
   * libtelnet's TELNET_FLAG_NVT_EOL (0.22 and later): received CR LF becomes LF, CR NUL becomes CR,
   * while the peer has not enabled BINARY.
   */
  public static final int FLAG_NVT_EOL = 2;

  /**
   * Largest subnegotiation payload kept: libtelnet's buffer grows 512, 2048, 8192, 16384 bytes and
   * stops there. The byte that overflows raises a warning, the SB is dropped, the rest is data.
   */
  static final int SB_LIMIT = 16384;

  /** First allocation of the SB buffer (libtelnet's first step), so idle connections stay small. */
  private static final int SB_INITIAL = 512;

  /**
   * zlib output per inflate/deflate call: libtelnet's 1024-byte stack buffer. It bounds a
   * decompression bomb (each 1 KiB is handed on before more is inflated) and fixes DATA/SEND
   * boundaries after COMPRESS2.
   */
  static final int ZLIB_CHUNK = 1024;

  /** Receive states, named after RFC 854's syntax. */
  private enum State {
    /** Plain data. */
    DATA,
    /** CR seen with FLAG_NVT_EOL: the next byte decides what the CR means. */
    EOL,
    /** IAC seen. */
    IAC,
    WILL,
    WONT,
    DO,
    DONT,
    /** IAC SB seen: the next byte is the option. */
    SB,
    /** Inside a subnegotiation. */
    SB_DATA,
    /** IAC inside a subnegotiation: SE ends it, IAC is an escaped 255. */
    SB_DATA_IAC,
    /** MCCPv1 start (IAC SB 85 WILL): the byte after WILL is discarded. */
    COMPRESS1_DISCARD
  }

  // RFC 1143 option states, one per side per option, kept as bytes in two 256-entry tables
  // (switching on a byte avoids a pointer load per received negotiation).
  private static final byte Q_NO = 0;
  private static final byte Q_YES = 1;
  private static final byte Q_WANTNO = 2;
  private static final byte Q_WANTNO_OPPOSITE = 3;
  private static final byte Q_WANTYES = 4;
  private static final byte Q_WANTYES_OPPOSITE = 5;

  private final TeloptTable table;
  private final TelnetHandler handler;
  private final boolean proxy;
  private final boolean nvtEol;

  private State state = State.DATA;

  /** RFC 1143 "us" state per option: whether this side has it enabled. */
  private final byte[] us = new byte[256];

  /** RFC 1143 "him" state per option: whether the peer has it enabled. */
  private final byte[] him = new byte[256];

  private int sbOption;
  private byte[] sbBuf = new byte[0];
  private int sbLen;

  /** libtelnet keeps one zlib stream: at most one of these is non-null. */
  private Inflater inflater;

  private Deflater deflater;
  private byte[] zlibOut;

  /** Opt-in bounds on received MCCP2 (see {@link #acceptCompress2}, {@link #limitInflateRatio}). */
  private boolean compress2Accepted = true;

  /** Inflated bytes allowed per compressed byte received; 0: no limit (libtelnet). */
  private int maxInflateRatio;

  /** Inflated bytes of a stream below which its ratio is not checked. */
  private long inflateRatioFloor;

  /** Send side: the option of the subnegotiation opened by beginSb, or -1. */
  private int sendSbOption = -1;

  /** Scratch for one-byte DATA events (receive side), so they allocate nothing. */
  private final byte[] one = new byte[1];

  /** Scratch for short SEND events (send side), kept apart from the receive side's. */
  private final byte[] scratch = new byte[8];

  /**
   * Creates a connection's state.
   *
   * @param table the options we agree to when asked (ignored with {@link #FLAG_PROXY})
   * @param handler receives every event
   * @param flags {@link #FLAG_PROXY} and/or {@link #FLAG_NVT_EOL}, or 0
   */
  public Telnet(TeloptTable table, TelnetHandler handler, int flags) {
    this.table = Objects.requireNonNull(table, "table");
    this.handler = Objects.requireNonNull(handler, "handler");
    if ((flags & ~(FLAG_PROXY | FLAG_NVT_EOL)) != 0) {
      throw new IllegalArgumentException("unknown telnet flags 0x" + Integer.toHexString(flags));
    }
    this.proxy = (flags & FLAG_PROXY) != 0;
    this.nvtEol = (flags & FLAG_NVT_EOL) != 0;
  }

  // ------------------------------------------------------------------------------------ receive

  /** Parses received bytes; events go to the handler before this returns. */
  public void recv(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    receive(buf, off, len, Long.MAX_VALUE);
  }

  /**
   * Parses received bytes like {@link #recv}, but inflates at most about {@code maxInflated} bytes
   * of MCCP2 data (the 1 KiB inflate step that reaches it is the last one) and returns how many
   * bytes of the input it consumed. Fewer than {@code len} means it stopped inside a compressed
   * stream: pass the rest, {@code buf[off + consumed, off + len)}, alone to the next call, before
   * any newer input. Fed that way, the events are exactly those of one {@link #recv} of the whole
   * input (a stream that ends or fails still drops the rest of that input, as in libtelnet). Plain
   * TELNET is always consumed whole: it never expands more than twofold.
   *
   * <p>This lets a server bound the work one read costs and go on later (a decompression bomb is
   * 1000 times its size), without copying the input: the codec keeps no reference to it.
   *
   * @param maxInflated inflated bytes after which this call stops, at least 1
   * @return the bytes of the input consumed, from 0 (only inflating output zlib held) to {@code
   *     len}
   */
  public int recvBounded(byte[] buf, int off, int len, int maxInflated) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (maxInflated < 1) {
      throw new IllegalArgumentException("maxInflated must be at least 1, got " + maxInflated);
    }
    return receive(buf, off, len, maxInflated);
  }

  private int receive(byte[] buf, int off, int len, long maxInflated) {
    if (inflater != null) {
      return inflate(buf, off, len, maxInflated);
    }
    int end = off + len;
    int compressedFrom = process(buf, off, end);
    if (compressedFrom < 0) {
      return len;
    }
    // COMPRESS2 started mid-buffer: libtelnet re-enters telnet_recv with the rest.
    return compressedFrom - off + inflate(buf, compressedFrom, end - compressedFrom, maxInflated);
  }

  /**
   * Whether a received COMPRESS2 start ({@code IAC SB COMPRESS2 IAC SE}) starts inflating: yes by
   * default, as in libtelnet. Refused, the marker is reported (SUBNEGOTIATION) and followed by
   * ERROR "COMPRESS2 start refused", no stream starts and parsing goes on with the next byte as
   * plain TELNET: what libtelnet does with a marker it cannot honour ("cannot initialize
   * compression twice"). A proxy uses it for the direction MCCP2 does not define (client to server:
   * MCCP2 compresses only what the server sends).
   */
  public void acceptCompress2(boolean accept) {
    compress2Accepted = accept;
  }

  /**
   * Ends a received MCCP2 stream that expands too much (no limit by default, as in libtelnet): once
   * a stream has inflated more than {@code floorBytes}, every 1 KiB inflate step checks that it
   * inflated at most {@code maxRatio} bytes per compressed byte received. Past that it is an ERROR
   * "inflate() failed: compression ratio over N:1", the stream ends (COMPRESS 0) and the rest of
   * the input is dropped, as libtelnet does with a corrupt stream. The floor lets short streams
   * through: a few compressed bytes may stand for a screenful, and zlib's best is about 1032:1.
   *
   * @param maxRatio inflated bytes per compressed byte, at least 1
   * @param floorBytes inflated bytes of a stream that are never checked, 0 or more
   */
  public void limitInflateRatio(int maxRatio, long floorBytes) {
    if (maxRatio < 1) {
      throw new IllegalArgumentException("maxRatio must be at least 1, got " + maxRatio);
    }
    if (floorBytes < 0) {
      throw new IllegalArgumentException("floorBytes must be 0 or more, got " + floorBytes);
    }
    maxInflateRatio = maxRatio;
    inflateRatioFloor = floorBytes;
  }

  /** Parses received bytes; events go to the handler before this returns. */
  public void recv(byte[] buf) {
    recv(buf, 0, buf.length);
  }

  /**
   * The byte loop. Returns the index where a just-started compressed stream begins (the caller
   * inflates from there), or -1 when the whole range was consumed as plain TELNET.
   */
  private int process(byte[] buf, int from, int end) {
    // The state lives in a local while the loop runs (stored back on every exit): a field store
    // per transition costs a GC write barrier on the negotiation-heavy path.
    State st = state;
    int start = from;
    int i = from;
    while (i < end) {
      int b = buf[i] & 0xff;
      switch (st) {
        case DATA:
          {
            // Hot path: scan to the next IAC (or CR when translating) and emit the run in one
            // event.
            int j = i;
            if (nvtEol && !peerBinary()) {
              while (j < end && buf[j] != (byte) IAC && buf[j] != '\r') {
                j++;
              }
            } else {
              while (j < end && buf[j] != (byte) IAC) {
                j++;
              }
            }
            if (j == end) {
              i = end;
              break;
            }
            if (j != start) {
              handler.onData(buf, start, j - start);
            }
            st = buf[j] == (byte) IAC ? State.IAC : State.EOL;
            i = j + 1;
            break;
          }
        case EOL:
          // libtelnet master: CR LF -> LF, CR NUL -> CR; after CR anything else (even IAC) is
          // passed through as data together with the CR (RFC 854 allows nothing else after CR).
          if (b != '\n') {
            one[0] = '\r';
            handler.onData(one, 0, 1);
          }
          start = b == 0 ? i + 1 : i;
          st = State.DATA;
          i++;
          break;
        case IAC:
          switch (b) {
            case SB:
              st = State.SB;
              break;
            case WILL:
              st = State.WILL;
              break;
            case WONT:
              st = State.WONT;
              break;
            case DO:
              st = State.DO;
              break;
            case DONT:
              st = State.DONT;
              break;
            case IAC:
              // IAC IAC: one DATA event for the escaped byte, as libtelnet does.
              one[0] = (byte) IAC;
              handler.onData(one, 0, 1);
              start = i + 1;
              st = State.DATA;
              break;
            default:
              handler.onIac(b);
              start = i + 1;
              st = State.DATA;
              break;
          }
          i++;
          break;
        case WILL:
          received(WILL, b);
          start = i + 1;
          st = State.DATA;
          i++;
          break;
        case WONT:
          received(WONT, b);
          start = i + 1;
          st = State.DATA;
          i++;
          break;
        case DO:
          received(DO, b);
          start = i + 1;
          st = State.DATA;
          i++;
          break;
        case DONT:
          received(DONT, b);
          start = i + 1;
          st = State.DATA;
          i++;
          break;
        case SB:
          sbOption = b;
          sbLen = 0;
          st = State.SB_DATA;
          i++;
          break;
        case SB_DATA:
          if (b == IAC) {
            st = State.SB_DATA_IAC;
          } else if (sbOption == TELOPT_COMPRESS && b == WILL) {
            // MCCPv1 (1998) starts with the invalid IAC SB 85 WILL SE; libtelnet discards it.
            st = State.COMPRESS1_DISCARD;
          } else if (!sbAppend(b)) {
            start = i + 1;
            st = State.DATA;
          }
          i++;
          break;
        case COMPRESS1_DISCARD:
          start = i + 1;
          st = State.DATA;
          i++;
          break;
        case SB_DATA_IAC:
          switch (b) {
            case SE:
              start = i + 1;
              st = State.DATA;
              if (subnegotiate()) {
                state = st;
                return i + 1;
              }
              i++;
              break;
            case IAC:
              if (sbAppend(IAC)) {
                st = State.SB_DATA;
              } else {
                start = i + 1;
                st = State.DATA;
              }
              i++;
              break;
            default:
              // Protocol error: deliver the SB so far, then treat this byte as the command after
              // an IAC (libtelnet re-runs it through the IAC state). If the SB started
              // compression, the byte is lost and the rest is inflated, as in libtelnet.
              handler.onWarning("unexpected byte after IAC inside SB: " + b);
              start = i + 1;
              st = State.IAC;
              if (subnegotiate()) {
                state = st;
                return i + 1;
              }
              break; // no i++: the IAC state sees this byte next
          }
          break;
        default:
          throw new AssertionError(st);
      }
    }
    state = st;
    if (st == State.DATA && end != start) {
      handler.onData(buf, start, end - start);
    }
    return -1;
  }

  /** Bytes held for the subnegotiation buffer; never more than {@link #SB_LIMIT} (for tests). */
  int subnegotiationCapacity() {
    return sbBuf.length;
  }

  private boolean peerBinary() {
    return !proxy && him[TELOPT_BINARY] == Q_YES;
  }

  /** Appends to the SB buffer; false (after a warning) when the SB is over {@link #SB_LIMIT}. */
  private boolean sbAppend(int b) {
    if (sbLen == sbBuf.length) {
      if (sbLen == SB_LIMIT) {
        handler.onWarning("subnegotiation buffer size limit reached");
        return false;
      }
      sbBuf = Arrays.copyOf(sbBuf, Math.min(SB_LIMIT, Math.max(SB_INITIAL, sbLen * 4)));
    }
    sbBuf[sbLen++] = (byte) b;
    return true;
  }

  /** Delivers a finished SB and parses the options libtelnet knows; true if it began MCCP2. */
  private boolean subnegotiate() {
    handler.onSubnegotiation(sbOption, sbBuf, 0, sbLen);
    switch (sbOption) {
      case TELOPT_COMPRESS2:
        return startInflate();
      case TELOPT_ZMP:
        parseZmp();
        return false;
      case TELOPT_TTYPE:
        parseTtype();
        return false;
      case TELOPT_ENVIRON:
      case TELOPT_NEW_ENVIRON:
        parseEnviron();
        return false;
      case TELOPT_MSSP:
        parseMssp();
        return false;
      default:
        return false;
    }
  }

  private void parseZmp() {
    if (sbLen == 0 || sbBuf[sbLen - 1] != 0) {
      handler.onWarning("incomplete ZMP frame");
      return;
    }
    List<byte[]> args = new ArrayList<>();
    int s = 0;
    for (int i = 0; i < sbLen; i++) {
      if (sbBuf[i] == 0) {
        args.add(Arrays.copyOfRange(sbBuf, s, i));
        s = i + 1;
      }
    }
    handler.onZmp(args);
  }

  private void parseTtype() {
    if (sbLen == 0) {
      handler.onWarning("incomplete TERMINAL-TYPE request");
      return;
    }
    int cmd = sbBuf[0] & 0xff;
    if (cmd == TTYPE_IS) {
      handler.onTtype(TTYPE_IS, Arrays.copyOfRange(sbBuf, 1, sbLen));
    } else if (cmd == TTYPE_SEND) {
      handler.onTtype(TTYPE_SEND, new byte[0]);
    } else {
      handler.onWarning("TERMINAL-TYPE request has invalid type");
    }
  }

  private void parseEnviron() {
    byte[] b = sbBuf;
    int size = sbLen;
    if (size == 0) {
      return;
    }
    int cmd = b[0] & 0xff;
    if (cmd != ENVIRON_IS && cmd != ENVIRON_SEND && cmd != ENVIRON_INFO) {
      handler.onWarning("telopt " + sbOption + " subneg has invalid command");
      return;
    }
    if (size == 1) {
      handler.onEnviron(sbOption, cmd, List.of());
      return;
    }
    int first = b[1] & 0xff;
    if (first != ENVIRON_VAR && first != ENVIRON_USERVAR) {
      handler.onWarning("telopt " + sbOption + " subneg missing variable type");
      return;
    }
    if ((b[size - 1] & 0xff) == ENVIRON_ESC) {
      handler.onWarning("telopt " + sbOption + " subneg ends with ESC");
      return;
    }
    // Each entry starts at a VAR/USERVAR byte; the name runs to VAR, VALUE or USERVAR, the value
    // to VAR or USERVAR; ESC takes the next byte literally (RFC 1572).
    List<EnvironValue> values = new ArrayList<>();
    byte[] tmp = new byte[size];
    int c = 1;
    while (c < size) {
      int type = b[c++] & 0xff;
      int n = 0;
      while (c < size) {
        int x = b[c] & 0xff;
        if (x == ENVIRON_VAR || x == ENVIRON_VALUE || x == ENVIRON_USERVAR) {
          break;
        }
        if (x == ENVIRON_ESC) {
          c++;
        }
        tmp[n++] = b[c++];
      }
      byte[] name = Arrays.copyOf(tmp, n);
      byte[] value = new byte[0];
      if (c < size && (b[c] & 0xff) == ENVIRON_VALUE) {
        c++;
        n = 0;
        while (c < size) {
          int x = b[c] & 0xff;
          if (x == ENVIRON_VAR || x == ENVIRON_USERVAR) {
            break;
          }
          if (x == ENVIRON_ESC) {
            c++;
          }
          tmp[n++] = b[c++];
        }
        value = Arrays.copyOf(tmp, n);
      }
      values.add(new EnvironValue(type, name, value));
    }
    handler.onEnviron(sbOption, cmd, values);
  }

  private void parseMssp() {
    byte[] b = sbBuf;
    int size = sbLen;
    if (size == 0) {
      return;
    }
    if (b[0] != MSSP_VAR) {
      handler.onWarning("MSSP subnegotiation has invalid data");
      return;
    }
    // libtelnet counts one pair per VAL marker and fills them in order; a trailing VAL with
    // nothing after it stays unfilled.
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (b[i] == MSSP_VAL) {
        count++;
      }
    }
    MsspVariable[] pairs = new MsspVariable[count];
    int filled = 0;
    byte[] var = null;
    int nextType = MSSP_VAR;
    int c = 1;
    while (c < size) {
      int s = c;
      while (c < size && b[c] != MSSP_VAR && b[c] != MSSP_VAL) {
        c++;
      }
      byte[] segment = Arrays.copyOfRange(b, s, c);
      if (nextType == MSSP_VAR) {
        var = segment;
      } else {
        // nextType is MSSP_VAL here, and the first byte was a VAR, so var is set.
        pairs[filled++] = new MsspVariable(var, segment, true);
      }
      if (c < size) {
        nextType = b[c];
      }
      c++;
    }
    for (int i = filled; i < count; i++) {
      pairs[i] = new MsspVariable(new byte[0], new byte[0], false);
    }
    handler.onMssp(List.of(pairs));
  }

  // --------------------------------------------------------------------------------- compression

  /**
   * Received COMPRESS2 start: inflate what follows, unless a zlib stream exists or it is refused.
   */
  private boolean startInflate() {
    if (inflater != null || deflater != null) {
      handler.onError("cannot initialize compression twice");
      return false;
    }
    if (!compress2Accepted) {
      handler.onError("COMPRESS2 start refused");
      return false;
    }
    inflater = new Inflater();
    handler.onCompress(true);
    return true;
  }

  /**
   * Inflates received bytes 1 KiB at a time and parses each piece, like libtelnet's telnet_recv: it
   * loops while input remains (output still buffered in zlib comes with the next call), and on the
   * end of the stream or an error it drops compression and the rest of this input. Stops early,
   * with input left, once {@code maxInflated} bytes came out; returns the bytes consumed.
   */
  private int inflate(byte[] buf, int off, int len, long maxInflated) {
    Inflater z = inflater;
    byte[] out = zlibBuffer();
    z.setInput(buf, off, len);
    long inflated = 0;
    while (z.getRemaining() > 0) {
      if (inflated >= maxInflated) {
        return len - z.getRemaining();
      }
      long readBefore = z.getBytesRead();
      int n = 0;
      String failure = null;
      try {
        n = z.inflate(out, 0, ZLIB_CHUNK);
      } catch (DataFormatException e) {
        failure = "data error"; // zlib's zError(Z_DATA_ERROR)
      }
      boolean ended = failure == null && z.finished();
      if (failure == null && !ended) {
        if (z.needsDictionary()) {
          failure = "need dictionary";
        } else if (n == 0 && z.getBytesRead() == readBefore) {
          failure = "buffer error";
        }
      }
      if (failure == null && overRatio(z)) {
        failure = "compression ratio over " + maxInflateRatio + ":1";
      }
      if (failure == null) {
        process(out, 0, n); // cannot start compression again: a zlib stream exists
        inflated += n;
      } else {
        handler.onError("inflate() failed: " + failure);
      }
      if (failure != null || ended) {
        z.end();
        inflater = null;
        handler.onCompress(false);
        return len;
      }
    }
    return len;
  }

  /** True when the stream has inflated past the floor and more than the ratio allows. */
  private boolean overRatio(Inflater z) {
    if (maxInflateRatio == 0) {
      return false;
    }
    long written = z.getBytesWritten();
    return written > inflateRatioFloor && written > maxInflateRatio * z.getBytesRead();
  }

  private byte[] zlibBuffer() {
    if (zlibOut == null) {
      zlibOut = new byte[ZLIB_CHUNK];
    }
    return zlibOut;
  }

  /** Starts compressing output; {@code fatal} picks ERROR over WARNING when a stream exists. */
  private boolean startDeflate(boolean fatal) {
    if (inflater != null || deflater != null) {
      if (fatal) {
        handler.onError("cannot initialize compression twice");
      } else {
        handler.onWarning("cannot initialize compression twice");
      }
      return false;
    }
    deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    return true;
  }

  /** Releases the zlib stream, if any. The connection must not be used afterwards. */
  @Override
  public void close() {
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
    if (deflater != null) {
      deflater.end();
      deflater = null;
    }
  }

  // --------------------------------------------------------------------------------- negotiation

  /** RFC 1143 Q method for a command received from the peer (libtelnet's _negotiate). */
  private void received(int cmd, int opt) {
    if (proxy) {
      handler.onNegotiate(cmd, opt);
      return;
    }
    switch (cmd) {
      case WILL:
        switch (him[opt]) {
          case Q_NO:
            if (table.acceptsHim(opt)) {
              him[opt] = Q_YES;
              sendNegotiation(DO, opt);
              handler.onNegotiate(WILL, opt);
            } else {
              sendNegotiation(DONT, opt);
            }
            break;
          case Q_WANTNO:
            him[opt] = Q_NO;
            handler.onNegotiate(WONT, opt);
            handler.onWarning("DONT answered by WILL");
            break;
          case Q_WANTNO_OPPOSITE:
            him[opt] = Q_YES;
            handler.onWarning("DONT answered by WILL");
            break;
          case Q_WANTYES:
            him[opt] = Q_YES;
            handler.onNegotiate(WILL, opt);
            break;
          case Q_WANTYES_OPPOSITE:
            him[opt] = Q_WANTNO;
            sendNegotiation(DONT, opt);
            handler.onNegotiate(WILL, opt);
            break;
          default: // YES: already enabled, RFC 1143 says ignore
            break;
        }
        break;
      case WONT:
        switch (him[opt]) {
          case Q_YES:
            him[opt] = Q_NO;
            sendNegotiation(DONT, opt);
            handler.onNegotiate(WONT, opt);
            break;
          case Q_WANTNO:
            him[opt] = Q_NO;
            handler.onNegotiate(WONT, opt);
            break;
          case Q_WANTNO_OPPOSITE:
            him[opt] = Q_WANTYES;
            sendNegotiation(DO, opt);
            handler.onNegotiate(WONT, opt);
            break;
          case Q_WANTYES:
          case Q_WANTYES_OPPOSITE:
            him[opt] = Q_NO;
            break;
          default: // NO
            break;
        }
        break;
      case DO:
        switch (us[opt]) {
          case Q_NO:
            if (table.acceptsUs(opt)) {
              us[opt] = Q_YES;
              sendNegotiation(WILL, opt);
              handler.onNegotiate(DO, opt);
            } else {
              sendNegotiation(WONT, opt);
            }
            break;
          case Q_WANTNO:
            us[opt] = Q_NO;
            handler.onNegotiate(DONT, opt);
            handler.onWarning("WONT answered by DO");
            break;
          case Q_WANTNO_OPPOSITE:
            us[opt] = Q_YES;
            handler.onWarning("WONT answered by DO");
            break;
          case Q_WANTYES:
            us[opt] = Q_YES;
            handler.onNegotiate(DO, opt);
            break;
          case Q_WANTYES_OPPOSITE:
            us[opt] = Q_WANTNO;
            sendNegotiation(WONT, opt);
            handler.onNegotiate(DO, opt);
            break;
          default: // YES
            break;
        }
        break;
      default: // DONT
        switch (us[opt]) {
          case Q_YES:
            us[opt] = Q_NO;
            sendNegotiation(WONT, opt);
            handler.onNegotiate(DONT, opt);
            break;
          case Q_WANTNO:
            us[opt] = Q_NO;
            handler.onNegotiate(DONT, opt);
            break;
          case Q_WANTNO_OPPOSITE:
            us[opt] = Q_WANTYES;
            sendNegotiation(WILL, opt);
            handler.onNegotiate(DONT, opt);
            break;
          case Q_WANTYES:
          case Q_WANTYES_OPPOSITE:
            us[opt] = Q_NO;
            break;
          default: // NO
            break;
        }
        break;
    }
  }

  /**
   * Asks to enable or disable an option (RFC 1143 Q method): sends the command only when the
   * option's state calls for it. In proxy mode the command is always sent as is; a command other
   * than WILL/WONT/DO/DONT does nothing outside proxy mode.
   */
  public void negotiate(int command, int option) {
    checkByte("command", command);
    checkByte("option", option);
    if (proxy) {
      sendThree(IAC, command, option);
      return;
    }
    switch (command) {
      case WILL:
        switch (us[option]) {
          case Q_NO:
            us[option] = Q_WANTYES;
            sendNegotiation(WILL, option);
            break;
          case Q_WANTNO:
            us[option] = Q_WANTNO_OPPOSITE;
            break;
          case Q_WANTYES_OPPOSITE:
            us[option] = Q_WANTYES;
            break;
          default:
            break;
        }
        break;
      case WONT:
        switch (us[option]) {
          case Q_YES:
            us[option] = Q_WANTNO;
            sendNegotiation(WONT, option);
            break;
          case Q_WANTYES:
            us[option] = Q_WANTYES_OPPOSITE;
            break;
          case Q_WANTNO_OPPOSITE:
            us[option] = Q_WANTNO;
            break;
          default:
            break;
        }
        break;
      case DO:
        switch (him[option]) {
          case Q_NO:
            him[option] = Q_WANTYES;
            sendNegotiation(DO, option);
            break;
          case Q_WANTNO:
            him[option] = Q_WANTNO_OPPOSITE;
            break;
          case Q_WANTYES_OPPOSITE:
            him[option] = Q_WANTYES;
            break;
          default:
            break;
        }
        break;
      case DONT:
        switch (him[option]) {
          case Q_YES:
            him[option] = Q_WANTNO;
            sendNegotiation(DONT, option);
            break;
          case Q_WANTYES:
            him[option] = Q_WANTYES_OPPOSITE;
            break;
          case Q_WANTNO_OPPOSITE:
            him[option] = Q_WANTNO;
            break;
          default:
            break;
        }
        break;
      default:
        break;
    }
  }

  /**
   * Whether this side has the option enabled (RFC 1143 "us" is YES). Always false in proxy mode.
   */
  public boolean isLocallyEnabled(int option) {
    checkByte("option", option);
    return us[option] == Q_YES;
  }

  /**
   * Whether the peer has the option enabled (RFC 1143 "him" is YES). Always false in proxy mode.
   */
  public boolean isRemotelyEnabled(int option) {
    checkByte("option", option);
    return him[option] == Q_YES;
  }

  private void sendNegotiation(int cmd, int opt) {
    sendThree(IAC, cmd, opt);
  }

  // ---------------------------------------------------------------------------------------- send

  /** Sends {@code IAC command} (e.g. {@link #GA}, {@link #NOP}). */
  public void iac(int command) {
    checkByte("command", command);
    scratch[0] = (byte) IAC;
    scratch[1] = (byte) command;
    emit(scratch, 0, 2);
  }

  /**
   * Sends application data, doubling every IAC byte (one SEND per run, libtelnet's telnet_send).
   */
  public void send(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    int end = off + len;
    int l = off;
    for (int i = off; i < end; i++) {
      if (buf[i] == (byte) IAC) {
        if (i != l) {
          emit(buf, l, i - l);
        }
        l = i + 1;
        iac(IAC);
      }
    }
    if (end != l) {
      emit(buf, l, end - l);
    }
  }

  /** Sends application data, doubling every IAC byte. */
  public void send(byte[] buf) {
    send(buf, 0, buf.length);
  }

  /**
   * Sends text with NVT newline translation, like libtelnet's telnet_printf: CR becomes CR NUL, LF
   * becomes CR LF, IAC is doubled.
   */
  public void sendText(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    int end = off + len;
    int l = off;
    for (int i = off; i < end; i++) {
      byte c = buf[i];
      if (c == (byte) IAC || c == '\r' || c == '\n') {
        if (i != l) {
          emit(buf, l, i - l);
        }
        l = i + 1;
        if (c == (byte) IAC) {
          iac(IAC);
        } else {
          sendTwo('\r', c == '\r' ? 0 : '\n');
        }
      }
    }
    if (end != l) {
      emit(buf, l, end - l);
    }
  }

  /**
   * Sends text (encoded as UTF-8) with NVT newline translation; see {@link #sendText(byte[], int,
   * int)}.
   */
  public void sendText(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    sendText(b, 0, b.length);
  }

  /** Formats and sends text with NVT newline translation (libtelnet's telnet_printf). */
  public void printf(String format, Object... args) {
    sendText(String.format(format, args));
  }

  /** Formats and sends text, IAC doubled but no newline translation (telnet_raw_printf). */
  public void rawPrintf(String format, Object... args) {
    send(String.format(format, args).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends {@code IAC SB option}; the payload follows with {@link #send}, then {@link #finishSb}.
   */
  public void beginSb(int option) {
    checkByte("option", option);
    checkNoOpenSb("beginSb");
    sendSbOption = option;
    sendThree(IAC, SB, option);
  }

  /** Sends {@code IAC SE}, closing the subnegotiation opened by {@link #beginSb}. */
  public void finishSb() {
    if (sendSbOption < 0) {
      throw new IllegalStateException("finishSb without beginSb");
    }
    sendSbOption = -1;
    iac(SE);
  }

  /**
   * Sends a whole subnegotiation, {@code IAC SB option payload IAC SE}, the payload IAC-escaped. In
   * proxy mode, sending the COMPRESS2 marker this way starts compressing the output.
   */
  public void subnegotiation(int option, byte[] buf, int off, int len) {
    checkByte("option", option);
    Objects.checkFromIndexSize(off, len, buf.length);
    checkNoOpenSb("subnegotiation");
    sendThree(IAC, SB, option);
    send(buf, off, len);
    sendTwo(IAC, SE);
    if (proxy && option == TELOPT_COMPRESS2 && startDeflate(true)) {
      handler.onCompress(true);
    }
  }

  /** Sends a whole subnegotiation; see {@link #subnegotiation(int, byte[], int, int)}. */
  public void subnegotiation(int option, byte[] payload) {
    subnegotiation(option, payload, 0, payload.length);
  }

  /**
   * Sends the MCCP2 start marker ({@code IAC SB COMPRESS2 IAC SE}) and compresses everything sent
   * after it. If a zlib stream already exists (either direction) only a warning is raised.
   */
  public void beginCompress2() {
    checkNoOpenSb("beginCompress2");
    if (!startDeflate(false)) {
      return;
    }
    // The marker itself goes out uncompressed, straight to the handler.
    byte[] marker = {(byte) IAC, (byte) SB, (byte) TELOPT_COMPRESS2, (byte) IAC, (byte) SE};
    handler.onSend(marker, 0, marker.length);
    handler.onCompress(true);
  }

  /** Asks the peer for its terminal type: {@code IAC SB TTYPE SEND IAC SE}. */
  public void ttypeSend() {
    checkNoOpenSb("ttypeSend");
    byte[] b = {
      (byte) IAC, (byte) SB, (byte) TELOPT_TTYPE, (byte) TTYPE_SEND, (byte) IAC, (byte) SE
    };
    emit(b, 0, b.length);
  }

  /**
   * Sends our terminal type: {@code IAC SB TTYPE IS name IAC SE}. As in libtelnet the name goes out
   * verbatim, not IAC-escaped; terminal names are ASCII (RFC 1091).
   */
  public void ttypeIs(byte[] name) {
    checkNoOpenSb("ttypeIs");
    scratch[0] = (byte) IAC;
    scratch[1] = (byte) SB;
    scratch[2] = (byte) TELOPT_TTYPE;
    scratch[3] = (byte) TTYPE_IS;
    emit(scratch, 0, 4);
    emit(name, 0, name.length);
    iac(SE);
  }

  /** Sends our terminal type, US-ASCII encoded; see {@link #ttypeIs(byte[])}. */
  public void ttypeIs(String name) {
    ttypeIs(name.getBytes(StandardCharsets.US_ASCII));
  }

  /** Opens a NEW-ENVIRON subnegotiation: {@code IAC SB NEW-ENVIRON command}. */
  public void beginNewEnviron(int command) {
    checkByte("command", command);
    beginSb(TELOPT_NEW_ENVIRON);
    send(new byte[] {(byte) command}, 0, 1);
  }

  /**
   * Adds one NEW-ENVIRON item: the type byte ({@link #ENVIRON_VAR}, {@link #ENVIRON_VALUE}, {@link
   * #ENVIRON_USERVAR}) then the bytes, IAC-escaped. RFC 1572 ESC escaping of marker bytes inside
   * the text is the caller's job, as in libtelnet.
   */
  public void newEnvironValue(int type, byte[] text) {
    checkByte("type", type);
    if (sendSbOption != TELOPT_NEW_ENVIRON) {
      throw new IllegalStateException("newEnvironValue without beginNewEnviron");
    }
    send(new byte[] {(byte) type}, 0, 1);
    send(text, 0, text.length);
  }

  /** Closes the NEW-ENVIRON subnegotiation with {@code IAC SE}. */
  public void finishNewEnviron() {
    if (sendSbOption != TELOPT_NEW_ENVIRON) {
      throw new IllegalStateException("finishNewEnviron without beginNewEnviron");
    }
    finishSb();
  }

  /** Sends a whole ZMP command: the command name then its arguments, each NUL-terminated. */
  public void sendZmp(List<byte[]> arguments) {
    if (arguments.isEmpty()) {
      throw new IllegalArgumentException("ZMP needs at least the command name");
    }
    beginZmp(arguments.get(0));
    for (int i = 1; i < arguments.size(); i++) {
      zmpArg(arguments.get(i));
    }
    finishZmp();
  }

  /** Sends a whole ZMP command; see {@link #sendZmp(List)}. */
  public void sendZmp(byte[]... arguments) {
    sendZmp(Arrays.asList(arguments));
  }

  /** Opens a ZMP subnegotiation with the command name. */
  public void beginZmp(byte[] command) {
    checkZmpArgument(command);
    beginSb(TELOPT_ZMP);
    zmpArg(command);
  }

  /** Adds one ZMP argument (sent with its terminating NUL, IAC-escaped). */
  public void zmpArg(byte[] argument) {
    checkZmpArgument(argument);
    if (sendSbOption != TELOPT_ZMP) {
      throw new IllegalStateException("zmpArg without beginZmp");
    }
    byte[] withNul = Arrays.copyOf(argument, argument.length + 1);
    send(withNul, 0, withNul.length);
  }

  /** Closes the ZMP subnegotiation with {@code IAC SE}. */
  public void finishZmp() {
    if (sendSbOption != TELOPT_ZMP) {
      throw new IllegalStateException("finishZmp without beginZmp");
    }
    finishSb();
  }

  /** Sends our window size: {@code IAC SB NAWS w1 w0 h1 h0 IAC SE} (RFC 1073). */
  public void sendWindowSize(WindowSize size) {
    subnegotiation(TELOPT_NAWS, size.payload());
  }

  /** Sends our window size; see {@link #sendWindowSize(WindowSize)}. */
  public void sendWindowSize(int width, int height) {
    sendWindowSize(new WindowSize(width, height));
  }

  private static void checkZmpArgument(byte[] arg) {
    for (int i = 0; i < arg.length; i++) {
      if (arg[i] == 0) {
        throw new IllegalArgumentException("ZMP argument contains NUL at index " + i);
      }
    }
  }

  private void checkNoOpenSb(String what) {
    if (sendSbOption >= 0) {
      throw new IllegalStateException(
          what
              + " inside an open subnegotiation (option "
              + sendSbOption
              + "); call finishSb first");
    }
  }

  private static void checkByte(String what, int value) {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException(what + " must be 0..255, got " + value);
    }
  }

  private void sendTwo(int a, int b) {
    scratch[0] = (byte) a;
    scratch[1] = (byte) b;
    emit(scratch, 0, 2);
  }

  private void sendThree(int a, int b, int c) {
    scratch[0] = (byte) a;
    scratch[1] = (byte) b;
    scratch[2] = (byte) c;
    emit(scratch, 0, 3);
  }

  /**
   * libtelnet's _send: one SEND event, or, once compressing, the bytes deflated with a sync flush
   * and handed on 1 KiB at a time (looping while input remains, so zlib may hold some output back
   * until the next send, as libtelnet does).
   */
  private void emit(byte[] buf, int off, int len) {
    Deflater z = deflater;
    if (z == null) {
      handler.onSend(buf, off, len);
      return;
    }
    byte[] out = zlibBuffer();
    z.setInput(buf, off, len);
    while (!z.needsInput()) {
      int n = z.deflate(out, 0, ZLIB_CHUNK, Deflater.SYNC_FLUSH);
      handler.onSend(out, 0, n);
    }
  }
}
