package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogThrottleTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void theFirstLineGoesThroughAndTheRestOfTheIntervalIsCountedForTheNextOne() {
    LogThrottle t = new LogThrottle();
    long start = 123 * SECOND;
    assertEquals(0, t.admit(start));
    assertEquals(-1, t.admit(start + 1));
    assertEquals(-1, t.admit(start + LogThrottle.INTERVAL_NANOS - 1));
    assertEquals(2, t.admit(start + LogThrottle.INTERVAL_NANOS), "the next line says how many were held back");
    assertEquals(0, t.admit(start + 3 * LogThrottle.INTERVAL_NANOS));
  }

  @Test
  void aClockThatStartsNegativeIsFine() {
    LogThrottle t = new LogThrottle();
    assertEquals(0, t.admit(Long.MIN_VALUE + 5));
    assertEquals(-1, t.admit(Long.MIN_VALUE + 6));
  }
}
