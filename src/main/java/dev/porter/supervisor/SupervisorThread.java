package dev.porter.supervisor;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns component state. Work reaches it as tasks; when a task must wait for a
 * child (a startup program, a daemon to stop), {@link #await} keeps running the queue meanwhile so
 * that the exit it waits for can arrive.
 */
final class SupervisorThread {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.supervisor");

  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "porter-supervisor-timer");
    t.setDaemon(true);
    return t;
  });
  private final Thread thread;
  private volatile boolean running = true;

  SupervisorThread() {
    thread = dev.porter.net.Fatal.essential(new Thread(this::run, "porter-supervisor"));
    thread.setDaemon(true);
    thread.start();
  }

  void execute(Runnable task) {
    queue.add(task);
  }

  /** Runs {@code task} on this thread after the delay. */
  ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return timer.schedule(() -> execute(task), delay, unit);
  }

  boolean isCurrent() {
    return Thread.currentThread() == thread;
  }

  /** Waits for {@code f} on this thread, running queued tasks meanwhile. */
  <T> T await(CompletableFuture<T> f) {
    if (!isCurrent()) throw new IllegalStateException("await is for the supervisor thread");
    while (!f.isDone()) {
      try {
        Runnable r = queue.poll(10, TimeUnit.MILLISECONDS);
        if (r != null) safely(r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting");
      }
    }
    try {
      return f.get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Like {@link #await} with a bound; empty on timeout. */
  <T> java.util.Optional<T> await(CompletableFuture<T> f, long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    CompletableFuture<T> bounded = f.copy();
    ScheduledFuture<?> t = timer.schedule(() -> bounded.completeExceptionally(new TimeoutException()),
        Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    try {
      return java.util.Optional.of(await(bounded));
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof ExecutionException && e.getCause().getCause() instanceof TimeoutException) {
        return java.util.Optional.empty();
      }
      throw e;
    } finally {
      t.cancel(false);
    }
  }

  void stop() {
    running = false;
    queue.add(() -> { });
    timer.shutdownNow();
  }

  private void run() {
    while (running) {
      try {
        safely(queue.take());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("supervisor: task failed", e);
    }
  }
}
