package dev.porter.supervisor;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns component state ({@link Supervisor}). Work reaches it as tasks, run one
 * after the other; nothing on it blocks: a task that must wait for something (a child's exit, a
 * timer) ends, and a later task goes on when that happens.
 */
final class SupervisorThread implements java.util.concurrent.Executor {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.supervisor");

  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
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

  @Override
  public void execute(Runnable task) {
    queue.add(task);
  }

  /** Runs {@code task} on this thread after the delay. */
  ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return timer.schedule(() -> execute(task), delay, unit);
  }

  boolean isCurrent() {
    return Thread.currentThread() == thread;
  }

  void stop() {
    running = false;
    queue.add(() -> {});
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
