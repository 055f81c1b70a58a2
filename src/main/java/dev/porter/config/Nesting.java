package dev.porter.config;

import java.util.OptionalInt;

/**
 * How deeply a HOCON text nests, found before Typesafe Config parses it: its parser, resolver and
 * porter's own walk of the tree recurse once per level, so a file of {@code a { } } three thousand
 * deep (or a key {@code a.a.a...} three thousand segments long) overflows the stack instead of
 * giving a configuration error. Counted: objects and lists opened with braces and brackets, plus
 * the segments of a dotted key, outside quoted strings and comments.
 */
final class Nesting {
  /**
   * The deepest a configuration may nest. porter's own statements go at most five levels down
   * ({@code components.NAME.mux.tls.cert}); 64 leaves room for any layout of includes and
   * substitutions and stays far below where the parser overflows (beyond 800 levels on a 512 KiB
   * thread stack, measured).
   */
  static final int MAX_DEPTH = 64;

  private Nesting() {}

  /**
   * The line (from 1) where {@code text} first nests deeper than {@link #MAX_DEPTH}, if it does.
   */
  static OptionalInt tooDeep(String text) {
    int depth = 0;
    int keyDots = 0;
    // What each open brace or bracket added: a.b { } opens two levels and its } closes both.
    int[] opened = new int[MAX_DEPTH];
    int top = 0;
    int line = 1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        keyDots = 0;
        i++;
      } else if (c == '#' || (c == '/' && i + 1 < n && text.charAt(i + 1) == '/')) {
        while (i < n && text.charAt(i) != '\n') i++;
      } else if (c == '"') {
        boolean triple = text.startsWith("\"\"\"", i);
        int end = triple ? text.indexOf("\"\"\"", i + 3) : closingQuote(text, i + 1);
        if (end < 0) return OptionalInt.empty(); // unterminated: the parser reports it
        for (int j = i; j < end; j++) if (text.charAt(j) == '\n') line++;
        i = end + (triple ? 3 : 1);
      } else if (c == '{' || c == '[') {
        int levels = keyDots + 1;
        depth += levels;
        keyDots = 0;
        if (depth > MAX_DEPTH) return OptionalInt.of(line);
        opened[top++] = levels;
        i++;
      } else if (c == '}' || c == ']') {
        if (top > 0) depth -= opened[--top];
        keyDots = 0;
        i++;
      } else if (c == '.') {
        keyDots++;
        i++;
      } else if (c == '=' || c == ':') {
        // a.b.c = 1 makes objects a and b around c: one level per dot.
        if (depth + keyDots + 1 > MAX_DEPTH) return OptionalInt.of(line);
        keyDots = 0;
        i++;
      } else if (c == ',') {
        keyDots = 0;
        i++;
      } else {
        i++;
      }
    }
    return OptionalInt.empty();
  }

  // The closing quote of a "..." string starting after index start - 1, skipping \" escapes.
  private static int closingQuote(String text, int from) {
    for (int j = from; j < text.length(); j++) {
      char c = text.charAt(j);
      if (c == '\\') j++;
      else if (c == '"') return j;
      else if (c == '\n') return -1;
    }
    return -1;
  }
}
