package dev.porter.net;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One component's connection limits and counters: {@code max-instances} (concurrent) and
 * {@code max-rate} (per minute). Safe to use from every event loop.
 */
public final class Admission {
  private final int maxInstances;
  private final Optional<RateLimit> rate;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong refusedAcl = new AtomicLong();
  private final AtomicLong refusedMaxInstances = new AtomicLong();
  private final AtomicLong refusedMaxRate = new AtomicLong();

  /** {@code maxInstances} and {@code maxRate} of 0 mean unlimited. */
  public Admission(int maxInstances, int maxRate) {
    this.maxInstances = maxInstances;
    this.rate = maxRate > 0 ? Optional.of(new RateLimit(maxRate)) : Optional.empty();
  }

  /** Admits one connection, or says which limit refused it ({@code max-instances}, {@code max-rate}). */
  public Optional<String> tryAdmit(long nowNanos) {
    if (maxInstances > 0) {
      int now;
      do {
        now = active.get();
        if (now >= maxInstances) {
          refusedMaxInstances.incrementAndGet();
          return Optional.of("max-instances");
        }
      } while (!active.compareAndSet(now, now + 1));
    } else {
      active.incrementAndGet();
    }
    if (rate.isPresent() && !rate.get().tryAcquire(nowNanos)) {
      active.decrementAndGet();
      refusedMaxRate.incrementAndGet();
      return Optional.of("max-rate");
    }
    total.incrementAndGet();
    return Optional.empty();
  }

  /**
   * Takes one more slot without checking the limits: the connection's slot is released when
   * porter lets go of the socket, and the child that now serves it holds this one until it exits.
   */
  public void retain() {
    active.incrementAndGet();
  }

  /** Ends one admitted connection. */
  public void release() {
    active.decrementAndGet();
  }

  public int active() {
    return active.get();
  }

  public long total() {
    return total.get();
  }

  /** Connections refused for any reason: ACL, max-instances, max-rate. */
  public long refused() {
    return refusedAcl.get() + refusedMaxInstances.get() + refusedMaxRate.get();
  }

  /** Counts a connection an ACL refused (the check happens before the limits, elsewhere). */
  public void refusedByAcl() {
    refusedAcl.incrementAndGet();
  }

  public long refusedAcl() {
    return refusedAcl.get();
  }

  public long refusedMaxInstances() {
    return refusedMaxInstances.get();
  }

  public long refusedMaxRate() {
    return refusedMaxRate.get();
  }
}
