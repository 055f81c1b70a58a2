package dev.porter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  @Test
  void whiteSpaceSeparatesWords() throws ConfigException {
    assertEquals(
        List.of("/usr/sbin/lighttpd", "-D", "-f", "/etc/l.conf"),
        CommandLine.split("  /usr/sbin/lighttpd -D\t-f   /etc/l.conf "));
  }

  @Test
  void singleQuotesKeepEverythingLiterally() throws ConfigException {
    assertEquals(List.of("echo", "a \"b\" \\c $d"), CommandLine.split("echo 'a \"b\" \\c $d'"));
  }

  @Test
  void doubleQuotesHonourBackslashBeforeSpecials() throws ConfigException {
    assertEquals(
        List.of("say", "a \"b\" \\ \\n $x"),
        CommandLine.split("say \"a \\\"b\\\" \\\\ \\n \\$x\""));
  }

  @Test
  void backslashOutsideQuotesEscapesAnyCharacter() throws ConfigException {
    assertEquals(List.of("a b", "|"), CommandLine.split("a\\ b \\|"));
  }

  @Test
  void quotedPartsJoinTheWordAroundThem() throws ConfigException {
    assertEquals(List.of("--name=a b", ""), CommandLine.split("--name='a b' \"\""));
  }

  @Test
  void unterminatedQuoteIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> CommandLine.split("echo 'abc"));
    assertTrue(e.getMessage().startsWith("unterminated single quote"), e.getMessage());
  }

  @Test
  void shellOperatorsAreRefusedWithoutAShell() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> CommandLine.split("date | tr a b"));
    assertTrue(e.getMessage().contains("add flags = [shell]"), e.getMessage());
  }
}
