package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.config.ComponentSpec;
import dev.porter.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start order from prerequisites, and who depends on whom: pure, from declarations. */
class StartOrderTest {
  private static List<ComponentSpec> specs(String components) throws Exception {
    return ConfigLoader.parse("components {\n" + components + "\n}\n", "t.conf").components();
  }

  private static List<String> names(List<ComponentSpec> specs) {
    return specs.stream().map(ComponentSpec::name).toList();
  }

  @Test
  void prerequisitesStartFirstAndTheRestKeepTheirOrder() throws Exception {
    List<ComponentSpec> s =
        specs(
            "web { command = x, prerequisites = [ db, cache ] }\n"
                + "cache { command = x, prerequisites = [ db ] }\n"
                + "db { command = x }\n"
                + "other { command = x }");
    assertEquals(List.of("db", "cache", "web", "other"), names(StartOrder.of(s)));
  }

  @Test
  void dependentsComeDependentsOfDependentsFirst() throws Exception {
    List<ComponentSpec> s =
        specs(
            "web { command = x, prerequisites = [ db, cache ] }\n"
                + "cache { command = x, prerequisites = [ db ] }\n"
                + "db { command = x }\n"
                + "other { command = x }");
    assertEquals(List.of("web", "cache"), StartOrder.dependentsOf("db", s));
    assertEquals(List.of("web"), StartOrder.dependentsOf("cache", s));
    assertEquals(List.of(), StartOrder.dependentsOf("other", s));
  }

  @Test
  void aChainTwentyThousandLongIsOrderedWithoutOverflowingTheStack() throws Exception {
    StringBuilder b = new StringBuilder("c0 { command = x }\n");
    for (int i = 1; i < 20_000; i++)
      b.append("c")
          .append(i)
          .append(" { command = x, prerequisites = [ c")
          .append(i - 1)
          .append(" ] }\n");
    List<ComponentSpec> s = specs(b.toString());
    List<ComponentSpec> reversed = new java.util.ArrayList<>(s);
    java.util.Collections.reverse(reversed);
    List<String> order = names(StartOrder.of(reversed));
    assertEquals("c0", order.get(0));
    assertEquals("c19999", order.get(19_999));
    assertEquals(19_999, StartOrder.dependentsOf("c0", s).size());
  }
}
