package dev.porter.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The idle deadline as a function of the clock (STYLE 9: time is an argument). */
class RelayTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void aRelayIsIdleOnceTheTimeoutHasPassedSinceTheLastByte() {
    assertEquals(0, Relay.idleDelay(100 * SECOND, 30 * SECOND, 130 * SECOND));
    assertEquals(-SECOND, Relay.idleDelay(100 * SECOND, 30 * SECOND, 131 * SECOND));
  }

  @Test
  void aByteMidwayPushesTheNextCheckToItsOwnDeadline() {
    assertEquals(20 * SECOND, Relay.idleDelay(110 * SECOND, 30 * SECOND, 120 * SECOND));
  }

  @Test
  void theClockMayWrapAroundLikeNanoTimeDoes() {
    assertEquals(5 * SECOND, Relay.idleDelay(Long.MAX_VALUE - SECOND, 10 * SECOND, Long.MAX_VALUE + 4 * SECOND));
  }
}
