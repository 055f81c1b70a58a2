package dev.porter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/** Helpers for configuration tests: parse text named {@code t.conf} and look at its problems. */
final class ConfigAssertions {
  static final String FILE = "t.conf";

  private ConfigAssertions() {}

  static PorterConfig load(String text) {
    try {
      return ConfigLoader.parse(text, FILE);
    } catch (ConfigException e) {
      return fail("expected the configuration to load, got:\n" + e.getMessage());
    }
  }

  static List<String> problems(String text) {
    try {
      ConfigLoader.parse(text, FILE);
    } catch (ConfigException e) {
      return e.problems();
    }
    return fail("expected problems, but the configuration loaded");
  }

  /**
   * Exactly one problem, which starts with {@code prefix} and contains every one of {@code parts}.
   */
  static String assertOneProblem(String text, String prefix, String... parts) {
    List<String> p = problems(text);
    assertEquals(1, p.size(), () -> "expected one problem, got:\n" + String.join("\n", p));
    assertProblem(p.get(0), prefix, parts);
    return p.get(0);
  }

  static void assertProblem(String problem, String prefix, String... parts) {
    assertTrue(
        problem.startsWith(prefix),
        () -> "expected a problem starting with\n  " + prefix + "\ngot\n  " + problem);
    for (String part : parts) {
      assertTrue(
          problem.contains(part), () -> "expected\n  " + problem + "\nto contain\n  " + part);
    }
  }

  /** Some problem starts with {@code prefix}. */
  static void assertHasProblem(List<String> problems, String prefix) {
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith(prefix)),
        () ->
            "expected a problem starting with "
                + prefix
                + ", got:\n"
                + String.join("\n", problems));
  }
}
