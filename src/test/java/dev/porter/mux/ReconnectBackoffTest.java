package dev.porter.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.net.Backoff;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How often a link that is down is tried again (docs/mux.md: 0.1 s doubling to 30 s). */
class ReconnectBackoffTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aLinkIsTriedAgainAfterATenthOfASecondDoublingToThirtySeconds() {
    Backoff b = MuxLink.reconnectBackoff();
    assertEquals(100 * MS, b.ended(0));
    assertEquals(200 * MS, b.ended(0));
    for (int i = 0; i < 6; i++) b.ended(0);
    assertEquals(25_600 * MS, b.ended(0));
    assertEquals(30 * S, b.ended(0));
    assertEquals(30 * S, b.maxNanos());
  }

  @Test
  void aSessionThatLastedASecondStartsTheBackoffOver() {
    Backoff b = MuxLink.reconnectBackoff();
    for (int i = 0; i < 5; i++) b.ended(0);
    assertEquals(3200 * MS, b.ended(999 * MS), "a session under a second is one more failure");
    assertEquals(100 * MS, b.ended(S));
  }
}
