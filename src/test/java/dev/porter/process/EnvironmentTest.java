package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.config.EnvSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
  private static final Map<String, String> PORTER =
      Map.of(
          "PATH",
          "/usr/bin:/bin",
          "HOME",
          "/root",
          "LANG",
          "C.UTF-8",
          "LC_ALL",
          "C",
          "SECRET",
          "s");

  @Test
  void withoutClearTheChildGetsPorterEnvironment() {
    assertEquals(
        List.of("HOME=/root", "LANG=C.UTF-8", "LC_ALL=C", "PATH=/usr/bin:/bin", "SECRET=s"),
        Environment.build(EnvSpec.INHERIT, PORTER, Map.of()));
  }

  @Test
  void clearStartsEmptyButKeepsNamedAndGlobbedVariables() {
    EnvSpec spec = new EnvSpec(true, List.of("PATH", "L*"), Map.of(), List.of());
    assertEquals(
        List.of("LANG=C.UTF-8", "LC_ALL=C", "PATH=/usr/bin:/bin"),
        Environment.build(spec, PORTER, Map.of()));
  }

  @Test
  void clearWithNothingKeptIsEmpty() {
    assertEquals(
        List.of(),
        Environment.build(new EnvSpec(true, List.of(), Map.of(), List.of()), PORTER, Map.of()));
  }

  @Test
  void setAddsAndOverridesWithValuesExpandedAgainstTheEnvironmentSoFar() {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("PATH", "$PATH:/opt/bin");
    set.put("GREETING", "hi ${WHO:-there}");
    EnvSpec spec = new EnvSpec(true, List.of("PATH"), set, List.of());
    assertEquals(
        List.of("GREETING=hi there", "PATH=/usr/bin:/bin:/opt/bin"),
        Environment.build(spec, PORTER, Map.of()));
  }

  @Test
  void unsetRemovesNamesAndGlobs() {
    EnvSpec spec = new EnvSpec(false, List.of(), Map.of(), List.of("SECRET", "LC_?LL"));
    assertEquals(
        List.of("HOME=/root", "LANG=C.UTF-8", "PATH=/usr/bin:/bin"),
        Environment.build(spec, PORTER, Map.of()));
  }

  @Test
  void extrasComeLastAndSurviveUnset() {
    EnvSpec spec = new EnvSpec(true, List.of(), Map.of(), List.of("*"));
    assertEquals(
        List.of("PROTO=TCP", "REMOTEIP=192.0.2.7"),
        Environment.build(spec, PORTER, Map.of("PROTO", "TCP", "REMOTEIP", "192.0.2.7")));
  }

  @Test
  void globMatchesWholeNamesOnly() {
    assertEquals(true, Environment.glob("LC_*").matcher("LC_ALL").matches());
    assertEquals(false, Environment.glob("LC").matcher("LC_ALL").matches());
    assertEquals(false, Environment.glob("A.B").matcher("AxB").matches());
  }
}
