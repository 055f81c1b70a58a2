package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The one restart backoff, as a function of how long each attempt ran (STYLE 9). */
class BackoffTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  private static Backoff tenthToThirtySeconds() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(1));
  }

  @Test
  void theDelayDoublesFromTheFirstWithEachFailureInARowUpToTheCap() {
    Backoff b = tenthToThirtySeconds();
    assertEquals(100 * MS, b.ended(0));
    assertEquals(200 * MS, b.ended(0));
    assertEquals(400 * MS, b.ended(0));
    assertEquals(800 * MS, b.ended(0));
    assertEquals(1600 * MS, b.ended(0));
    for (int i = 0; i < 4; i++) b.ended(0);
    assertEquals(30 * S, b.ended(0));
    assertEquals(10, b.failures());
  }

  @Test
  void anAttemptThatRanLongEnoughStartsTheBackoffOver() {
    Backoff b = tenthToThirtySeconds();
    b.ended(0);
    b.ended(999 * MS);
    assertEquals(2, b.failures());
    assertEquals(100 * MS, b.ended(S));
    assertEquals(0, b.failures());
    assertEquals(100 * MS, b.ended(0), "the next failure is the first again");
  }

  @Test
  void resetForgetsTheFailures() {
    Backoff b = tenthToThirtySeconds();
    for (int i = 0; i < 5; i++) b.ended(0);
    b.reset();
    assertEquals(100 * MS, b.ended(0));
  }

  @Test
  void anyNumberOfFailuresStaysAtTheCap() {
    assertEquals(30 * S, Backoff.delayNanos(100 * MS, 30 * S, 63));
    assertEquals(30 * S, Backoff.delayNanos(100 * MS, 30 * S, 1000));
    assertEquals(30 * S, Backoff.delayNanos(100 * MS, 30 * S, Integer.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, Backoff.delayNanos(1, Long.MAX_VALUE, 64));
  }

  @Test
  void aNegativeFailureCountIsABug() {
    assertThrows(IllegalArgumentException.class, () -> Backoff.delayNanos(100 * MS, 30 * S, -1));
  }

  @Test
  void aCapBelowTheFirstDelayOrNoFirstDelayIsABug() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO));
  }
}
