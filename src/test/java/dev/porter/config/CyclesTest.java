package dev.porter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one cycle walk: ACL references and prerequisites are both walked by it. */
class CyclesTest {
  /** A graph written as "a:b,c b:a": each name, then the names it refers to. */
  private static List<List<String>> cycles(String graph) {
    Map<String, List<String>> refs = new LinkedHashMap<>();
    for (String node : graph.split(" ")) {
      String[] parts = node.split(":", -1);
      boolean none = parts.length < 2 || parts[1].isEmpty();
      refs.put(parts[0], none ? List.of() : List.of(parts[1].split(",")));
    }
    return Cycles.find(refs.keySet(), refs::get);
  }

  @Test
  void aCycleIsNamedFromTheFirstNameMetAgainAndBackToIt() {
    assertEquals(List.of(List.of("a", "b", "a")), cycles("a:b b:a"));
    assertEquals(List.of(List.of("b", "c", "b")), cycles("a:b b:c c:b"));
  }

  @Test
  void aNameThatRefersToItselfIsACycle() {
    assertEquals(List.of(List.of("a", "a")), cycles("a:a"));
  }

  @Test
  void aNameReachedTwiceWithoutACycleIsNoCycle() {
    assertEquals(List.of(), cycles("a:b,c b:d c:d d:"));
  }

  @Test
  void eachCycleIsReportedOnceInDeclarationOrder() {
    assertEquals(
        List.of(List.of("a", "b", "a"), List.of("c", "d", "c")), cycles("a:b b:a c:d d:c"));
  }

  @Test
  void referencesToUnknownNamesAreNotFollowed() {
    assertEquals(List.of(), cycles("a:nope b:a"));
  }

  @Test
  void aCycleLongerThanARecursiveWalkCouldFollowIsFound() {
    int n = 200_000;
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) names.add("c" + i);
    List<List<String>> found =
        Cycles.find(
            names,
            name -> {
              int i = Integer.parseInt(name.substring(1));
              return List.of("c" + ((i + 1) % n));
            });
    assertEquals(1, found.size());
    assertEquals(n + 1, found.get(0).size());
    assertEquals("c0", found.get(0).get(n));
  }

  @Test
  void theProblemNamesWhatCyclesAndThePath() {
    assertEquals(
        "prerequisite cycle a -> b -> a", Cycles.describe("prerequisite", List.of("a", "b", "a")));
  }
}
