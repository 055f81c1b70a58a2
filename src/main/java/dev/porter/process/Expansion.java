package dev.porter.process;

import java.util.Map;

/**
 * Expands {@code $VAR}-style references against a given environment (pies' {@code expandenv}, and
 * {@code env.set} values). Splitting a command into words is the configuration's job
 * ({@code dev.porter.config}); expansion happens per word at spawn time, so an expanded value is
 * never split into more words.
 *
 * <p>A malformed reference (an unterminated {@code ${}) throws {@link IllegalArgumentException}
 * with a message naming the problem and the input.
 */
public final class Expansion {
  private Expansion() {}

  /**
   * Expands {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-word}} (word when VAR is unset or empty)
   * and {@code ${VAR-word}} (word when VAR is unset) in {@code text}; an unset variable expands to
   * nothing. A {@code $} not followed by a name or {@code {} stays as it is.
   */
  public static String expand(String text, Map<String, String> env) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$') {
        i = expandAt(text, i, env, out);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * Expands the reference starting at {@code s[i] == '$'} into {@code out}; returns the next index.
   */
  private static int expandAt(String s, int i, Map<String, String> env, StringBuilder out) {
    int j = i + 1;
    if (j < s.length() && s.charAt(j) == '{') {
      int nameStart = j + 1;
      int nameEnd = nameEnd(s, nameStart);
      if (nameEnd == nameStart) throw malformed("has a bad substitution at offset " + i, s);
      String value = env.get(s.substring(nameStart, nameEnd));
      if (nameEnd < s.length() && s.charAt(nameEnd) == '}') {
        out.append(value == null ? "" : value);
        return nameEnd + 1;
      }
      boolean colon = nameEnd < s.length() && s.charAt(nameEnd) == ':';
      int op = colon ? nameEnd + 1 : nameEnd;
      if (op >= s.length() || s.charAt(op) != '-') {
        if (closingBrace(s, nameEnd) < 0) throw malformed("has an unterminated ${", s);
        throw malformed(
            "has an unsupported substitution at offset "
                + i
                + " (only ${VAR}, ${VAR:-word},"
                + " ${VAR-word})",
            s);
      }
      int close = closingBrace(s, op + 1);
      if (close < 0) throw malformed("has an unterminated ${", s);
      boolean useWord = value == null || (colon && value.isEmpty());
      out.append(useWord ? expand(s.substring(op + 1, close), env) : value);
      return close + 1;
    }
    int nameEnd = nameEnd(s, j);
    if (nameEnd == j) {
      out.append('$');
      return j;
    }
    String value = env.get(s.substring(j, nameEnd));
    out.append(value == null ? "" : value);
    return nameEnd;
  }

  /**
   * End of a shell name ([A-Za-z_][A-Za-z0-9_]*) starting at {@code from}; {@code from} if none.
   */
  private static int nameEnd(String s, int from) {
    int k = from;
    while (k < s.length()) {
      char c = s.charAt(k);
      boolean ok =
          c == '_'
              || (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (k > from && c >= '0' && c <= '9');
      if (!ok) break;
      k++;
    }
    return k;
  }

  /** The index of the '}' closing a ${ whose body starts at {@code from}, counting nested ${. */
  private static int closingBrace(String s, int from) {
    int depth = 0;
    for (int k = from; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '$' && k + 1 < s.length() && s.charAt(k + 1) == '{') {
        depth++;
        k++;
      } else if (c == '}') {
        if (depth == 0) return k;
        depth--;
      }
    }
    return -1;
  }

  private static IllegalArgumentException malformed(String problem, String input) {
    return new IllegalArgumentException("command line " + problem + ": " + input);
  }
}
