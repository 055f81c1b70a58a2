package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.config.ComponentSpec;
import dev.porter.config.ConfigLoader;
import dev.porter.config.Endpoint;
import dev.porter.config.Mode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A reload worked out from the declarations alone: no socket, no process. */
class ReloadPlanTest {
  /**
   * The running components' sockets, as the plan's {@code boundAt} sees them: bound where declared.
   */
  private final Map<String, Endpoint> bound = new HashMap<>();

  private List<ComponentSpec> running(String components) throws Exception {
    List<ComponentSpec> specs =
        ConfigLoader.parse("components {\n" + components + "\n}\n", "old.conf").components();
    for (ComponentSpec s : specs) listensOn(s).ifPresent(ep -> bound.put(s.name(), ep));
    return specs;
  }

  private static List<ComponentSpec> next(String components) throws Exception {
    return ConfigLoader.parse("components {\n" + components + "\n}\n", "new.conf").components();
  }

  private static Optional<Endpoint> listensOn(ComponentSpec s) {
    return s.mode() == Mode.MUX ? s.muxListen() : s.socket();
  }

  private ReloadPlan plan(List<ComponentSpec> before, List<ComponentSpec> after) {
    return ReloadPlan.of(
        before,
        after,
        ReloadPlanTest::listensOn,
        (name, at) -> bound.containsKey(name) && bound.get(name).equals(at));
  }

  @Test
  void anUnchangedComponentIsKeptAndNothingElseHappens() throws Exception {
    String same = "echo { socket = \"inet://127.0.0.1:7007\", builtin = echo }";
    ReloadPlan p = plan(running(same), next(same));
    assertEquals(List.of("echo"), p.kept());
    assertEquals(List.of(), p.stopped());
    assertEquals(List.of(), p.fresh());
    assertEquals(List.of(), p.bind());
    assertEquals(List.of(), p.changes());
  }

  @Test
  void aChangedComponentOnTheSameSocketKeepsItsListener() throws Exception {
    ReloadPlan p =
        plan(
            running("svc { socket = \"inet://127.0.0.1:7007\", builtin = echo }"),
            next("svc { socket = \"inet://127.0.0.1:7007\", builtin = daytime }"));
    assertEquals(List.of("svc"), p.stopped());
    assertEquals(List.of("svc"), p.started());
    assertEquals(Map.of("svc", "svc"), p.handOver());
    assertEquals(List.of(), p.bind());
    assertEquals(List.of(), p.released());
    assertEquals(List.of("changed svc"), p.changes());
  }

  @Test
  void twoComponentsTradingPortsHandTheirListenersOver() throws Exception {
    ReloadPlan p =
        plan(
            running(
                "a { socket = \"inet://127.0.0.1:7001\", builtin = echo }\n"
                    + "b { socket = \"inet://127.0.0.1:7002\", builtin = daytime }"),
            next(
                "a { socket = \"inet://127.0.0.1:7002\", builtin = echo }\n"
                    + "b { socket = \"inet://127.0.0.1:7001\", builtin = daytime }"));
    assertEquals(Map.of("a", "b", "b", "a"), p.handOver());
    assertEquals(List.of(), p.bind(), "nothing is bound twice");
    assertEquals(List.of(), p.released());
  }

  @Test
  void aSocketOfARemovedComponentGoesToTheNewComponentThatAsksForIt() throws Exception {
    ReloadPlan p =
        plan(
            running("old { socket = \"inet://127.0.0.1:7001\", builtin = echo }"),
            next(
                "fresh { socket = \"inet://127.0.0.1:7001\", builtin = daytime }\n"
                    + "other { socket = \"inet://127.0.0.1:7003\", builtin = echo }"));
    assertEquals(Map.of("fresh", "old"), p.handOver());
    assertEquals(List.of("other"), p.bind());
    assertEquals(List.of("removed old", "added fresh", "added other"), p.changes());
  }

  @Test
  void aMovedComponentBindsItsNewSocketAndReleasesTheOld() throws Exception {
    ReloadPlan p =
        plan(
            running("svc { socket = \"inet://127.0.0.1:7001\", builtin = echo }"),
            next("svc { socket = \"inet://127.0.0.1:7009\", builtin = echo }"));
    assertEquals(List.of("svc"), p.bind());
    assertEquals(List.of("svc"), p.released());
    assertEquals(Map.of(), p.handOver());
  }

  @Test
  void dependentsStopBeforeWhatTheyDependOnAndStartAfterIt() throws Exception {
    ReloadPlan p =
        plan(
            running(
                "db { command = \"/bin/sleep 600\" }\n"
                    + "web { command = \"/bin/sleep 600\", prerequisites = [ db ] }"),
            next(
                "db { command = \"/bin/sleep 599\" }\n"
                    + "web { command = \"/bin/sleep 599\", prerequisites = [ db ] }"));
    assertEquals(List.of("web", "db"), p.stopped());
    assertEquals(List.of("db", "web"), p.started());
  }

  @Test
  void startupAndShutdownProgramsAreNotRunByAReload() throws Exception {
    ReloadPlan p =
        plan(
            running("d { command = \"/bin/sleep 600\" }"),
            next(
                "d { command = \"/bin/sleep 600\" }\n"
                    + "init { mode = startup, command = /bin/true }\n"
                    + "bye { mode = shutdown, command = /bin/true }"));
    assertEquals(List.of("init", "bye"), p.fresh());
    assertEquals(List.of(), p.started());
    assertEquals(List.of("added init", "added bye"), p.changes());
  }
}
