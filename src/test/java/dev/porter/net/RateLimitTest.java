package dev.porter.net;

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
    assertTrue(a.tryAdmit(0).filter("max-instances"::equals).isPresent());
    a.release();
    assertTrue(a.tryAdmit(0).isEmpty());
    assertTrue(a.refused() == 1 && a.total() == 3 && a.active() == 2);
  }

  @Test
  void aRateRefusalDoesNotHoldAnInstanceSlot() {
    Admission a = new Admission(5, 1);
    assertTrue(a.tryAdmit(0).isEmpty());
    assertTrue(a.tryAdmit(0).filter("max-rate"::equals).isPresent());
    assertTrue(a.active() == 1);
  }
}
