package dev.porter.control;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads one HTTP/1.x request head, the request line and the field lines up to the empty line (RFC
 * 9112 §2-§5), from the start of a stream, sans-I/O. It takes exactly the head's bytes from the
 * buffers it is fed and never one more, so a body or a pipelined request stays in the last buffer.
 * Memory is fixed: one line buffer of {@link #MAX_HEAD_BYTES}; field lines are checked, counted
 * (Host) and dropped. A refused head carries the status to answer it with.
 */
final class HttpHeadDecoder {
  /** What one {@link #feed} achieved. */
  enum Result {
    NEED_MORE,
    DONE,
    INVALID
  }

  private enum State {
    REQUEST_LINE,
    FIELD_LINE,
    DONE,
    INVALID
  }

  /**
   * The longest head, request line and fields together: 8 KiB, the figure of Apache's
   * LimitRequestLine and LimitRequestFieldSize (8190) and nginx's large_client_header_buffers (8k);
   * a Prometheus scrape sends about 300 bytes. Over it: 414 while still in the request line, else
   * 431 (RFC 6585 §5), and porter closes.
   */
  static final int MAX_HEAD_BYTES = 8 * 1024;

  /**
   * How much of a refused value a message quotes: enough to recognise it, never a flood in the log.
   */
  private static final int QUOTED = 32;

  private final byte[] line = new byte[MAX_HEAD_BYTES];
  private State state = State.REQUEST_LINE;
  private int n;
  private int headBytes;
  private int hosts;
  private HttpRequestHead head;
  private int status;
  private String error = "";

  /**
   * Consumes head bytes from {@code in}. After {@code DONE} the request line is in {@link #head()}
   * and {@code in} is positioned at the first byte after the empty line; after {@code INVALID},
   * {@link #status()} is the reply and {@link #error()} says why.
   */
  Result feed(ByteBuffer in) {
    while (in.hasRemaining() && (state == State.REQUEST_LINE || state == State.FIELD_LINE)) {
      byte b = in.get();
      if (++headBytes > MAX_HEAD_BYTES) {
        state =
            state == State.REQUEST_LINE
                ? invalid(414, "request line longer than " + MAX_HEAD_BYTES + " bytes")
                : invalid(431, "request head longer than " + MAX_HEAD_BYTES + " bytes");
        break;
      }
      if (b != '\n') {
        line[n++] = b;
        continue;
      }
      // RFC 9112 §2.2: a line ends at CRLF, and a recipient may take a bare LF for one.
      int end = n > 0 && line[n - 1] == '\r' ? n - 1 : n;
      n = 0;
      switch (state) {
        case REQUEST_LINE:
          // RFC 9112 §2.2: a server should ignore empty lines before the request line.
          if (end > 0) state = requestLine(end);
          break;
        case FIELD_LINE:
          state = end == 0 ? endOfHead() : fieldLine(end);
          break;
        default:
          throw new AssertionError(state);
      }
    }
    switch (state) {
      case DONE:
        return Result.DONE;
      case INVALID:
        return Result.INVALID;
      default:
        return Result.NEED_MORE;
    }
  }

  /** The request line, once {@link #feed} returned {@code DONE}. */
  HttpRequestHead head() {
    if (state != State.DONE) throw new IllegalStateException("no complete request head yet");
    return head;
  }

  /** The status to answer a refused head with (400, 414, 431 or 505), once {@code INVALID}. */
  int status() {
    return status;
  }

  /** Why the head was refused, once {@code INVALID}. */
  String error() {
    return error;
  }

  private State invalid(int code, String why) {
    status = code;
    error = why;
    return State.INVALID;
  }

  // request-line = method SP request-target SP HTTP-version (RFC 9112 §3), single spaces.
  private State requestLine(int end) {
    for (int i = 0; i < end; i++) {
      int c = line[i] & 0xff;
      if (c != ' ' && (c < 0x21 || c > 0x7e)) {
        return invalid(400, String.format("request line has byte 0x%02x at %d", c, i));
      }
    }
    int sp1 = indexOf(' ', 0, end);
    int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, end);
    if (sp1 < 1 || sp2 < sp1 + 2 || sp2 == end - 1 || indexOf(' ', sp2 + 1, end) >= 0) {
      return invalid(400, "request line is not METHOD TARGET VERSION: " + quote(0, end));
    }
    for (int i = 0; i < sp1; i++) {
      if (!isTchar(line[i])) return invalid(400, "method is not a token: " + quote(0, sp1));
    }
    int v = sp2 + 1;
    // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
    boolean shaped =
        end - v == 8
            && startsWith("HTTP/", v)
            && isDigit(line[v + 5])
            && line[v + 6] == '.'
            && isDigit(line[v + 7]);
    if (!shaped) return invalid(400, "not an HTTP version: " + quote(v, end));
    if (line[v + 5] != '1') return invalid(505, "version " + quote(v, end) + " is not supported");
    head = new HttpRequestHead(ascii(0, sp1), ascii(sp1 + 1, sp2), line[v + 7] - '0');
    return State.FIELD_LINE;
  }

  // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
  private State fieldLine(int end) {
    if (line[0] == ' ' || line[0] == '\t')
      return invalid(400, "obsolete line folding"); // RFC 9112 §5.2
    int colon = indexOf(':', 0, end);
    if (colon < 1) return invalid(400, "field line without a name: " + quote(0, end));
    for (int i = 0; i < colon; i++) {
      // Whitespace before the colon lands here too: RFC 9112 §5.1 requires a 400 for it.
      if (!isTchar(line[i])) return invalid(400, "field name is not a token: " + quote(0, colon));
    }
    for (int i = colon + 1; i < end; i++) {
      int c = line[i] & 0xff;
      // VCHAR, obs-text, SP and HTAB; CR, LF, NUL and the other controls are refused (RFC 9110
      // §5.5).
      if (c != ' ' && c != '\t' && (c < 0x21 || c == 0x7f)) {
        return invalid(
            400, String.format("field %s has byte 0x%02x in its value", quote(0, colon), c));
      }
    }
    if (colon == 4 && startsWithIgnoreCase("host")) hosts++;
    return State.FIELD_LINE;
  }

  // RFC 9112 §3.2: a request with no Host (HTTP/1.1) or more than one gets a 400.
  private State endOfHead() {
    if (hosts > 1) return invalid(400, hosts + " Host fields");
    if (hosts == 0 && head.minorVersion() >= 1)
      return invalid(400, "HTTP/1.1 request without a Host field");
    return State.DONE;
  }

  private int indexOf(char c, int from, int end) {
    for (int i = from; i < end; i++) if (line[i] == c) return i;
    return -1;
  }

  private boolean startsWith(String s, int at) {
    for (int i = 0; i < s.length(); i++) if (line[at + i] != s.charAt(i)) return false;
    return true;
  }

  private boolean startsWithIgnoreCase(String s) {
    for (int i = 0; i < s.length(); i++)
      if (Character.toLowerCase(line[i]) != s.charAt(i)) return false;
    return true;
  }

  private String ascii(int from, int to) {
    return new String(line, from, to - from, StandardCharsets.US_ASCII);
  }

  /**
   * A refused value for a message: quoted, cut at {@link #QUOTED} bytes, anything unprintable as
   * \xNN.
   */
  private String quote(int from, int to) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = from; i < Math.min(to, from + QUOTED); i++) {
      int c = line[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') s.append((char) c);
      else s.append(String.format("\\x%02x", c));
    }
    return s.append(to - from > QUOTED ? "\"..." : "\"").toString();
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  // tchar (RFC 9110 §5.6.2): "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
  // / "`" / "|" / "~" / DIGIT / ALPHA
  private static boolean isTchar(byte b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || isDigit(b)
        || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
  }
}
