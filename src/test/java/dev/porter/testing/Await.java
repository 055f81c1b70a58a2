package dev.porter.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for a condition that another thread or process makes true. */
public final class Await {
  private Await() {}

  /** Polls {@code condition} until true; fails with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0)
        throw new AssertionError("timed out waiting for " + what);
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  public static void until(String what, BooleanSupplier condition) {
    until(what, Duration.ofSeconds(10), condition);
  }

  /** Like {@link #until} with a message computed at failure time. */
  public static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
    try {
      until("condition", timeout, condition);
    } catch (AssertionError e) {
      throw new AssertionError("timed out waiting for " + what.get());
    }
  }
}
