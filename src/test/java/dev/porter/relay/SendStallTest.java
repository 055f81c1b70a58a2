package dev.porter.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a relay looks at its queues again, and when it gives up on a side. */
class SendStallTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void nothingQueuedNeedsNoCheck() {
    assertEquals(Long.MAX_VALUE, SendStall.nextCheck(0, 0, 60 * S));
  }

  @Test
  void theNextCheckComesWhenTheLongestStalledSideWouldReachTheTimeout() {
    assertEquals(50 * S, SendStall.nextCheck(10 * S, 0, 60 * S));
    assertEquals(15 * S, SendStall.nextCheck(10 * S, 45 * S, 60 * S));
  }

  @Test
  void aSideStalledForTheWholeTimeoutEndsThePair() {
    assertEquals(0, SendStall.nextCheck(0, 60 * S, 60 * S));
    assertEquals(-S, SendStall.nextCheck(61 * S, 0, 60 * S));
  }
}
