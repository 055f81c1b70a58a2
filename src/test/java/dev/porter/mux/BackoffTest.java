package dev.porter.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void theDelayDoublesFromATenthOfASecondUpToThirtySeconds() {
    assertEquals(TimeUnit.MILLISECONDS.toNanos(100), Backoff.delayNanos(0));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(200), Backoff.delayNanos(1));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(1600), Backoff.delayNanos(4));
    assertEquals(TimeUnit.SECONDS.toNanos(30), Backoff.delayNanos(9));
    assertEquals(TimeUnit.SECONDS.toNanos(30), Backoff.delayNanos(1000));
  }

  @Test
  void aNegativeFailureCountIsABug() {
    assertThrows(IllegalArgumentException.class, () -> Backoff.delayNanos(-1));
  }
}
