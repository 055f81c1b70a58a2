package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimitTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aMinutesWorthIsAdmittedAtOnceThenRefused() {
    RateLimit r = new RateLimit(3);
    long t = 1_000 * SECOND;
    assertTrue(r.tryAcquire(t));
    assertTrue(r.tryAcquire(t));
    assertTrue(r.tryAcquire(t));
    assertFalse(r.tryAcquire(t + SECOND));
  }

  @Test
  void theBudgetRefillsAtTheConfiguredRate() {
    RateLimit r = new RateLimit(60);
    long t = 5 * SECOND;
    for (int i = 0; i < 60; i++) assertTrue(r.tryAcquire(t));
    assertFalse(r.tryAcquire(t));
    assertFalse(r.tryAcquire(t + SECOND / 2));
    assertTrue(r.tryAcquire(t + SECOND));
    assertFalse(r.tryAcquire(t + SECOND));
  }

  @Test
  void aLongPauseDoesNotBankMoreThanAMinute() {
    RateLimit r = new RateLimit(2);
    long t = 0;
    assertTrue(r.tryAcquire(t));
    t += TimeUnit.HOURS.toNanos(5);
    assertTrue(r.tryAcquire(t));
    assertTrue(r.tryAcquire(t));
    assertFalse(r.tryAcquire(t));
  }

  @Test
  void admissionCountsInstancesAndReleasesThem() {
    Admission a = new Admission(2, 0);
    assertTrue(a.tryAdmit(0).isEmpty());
    assertTrue(a.tryAdmit(0).isEmpty());
    assertTrue(a.tryAdmit(0).filter(Limit.MAX_INSTANCES::equals).isPresent());
    a.release();
    assertTrue(a.tryAdmit(0).isEmpty());
    assertTrue(a.refused() == 1 && a.total() == 3 && a.active() == 2);
  }

  @Test
  void aRateRefusalDoesNotHoldAnInstanceSlot() {
    Admission a = new Admission(5, 1);
    assertTrue(a.tryAdmit(0).isEmpty());
    assertTrue(a.tryAdmit(0).filter(Limit.MAX_RATE::equals).isPresent());
    assertTrue(a.active() == 1);
  }

  @Test
  void aChangedRateGoesOnCountingWhatTheOldOneAdmittedThisMinute() {
    RateLimit before = new RateLimit(10);
    long t = 100 * SECOND;
    for (int i = 0; i < 8; i++) assertTrue(before.tryAcquire(t));
    RateLimit after = RateLimit.continuing(before, 10, t);
    assertTrue(after.tryAcquire(t));
    assertTrue(after.tryAcquire(t));
    assertFalse(after.tryAcquire(t), "a reload handed out a fresh minute");
    RateLimit lower = RateLimit.continuing(before, 5, t);
    assertFalse(lower.tryAcquire(t), "8 admitted this minute are over a new limit of 5");
  }

  @Test
  void theWaitUntilTheNextAdmissionIsOneTokensWorth() {
    RateLimit r = new RateLimit(60);
    long t = 7 * SECOND;
    assertEquals(0, r.nanosUntilNext(t));
    for (int i = 0; i < 60; i++) assertTrue(r.tryAcquire(t));
    assertEquals(SECOND, r.nanosUntilNext(t));
    assertEquals(SECOND / 4, r.nanosUntilNext(t + 3 * SECOND / 4));
    assertEquals(0, r.nanosUntilNext(t + SECOND));
  }

  @Test
  void aReloadedAdmissionKeepsTheSlotsOfTheOldConnections() {
    Admission before = new Admission(2, 0);
    assertTrue(before.tryAdmit(0).isEmpty());
    assertTrue(before.tryAdmit(0).isEmpty());
    Admission after = Admission.continuing(before, 3, 0, 0);
    assertTrue(after.tryAdmit(0).isEmpty());
    assertTrue(after.tryAdmit(0).filter(Limit.MAX_INSTANCES::equals).isPresent());
    before.release(); // a connection of the old declaration closes
    assertTrue(after.tryAdmit(0).isEmpty());
    assertEquals(3, after.active());
    assertEquals(4, after.total());
  }
}
