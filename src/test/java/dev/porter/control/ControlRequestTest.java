package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControlRequestTest {
  @Test
  void aCommandWithANameParsesAndWritesBackTheSameLine() throws Exception {
    ControlRequest r = ControlRequest.parse("restart web\r");
    assertEquals(ControlRequest.Command.RESTART, r.command());
    assertEquals(Optional.of("web"), r.name());
    assertEquals("restart web\n", r.line());
  }

  @Test
  void commandsAreCaseInsensitiveAndExtraSpacesDoNotMatter() throws Exception {
    assertEquals(ControlRequest.Command.LIST, ControlRequest.parse("  LIST ").command());
    assertEquals(Optional.of("db"), ControlRequest.parse("status   db").name());
  }

  @Test
  void aMissingOrSuperfluousNameIsRefusedWithAClearMessage() {
    assertEquals(
        "stop needs a component name",
        assertThrows(ControlException.class, () -> ControlRequest.parse("stop")).getMessage());
    assertEquals(
        "reload takes no argument",
        assertThrows(ControlException.class, () -> ControlRequest.parse("reload now"))
            .getMessage());
    assertEquals(
        "too many words in \"start a b\"",
        assertThrows(ControlException.class, () -> ControlRequest.parse("start a b")).getMessage());
    assertEquals(
        "empty request",
        assertThrows(ControlException.class, () -> ControlRequest.parse("")).getMessage());
  }

  @Test
  void anUnknownCommandListsTheKnownOnes() {
    String m =
        assertThrows(ControlException.class, () -> ControlRequest.parse("frob")).getMessage();
    assertEquals(
        "unknown command \"frob\" (expected list, status, start, stop, restart, reload, shutdown,"
            + " connections or links)",
        m);
  }
}
