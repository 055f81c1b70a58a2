package dev.porter.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The message of a log line with every character that could end the line, move the cursor or
 * rewrite what a terminal shows made visible: {@code %msg} for porter's log (logback.xml). Log
 * messages carry what clients, link peers and balancers sent (service names, PROXY header text,
 * socket paths); escaping here, where every line passes, keeps a byte from any of them from forging
 * a line or hiding one, whichever code logged it.
 *
 * <p>Escaped: C0 controls ({@code \n}, {@code \r}, {@code \t} by name, the rest as {@code \xHH}),
 * DEL, C1 controls (a terminal may take 0x9b as CSI), and the Unicode line separators and
 * bidirectional overrides (U+2028, U+2029, U+202A to U+202E, U+2066 to U+2069: "Trojan Source",
 * CVE-2021-42574), as {@code \}{@code uHHHH}.
 */
public final class EscapedMessage extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent e) {
    return escape(e.getFormattedMessage());
  }

  /** {@code s} with every unsafe character escaped; {@code s} itself when it has none. */
  public static String escape(String s) {
    if (s == null) return "null";
    int first = firstUnsafe(s);
    if (first < 0) return s;
    StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, first);
    for (int i = first; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!unsafe(c)) {
        b.append(c);
        continue;
      }
      switch (c) {
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c <= 0xff) b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          else
            b.append("\\u")
                .append(HEX[c >> 12])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static int firstUnsafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (unsafe(s.charAt(i))) return i;
    }
    return -1;
  }

  static boolean unsafe(char c) {
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
    if (c < 0x2028) return false;
    return c <= 0x202e || (c >= 0x2066 && c <= 0x2069);
  }
}
