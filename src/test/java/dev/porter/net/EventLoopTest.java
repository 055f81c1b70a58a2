package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopTest {
  @Test
  void timersRunInDeadlineOrderAndCancelledOnesNever() throws Exception {
    EventLoop loop = new EventLoop("test-loop");
    loop.start();
    List<String> ran = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        () -> {
          // "late" is scheduled first: deadline order, not insertion order. The gap is wide, so
          // that
          // even a loaded machine pausing this thread between two lines cannot swap the deadlines.
          loop.schedule(TimeUnit.MILLISECONDS.toNanos(600), () -> ran.add("late"));
          loop.schedule(TimeUnit.MILLISECONDS.toNanos(10), () -> ran.add("early"));
          loop.schedule(TimeUnit.MILLISECONDS.toNanos(20), () -> ran.add("cancelled")).cancel();
          loop.schedule(TimeUnit.MILLISECONDS.toNanos(610), () -> done.complete(null));
        });
    done.get(5, TimeUnit.SECONDS);
    assertEquals(List.of("early", "late"), ran);
    loop.stop(1, TimeUnit.SECONDS);
  }

  @Test
  void aCancelledTimerLetsGoOfItsTaskAndManyAreSweptFromTheQueue() throws Exception {
    EventLoop loop = new EventLoop("test-loop");
    loop.start();
    CompletableFuture<Integer> left = new CompletableFuture<>();
    CompletableFuture<Timer> one = new CompletableFuture<>();
    loop.execute(
        () -> {
          List<Timer> ts = new ArrayList<>();
          for (int i = 0; i < 5000; i++) ts.add(loop.schedule(TimeUnit.HOURS.toNanos(1), () -> {}));
          for (Timer t : ts) t.cancel();
          one.complete(ts.get(0));
          left.complete(loop.pendingTimers());
        });
    assertNull(one.get(5, TimeUnit.SECONDS).task);
    assertTrue(
        left.get(5, TimeUnit.SECONDS) < 2600, "cancelled timers were not swept: " + left.get());
    loop.stop(1, TimeUnit.SECONDS);
  }

  @Test
  void aTaskThatThrowsAnExceptionFailsAloneAndTheLoopGoesOn() throws Exception {
    EventLoop loop = new EventLoop("test-loop");
    loop.start();
    CompletableFuture<Void> after = new CompletableFuture<>();
    loop.execute(
        () -> {
          throw new IllegalStateException("one task's bug");
        });
    loop.execute(() -> after.complete(null));
    after.get(5, TimeUnit.SECONDS);
    assertTrue(loop.isAlive());
    loop.stop(1, TimeUnit.SECONDS);
  }

  @Test
  void anErrorEndsTheLoopAndIsReportedAsFatalOnce() throws Exception {
    List<String> reports = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> why = new CompletableFuture<>();
    var before =
        Fatal.onFatal(
            (where, t) -> {
              reports.add(where);
              why.complete(t);
            });
    try {
      EventLoop loop = new EventLoop("test-loop-oom");
      loop.start();
      loop.execute(
          () -> {
            throw new OutOfMemoryError("Java heap space");
          });
      assertTrue(why.get(5, TimeUnit.SECONDS) instanceof OutOfMemoryError);
      loop.stop(1, TimeUnit.SECONDS);
      assertEquals(false, loop.isAlive());
      assertEquals(List.of("event loop test-loop-oom"), reports);
    } finally {
      Fatal.onFatal(before);
    }
  }
}
