package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  private static final Map<String, String> ENV =
      Map.of("HOME", "/home/u", "EMPTY", "", "SPACED", "a b", "N", "7");

  @Test
  void blanksSeparateWordsAndRunsOfThemCountOnce() {
    assertEquals(List.of("/bin/date", "-u", "x"), CommandLine.split("  /bin/date \t-u\n x  "));
  }

  @Test
  void anEmptyOrBlankLineHasNoWords() {
    assertEquals(List.of(), CommandLine.split(""));
    assertEquals(List.of(), CommandLine.split(" \t "));
  }

  @Test
  void singleQuotesKeepEverythingLiterally() {
    assertEquals(List.of("a \"b\" \\c $d"), CommandLine.split("'a \"b\" \\c $d'"));
  }

  @Test
  void doubleQuotesEscapeOnlyDollarBacktickQuoteAndBackslash() {
    assertEquals(List.of("a\"b\\c$d`e\\nf"), CommandLine.split("\"a\\\"b\\\\c\\$d\\`e\\nf\""));
  }

  @Test
  void backslashOutsideQuotesEscapesAnyCharacter() {
    assertEquals(List.of("a b", "'", "\""), CommandLine.split("a\\ b \\' \\\""));
  }

  @Test
  void backslashNewlineContinuesTheLine() {
    assertEquals(List.of("ab", "c"), CommandLine.split("a\\\nb c"));
    assertEquals(List.of("ab"), CommandLine.split("\"a\\\nb\""));
  }

  @Test
  void emptyQuotesMakeAnEmptyWord() {
    assertEquals(List.of("a", "", "b", ""), CommandLine.split("a '' b \"\""));
  }

  @Test
  void adjacentQuotedAndUnquotedPartsJoinIntoOneWord() {
    assertEquals(List.of("abcdef"), CommandLine.split("a'b'\"c\"d\\ef"));
  }

  @Test
  void shellMetacharactersAreOrdinary() {
    assertEquals(List.of("a|b", ">x", "*", ";"), CommandLine.split("a|b >x * ;"));
  }

  @Test
  void dollarIsLiteralWhenNotExpanding() {
    assertEquals(List.of("$HOME"), CommandLine.split("$HOME"));
  }

  @Test
  void unterminatedQuotesAndTrailingBackslashAreClearErrors() {
    assertEquals(
        "command line has an unterminated single quote: echo 'abc",
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo 'abc"))
            .getMessage());
    assertEquals(
        "command line has an unterminated double quote: echo \"abc",
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo \"abc"))
            .getMessage());
    assertEquals(
        "command line ends with a backslash: echo \\",
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo \\"))
            .getMessage());
  }

  @Test
  void expansionHappensOutsideSingleQuotesAndIsNeverResplit() {
    assertEquals(
        List.of("/home/u", "/home/u/x", "$HOME", "a b", "a b"),
        CommandLine.splitExpanding("$HOME \"$HOME/x\" '$HOME' $SPACED \"${SPACED}\"", ENV));
  }

  @Test
  void escapedDollarIsNotExpanded() {
    assertEquals(List.of("$HOME", "$HOME"), CommandLine.splitExpanding("\\$HOME \"\\$HOME\"", ENV));
  }

  @Test
  void expandReplacesPlainAndBracedReferences() {
    assertEquals("/home/u:/home/u!", CommandLine.expand("$HOME:${HOME}!", ENV));
    assertEquals("7x", CommandLine.expand("${N}x", ENV));
    assertEquals("", CommandLine.expand("$NX", ENV));
  }

  @Test
  void unsetVariablesExpandToNothing() {
    assertEquals("[]", CommandLine.expand("[$NOPE]", ENV));
    assertEquals("[]", CommandLine.expand("[${NOPE}]", ENV));
  }

  @Test
  void colonDashUsesTheWordWhenUnsetOrEmpty() {
    assertEquals("w", CommandLine.expand("${NOPE:-w}", ENV));
    assertEquals("w", CommandLine.expand("${EMPTY:-w}", ENV));
    assertEquals("7", CommandLine.expand("${N:-w}", ENV));
  }

  @Test
  void dashUsesTheWordOnlyWhenUnset() {
    assertEquals("w", CommandLine.expand("${NOPE-w}", ENV));
    assertEquals("", CommandLine.expand("${EMPTY-w}", ENV));
  }

  @Test
  void theDefaultWordIsItselfExpanded() {
    assertEquals("/home/u/.x", CommandLine.expand("${NOPE:-$HOME/.x}", ENV));
    assertEquals("7", CommandLine.expand("${NOPE:-${ALSO:-${N}}}", ENV));
  }

  @Test
  void aDollarWithoutANameStaysADollar() {
    assertEquals("cost $5 $ $-", CommandLine.expand("cost $5 $ $-", ENV));
  }

  @Test
  void malformedSubstitutionsAreClearErrors() {
    assertEquals(
        "command line has an unterminated ${: a ${HOME",
        assertThrows(IllegalArgumentException.class, () -> CommandLine.expand("a ${HOME", ENV))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> CommandLine.expand("${HOME:=x}", ENV));
    assertThrows(IllegalArgumentException.class, () -> CommandLine.expand("${}", ENV));
    assertThrows(IllegalArgumentException.class, () -> CommandLine.expand("${NOPE:-x", ENV));
  }
}
