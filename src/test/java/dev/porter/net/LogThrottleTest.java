package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void theFirstEventIsLoggedAndTheRestOfItsIntervalHeldBack() {
    LogThrottle t = new LogThrottle(10 * S);
    assertEquals(0, t.admit(100 * S));
    assertEquals(-1, t.admit(100 * S));
    assertEquals(-1, t.admit(109 * S));
  }

  @Test
  void theNextLineCountsTheEventsHeldBackSinceTheLastOne() {
    LogThrottle t = new LogThrottle(10 * S);
    t.admit(0);
    for (int i = 1; i <= 1000; i++) t.admit(i * S / 200);
    assertEquals(1000, t.admit(10 * S));
    assertEquals(-1, t.admit(11 * S));
    assertEquals(1, t.admit(25 * S));
    assertEquals(0, t.admit(40 * S));
  }

  @Test
  void theDefaultIsOneLineEveryTenSeconds() {
    LogThrottle t = new LogThrottle();
    long start = 123 * S;
    assertEquals(0, t.admit(start));
    assertEquals(-1, t.admit(start + LogThrottle.INTERVAL_NANOS - 1));
    assertEquals(1, t.admit(start + LogThrottle.INTERVAL_NANOS));
  }

  @Test
  void aClockNearItsWrapStillSpacesTheLines() {
    LogThrottle t = new LogThrottle(10 * S);
    assertEquals(0, t.admit(Long.MAX_VALUE - S));
    assertEquals(-1, t.admit(Long.MAX_VALUE + 5 * S));
    assertEquals(1, t.admit(Long.MAX_VALUE + 9 * S));
    LogThrottle negative = new LogThrottle();
    assertEquals(0, negative.admit(Long.MIN_VALUE + 5));
    assertEquals(-1, negative.admit(Long.MIN_VALUE + 6));
  }

  @Test
  void anIntervalMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new LogThrottle(0));
  }
}
