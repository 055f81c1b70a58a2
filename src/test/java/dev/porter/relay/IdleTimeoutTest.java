package dev.porter.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The idle deadline as a function of the clock (STYLE 9: time is an argument). */
class IdleTimeoutTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void aPairIsIdleOnceTheTimeoutHasPassedSinceTheLastByte() {
    assertEquals(0, IdleTimeout.delay(100 * SECOND, 30 * SECOND, 130 * SECOND));
    assertEquals(-SECOND, IdleTimeout.delay(100 * SECOND, 30 * SECOND, 131 * SECOND));
  }

  @Test
  void aByteMidwayPushesTheNextCheckToItsOwnDeadline() {
    assertEquals(20 * SECOND, IdleTimeout.delay(110 * SECOND, 30 * SECOND, 120 * SECOND));
  }

  @Test
  void aTimeoutReadsAsTheConfigurationWritesIt() {
    assertEquals("0.3s", IdleTimeout.text(300_000_000L));
    assertEquals("10m", IdleTimeout.text(600 * SECOND));
    assertEquals("1h30m", IdleTimeout.text(5400 * SECOND));
  }

  @Test
  void theClockMayWrapAroundLikeNanoTimeDoes() {
    long before = Long.MAX_VALUE - SECOND;
    assertEquals(5 * SECOND, IdleTimeout.delay(before, 10 * SECOND, Long.MAX_VALUE + 4 * SECOND));
  }
}
