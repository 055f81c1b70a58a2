package dev.porter.supervisor;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One component's connection limits and counters: {@code max-instances} (concurrent) and {@code
 * max-rate} (per minute). Safe to use from every event loop.
 *
 * <p>A reload that changes a component makes a new Admission with the new limits that goes on
 * counting from the old one ({@link #continuing}): the connections and children of the old
 * declaration still hold their slots, and what it admitted in the last minute still counts against
 * the rate, so a reload can never be used to reset a limit.
 */
final class Admission {
  /** What every generation of one component's Admission shares. */
  private static final class Counts {
    final AtomicInteger active = new AtomicInteger();
    final AtomicLong total = new AtomicLong();
    final AtomicLong refusedAcl = new AtomicLong();
    final AtomicLong refusedMaxInstances = new AtomicLong();
    final AtomicLong refusedMaxRate = new AtomicLong();
  }

  private final int maxInstances;
  private final Optional<RateLimit> rate;
  private final Counts counts;

  /** {@code maxInstances} and {@code maxRate} of 0 mean unlimited. */
  Admission(int maxInstances, int maxRate) {
    this(
        maxInstances,
        maxRate > 0 ? Optional.of(new RateLimit(maxRate)) : Optional.empty(),
        new Counts());
  }

  private Admission(int maxInstances, Optional<RateLimit> rate, Counts counts) {
    this.maxInstances = maxInstances;
    this.rate = rate;
    this.counts = counts;
  }

  /**
   * The limits of a changed declaration, counting on from {@code before}: the same active slots and
   * totals, and a rate whose last minute includes what {@code before} admitted ({@link
   * RateLimit#continuing}).
   */
  static Admission continuing(Admission before, int maxInstances, int maxRate, long nowNanos) {
    Optional<RateLimit> rate = Optional.empty();
    if (maxRate > 0) {
      rate =
          Optional.of(
              before
                  .rate
                  .map(r -> RateLimit.continuing(r, maxRate, nowNanos))
                  .orElseGet(() -> new RateLimit(maxRate)));
    }
    return new Admission(maxInstances, rate, before.counts);
  }

  /** Admits one connection, or says which limit refused it. */
  Optional<Limit> tryAdmit(long nowNanos) {
    AtomicInteger active = counts.active;
    if (maxInstances > 0) {
      int now;
      do {
        now = active.get();
        if (now >= maxInstances) {
          counts.refusedMaxInstances.incrementAndGet();
          return Optional.of(Limit.MAX_INSTANCES);
        }
      } while (!active.compareAndSet(now, now + 1));
    } else {
      active.incrementAndGet();
    }
    if (rate.isPresent() && !rate.get().tryAcquire(nowNanos)) {
      active.decrementAndGet();
      counts.refusedMaxRate.incrementAndGet();
      return Optional.of(Limit.MAX_RATE);
    }
    counts.total.incrementAndGet();
    return Optional.empty();
  }

  /**
   * Nanoseconds from {@code nowNanos} until {@code max-rate} would admit one more: 0 when it would
   * now (or there is no rate), for a caller that waits rather than refuses (inetd's wait mode).
   */
  long nanosUntilRateAllows(long nowNanos) {
    return rate.map(r -> r.nanosUntilNext(nowNanos)).orElse(0L);
  }

  /**
   * Takes one more slot without checking the limits: the connection's slot is released when porter
   * lets go of the socket, and the child that now serves it holds this one until it exits.
   */
  void retain() {
    counts.active.incrementAndGet();
  }

  /** Ends one admitted connection. */
  void release() {
    counts.active.decrementAndGet();
  }

  int active() {
    return counts.active.get();
  }

  long total() {
    return counts.total.get();
  }

  /** Connections refused for any reason: ACL, max-instances, max-rate. */
  long refused() {
    return counts.refusedAcl.get() + counts.refusedMaxInstances.get() + counts.refusedMaxRate.get();
  }

  /** Counts a connection an ACL refused (the check happens before the limits, elsewhere). */
  void refusedByAcl() {
    counts.refusedAcl.incrementAndGet();
  }

  /**
   * Counts a start that {@code max-rate} held back (wait mode, which delays rather than refuses).
   */
  void refusedByRate() {
    counts.refusedMaxRate.incrementAndGet();
  }

  long refusedAcl() {
    return counts.refusedAcl.get();
  }

  long refusedMaxInstances() {
    return counts.refusedMaxInstances.get();
  }

  long refusedMaxRate() {
    return counts.refusedMaxRate.get();
  }
}
