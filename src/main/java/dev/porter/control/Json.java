package dev.porter.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the control protocol needs (RFC 8259): objects are {@code Map<String, ?>} (order
 * kept), arrays {@code List<?>}, strings, numbers ({@code Long} when integral, else {@code
 * Double}), booleans, and {@link #NULL}. Writes compact, reads strictly.
 */
public final class Json {
  /** JSON {@code null}, as a value: no Java null leaves this class. */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** Deepest nesting the reader accepts: porter's replies are three levels deep. */
  private static final int MAX_DEPTH = 32;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  // ---------------------------------------------------------------- writing

  /** One compact document. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v) {
    if (v == NULL) {
      sb.append("null");
    } else if (v instanceof String) {
      string(sb, (String) v);
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d))
        throw new IllegalArgumentException("JSON has no " + d);
      sb.append(d);
    } else if (v instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!first) sb.append(',');
        first = false;
        string(sb, e.getKey().toString());
        sb.append(':');
        write(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object o : (List<?>) v) {
        if (!first) sb.append(',');
        first = false;
        write(sb, o);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v);
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
      }
    }
    sb.append('"');
  }

  // ---------------------------------------------------------------- reading

  /** Parses one document; anything but white space after it is an error. */
  public static Object parse(String text) throws ControlException {
    Json r = new Json(text);
    Object v = r.value(0);
    r.space();
    if (r.pos != text.length()) throw r.error("unexpected text after the document");
    return v;
  }

  private Object value(int depth) throws ControlException {
    if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
    space();
    if (pos >= text.length()) throw error("unexpected end");
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        throw error("unexpected '" + c + "'");
    }
  }

  private Map<String, Object> object(int depth) throws ControlException {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    space();
    if (peek('}')) return m;
    while (true) {
      space();
      if (!peek('"')) throw error("expected a member name");
      String key = string();
      space();
      expect(':');
      m.put(key, value(depth + 1));
      space();
      if (peek('}')) return m;
      expect(',');
    }
  }

  private List<Object> array(int depth) throws ControlException {
    List<Object> l = new ArrayList<>();
    pos++;
    space();
    if (peek(']')) return l;
    while (true) {
      l.add(value(depth + 1));
      space();
      if (peek(']')) return l;
      expect(',');
    }
  }

  private String string() throws ControlException {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') return sb.toString();
      if (c < 0x20) throw error("control character in a string");
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) break;
      char e = text.charAt(pos++);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          sb.append(e);
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'u':
          if (pos + 4 > text.length()) throw error("short \\u escape");
          try {
            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException x) {
            throw error("bad \\u escape");
          }
          pos += 4;
          break;
        default:
          throw error("bad escape \\" + e);
      }
    }
    throw error("unterminated string");
  }

  private Object number() throws ControlException {
    int start = pos;
    if (peekChar('-')) pos++;
    boolean integral = true;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        pos++;
      } else {
        break;
      }
    }
    String n = text.substring(start, pos);
    try {
      return integral ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
    } catch (NumberFormatException e) {
      throw error("bad number " + n);
    }
  }

  private Object literal(String word, Object v) throws ControlException {
    if (!text.startsWith(word, pos)) throw error("unexpected '" + text.charAt(pos) + "'");
    pos += word.length();
    return v;
  }

  private void space() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
  }

  private boolean peekChar(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  // Consumes c when it is next.
  private boolean peek(char c) {
    if (!peekChar(c)) return false;
    if (c != '"') pos++;
    return true;
  }

  private void expect(char c) throws ControlException {
    if (!peekChar(c)) throw error("expected '" + c + "'");
    pos++;
  }

  private ControlException error(String what) {
    return new ControlException("bad JSON at offset " + pos + ": " + what);
  }
}
