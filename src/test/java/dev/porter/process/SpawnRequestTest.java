package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpawnRequestTest {
  private static String refusal(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void refusesAnEmptyArgv() {
    assertEquals(
        "argv needs a program name, got []",
        refusal(() -> SpawnRequest.builder(List.of()).build()));
  }

  @Test
  void refusesEnvEntriesWithoutAName() {
    assertEquals(
        "env entry must be NAME=VALUE, got \"=x\"",
        refusal(() -> SpawnRequest.builder(List.of("a")).env(List.of("=x")).build()));
  }

  @Test
  void refusesUnknownResourceLimitsNamingThem() {
    String m = refusal(() -> SpawnRequest.builder(List.of("a")).rlimit("nofiles", 3).build());
    assertEquals(true, m.startsWith("unknown resource limit \"nofiles\""), m);
  }

  @Test
  void refusesSameAsStdoutForStdin() {
    assertEquals(
        "only stderr can be the same as stdout",
        refusal(() -> SpawnRequest.builder(List.of("a")).stdin(Stdio.sameAsStdout()).build()));
  }

  @Test
  void refusesAnOutOfRangeUmask() {
    assertEquals(
        "umask must be 0..0777, got 512",
        refusal(() -> SpawnRequest.builder(List.of("a")).umask(01000).build()));
  }

  @Test
  void credentialsNeedAUserOrAGroup() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Credentials(java.util.Optional.empty(), java.util.Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> Credentials.user("-x"));
  }
}
