package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** What reaches the log of a message carrying bytes a client chose. */
class EscapedMessageTest {
  @Test
  void aPlainMessageIsTheSameString() {
    String m = "component echo: closed 127.0.0.1:40000 in=5 out=5 duration=0.120ms";
    assertSame(m, EscapedMessage.escape(m));
  }

  @Test
  void lineBreaksCannotStartAForgedLine() {
    assertEquals(
        "unknown service \"x\\r\\n2026-12-04 info: component tcpmux: accepted\"",
        EscapedMessage.escape(
            "unknown service \"x\r\n2026-12-04 info: component tcpmux: accepted\""));
  }

  @Test
  void terminalControlsAreShownAsHex() {
    assertEquals(
        "\\x1b[2J\\x07\\x00\\x7f\\x9b", EscapedMessage.escape("\u001b[2J\u0007\u0000\u007f\u009b"));
  }

  @Test
  void tabsAreNamed() {
    assertEquals("a\\tb", EscapedMessage.escape("a\tb"));
  }

  @Test
  void unicodeLineSeparatorsAndBidiOverridesAreEscaped() {
    assertEquals("a\\u2028b\\u202ec\\u2066d", EscapedMessage.escape("a\u2028b\u202ec\u2066d"));
  }

  @Test
  void printableTextOutsideAsciiStays() {
    assertEquals("café ünïcode ✓", EscapedMessage.escape("café ünïcode ✓"));
  }
}
