package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ExitStatusTest {
  @Test
  void decodesAnExitCode() {
    assertEquals(ExitStatus.exited(7), ExitStatus.fromWaitStatus(7 << 8));
    assertEquals("exit 7", ExitStatus.fromWaitStatus(7 << 8).toString());
  }

  @Test
  void decodesAKillingSignalWithAndWithoutCore() {
    assertEquals("signal 9 (SIGKILL)", ExitStatus.fromWaitStatus(9).toString());
    assertEquals(
        "signal 11 (SIGSEGV) core dumped", ExitStatus.fromWaitStatus(11 | 0x80).toString());
  }

  @Test
  void shellCodeIs128PlusTheSignal() {
    assertEquals(137, ExitStatus.killed(9, false).shellCode());
    assertEquals(3, ExitStatus.exited(3).shellCode());
  }

  @Test
  void aStoppedStatusIsNotAnExit() {
    assertThrows(IllegalArgumentException.class, () -> ExitStatus.fromWaitStatus(0x137f));
  }
}
