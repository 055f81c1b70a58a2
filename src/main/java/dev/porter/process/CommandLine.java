package dev.porter.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Splits a command string into argv the way a POSIX shell would, without running one, and expands
 * {@code $VAR}-style references against a given environment (pies' {@code expandenv}).
 *
 * <p>Quoting follows POSIX.1-2017 XCU 2.2: a backslash outside quotes escapes the next character
 * (backslash-newline disappears); single quotes keep everything literally; inside double quotes a
 * backslash escapes only {@code $ ` " \} and newline. Unquoted blanks (space, tab, newline)
 * separate words; {@code ''} is an empty word. No globbing, no redirections, no command
 * substitution: those characters are ordinary. Unlike a shell, an expansion's result is never split
 * into more words, so a value with spaces stays one argument.
 *
 * <p>Malformed input (an unterminated quote, a trailing backslash, an unterminated {@code ${})
 * throws {@link IllegalArgumentException} with a message naming the problem and the input.
 */
public final class CommandLine {
  private enum State { BLANK, WORD, SINGLE, DOUBLE }

  private CommandLine() {}

  /** The words of {@code line}; {@code $} is an ordinary character. */
  public static List<String> split(String line) {
    return split(line, Optional.empty());
  }

  /** The words of {@code line}, expanding references outside single quotes against {@code env}. */
  public static List<String> splitExpanding(String line, Map<String, String> env) {
    return split(line, Optional.of(env));
  }

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

  private static List<String> split(String line, Optional<Map<String, String>> env) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    State state = State.BLANK;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      switch (state) {
        case BLANK, WORD -> {
          if (isBlank(c)) {
            if (state == State.WORD) words.add(word.toString());
            word.setLength(0);
            state = State.BLANK;
            i++;
          } else if (c == '\'') {
            state = State.SINGLE;
            i++;
          } else if (c == '"') {
            state = State.DOUBLE;
            i++;
          } else if (c == '\\') {
            if (i + 1 == line.length()) throw malformed("ends with a backslash", line);
            if (line.charAt(i + 1) != '\n') word.append(line.charAt(i + 1));
            state = State.WORD;
            i += 2;
          } else if (c == '$' && env.isPresent()) {
            i = expandAt(line, i, env.get(), word);
            state = State.WORD;
          } else {
            word.append(c);
            state = State.WORD;
            i++;
          }
        }
        case SINGLE -> {
          if (c == '\'') {
            state = State.WORD;
          } else {
            word.append(c);
          }
          i++;
        }
        case DOUBLE -> {
          if (c == '"') {
            state = State.WORD;
            i++;
          } else if (c == '\\' && i + 1 < line.length() && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
            if (line.charAt(i + 1) != '\n') word.append(line.charAt(i + 1));
            i += 2;
          } else if (c == '$' && env.isPresent()) {
            i = expandAt(line, i, env.get(), word);
          } else {
            word.append(c);
            i++;
          }
        }
      }
    }
    switch (state) {
      case SINGLE -> throw malformed("has an unterminated single quote", line);
      case DOUBLE -> throw malformed("has an unterminated double quote", line);
      case WORD -> words.add(word.toString());
      case BLANK -> {}
    }
    return words;
  }

  /** Expands the reference starting at {@code s[i] == '$'} into {@code out}; returns the next index. */
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
            "has an unsupported substitution at offset " + i + " (only ${VAR}, ${VAR:-word},"
                + " ${VAR-word})", s);
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

  /** End of a shell name ([A-Za-z_][A-Za-z0-9_]*) starting at {@code from}; {@code from} if none. */
  private static int nameEnd(String s, int from) {
    int k = from;
    while (k < s.length()) {
      char c = s.charAt(k);
      boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
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

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n';
  }

  private static IllegalArgumentException malformed(String problem, String input) {
    return new IllegalArgumentException("command line " + problem + ": " + input);
  }
}
