package dev.porter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The depth check that runs before Typesafe Config's recursive parser sees a file. */
class NestingTest {
  static String repeat(String s, int n) {
    return s.repeat(n);
  }

  @Test
  void porterConfigurationsAreFarFromTheLimit() {
    assertEquals(
        OptionalInt.empty(),
        Nesting.tooDeep(
            "components {\n"
                + "  link { mode = mux, mux.tls { cert = a.pem, key = b.pem }, mux.listen ="
                + " \"inet://[::1]:9\" }\n"
                + "}\n"));
  }

  @Test
  void bracesDeeperThanTheLimitAreFoundOnTheirLine() {
    String text =
        "x = 1\n" + repeat("a { ", Nesting.MAX_DEPTH + 1) + repeat("}", Nesting.MAX_DEPTH + 1);
    assertEquals(OptionalInt.of(2), Nesting.tooDeep(text));
  }

  @Test
  void exactlyTheLimitIsAllowed() {
    assertEquals(
        OptionalInt.empty(),
        Nesting.tooDeep(repeat("a { ", Nesting.MAX_DEPTH) + repeat("}", Nesting.MAX_DEPTH)));
  }

  @Test
  void listsCountAsLevels() {
    assertEquals(
        OptionalInt.of(1), Nesting.tooDeep("a = " + repeat("[", 3000) + repeat("]", 3000)));
  }

  @Test
  void eachSegmentOfADottedKeyIsALevel() {
    assertEquals(
        OptionalInt.of(1),
        Nesting.tooDeep(String.join(".", java.util.Collections.nCopies(3000, "a")) + " = 1"));
    assertEquals(
        OptionalInt.of(1),
        Nesting.tooDeep(String.join(".", java.util.Collections.nCopies(3000, "a")) + " { }"));
  }

  @Test
  void aDottedKeyClosedByItsBraceGivesBackAllItsLevels() {
    String sibling = "a.b.c.d { x = 1 }\n";
    assertEquals(OptionalInt.empty(), Nesting.tooDeep(sibling.repeat(1000)));
  }

  @Test
  void dotsInValuesQuotesAndCommentsDoNotCount() {
    String dots = ".".repeat(5000);
    assertEquals(
        OptionalInt.empty(),
        Nesting.tooDeep("a = \"" + dots + "{{{{\"\n# " + dots + " {{{\nb = x" + dots + "\n"));
    assertEquals(
        OptionalInt.empty(), Nesting.tooDeep("a = \"\"\"" + repeat("{", 500) + "\"\"\"\n"));
  }
}
