package dev.porter.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command string into argv the way a POSIX shell splits words, without a shell: white
 * space separates words; single quotes keep everything literally; double quotes keep everything
 * except that a backslash escapes {@code $ ` " \} and newline; outside quotes a backslash escapes
 * any character. Shell operators are refused, since nothing would interpret them.
 */
final class CommandLine {
  private CommandLine() {}

  // Characters a shell would treat as operators (sh(1) "Token Recognition"); without a shell they
  // would reach the program as arguments, which is never what the user meant.
  private static final String OPERATORS = "|&;<>()`";

  /** The words of {@code s}; throws with a message naming what cannot be split. */
  static List<String> split(String s) throws ConfigException {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) throw new ConfigException("unterminated single quote in command: " + s);
        w.append(s, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i++;
        boolean closed = false;
        while (i < s.length()) {
          char d = s.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == '\\' && i + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
            if (s.charAt(i + 1) != '\n') w.append(s.charAt(i + 1));
            i += 2;
          } else {
            w.append(d);
            i++;
          }
        }
        if (!closed) throw new ConfigException("unterminated double quote in command: " + s);
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= s.length())
          throw new ConfigException("command ends with a lone backslash: " + s);
        if (s.charAt(i + 1) != '\n') {
          w.append(s.charAt(i + 1));
          inWord = true;
        }
        i += 2;
      } else if (OPERATORS.indexOf(c) >= 0) {
        throw new ConfigException(
            "command contains the shell operator \""
                + c
                + "\" but runs without a shell: add flags = [shell], or quote it: "
                + s);
      } else {
        w.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) words.add(w.toString());
    return words;
  }
}
