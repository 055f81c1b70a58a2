package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void columnsAreAsWideAsTheirWidestCellAndLinesHaveNoTrailingSpaces() {
    String t =
        new Table("NAME", "STATE", "PID")
            .row("echo", "listening", "-")
            .row("sleeper", "running", 4242)
            .render();
    assertEquals(
        "NAME     STATE      PID\n" + "echo     listening  -\n" + "sleeper  running    4242\n", t);
  }

  @Test
  void agesAreShortAndReadable() {
    assertEquals("0s", CtlOutput.age(999));
    assertEquals("59s", CtlOutput.age(59_999));
    assertEquals("3m07s", CtlOutput.age(187_000));
    assertEquals("2h05m", CtlOutput.age(7_500_000));
  }
}
