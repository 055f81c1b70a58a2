package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpansionTest {
  private static final Map<String, String> ENV =
      Map.of("HOME", "/home/u", "EMPTY", "", "SPACED", "a b", "N", "7");

  @Test
  void expandReplacesPlainAndBracedReferences() {
    assertEquals("/home/u:/home/u!", Expansion.expand("$HOME:${HOME}!", ENV));
    assertEquals("7x", Expansion.expand("${N}x", ENV));
    assertEquals("", Expansion.expand("$NX", ENV));
  }

  @Test
  void unsetVariablesExpandToNothing() {
    assertEquals("[]", Expansion.expand("[$NOPE]", ENV));
    assertEquals("[]", Expansion.expand("[${NOPE}]", ENV));
  }

  @Test
  void colonDashUsesTheWordWhenUnsetOrEmpty() {
    assertEquals("w", Expansion.expand("${NOPE:-w}", ENV));
    assertEquals("w", Expansion.expand("${EMPTY:-w}", ENV));
    assertEquals("7", Expansion.expand("${N:-w}", ENV));
  }

  @Test
  void dashUsesTheWordOnlyWhenUnset() {
    assertEquals("w", Expansion.expand("${NOPE-w}", ENV));
    assertEquals("", Expansion.expand("${EMPTY-w}", ENV));
  }

  @Test
  void theDefaultWordIsItselfExpanded() {
    assertEquals("/home/u/.x", Expansion.expand("${NOPE:-$HOME/.x}", ENV));
    assertEquals("7", Expansion.expand("${NOPE:-${ALSO:-${N}}}", ENV));
  }

  @Test
  void aDollarWithoutANameStaysADollar() {
    assertEquals("cost $5 $ $-", Expansion.expand("cost $5 $ $-", ENV));
  }

  @Test
  void malformedSubstitutionsAreClearErrors() {
    assertEquals(
        "command line has an unterminated ${: a ${HOME",
        assertThrows(IllegalArgumentException.class, () -> Expansion.expand("a ${HOME", ENV))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Expansion.expand("${HOME:=x}", ENV));
    assertThrows(IllegalArgumentException.class, () -> Expansion.expand("${}", ENV));
    assertThrows(IllegalArgumentException.class, () -> Expansion.expand("${NOPE:-x", ENV));
  }
}
