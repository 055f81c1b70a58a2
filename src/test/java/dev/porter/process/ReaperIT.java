package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReaperIT {
  private static final int SPAWNS = 1000;
  private static final int THREADS = 4;

  private final Reaper reaper = Reaper.instance();
  private final Spawner spawner = new Spawner(reaper);

  @Test
  void aThousandShortChildrenFromConcurrentThreadsAreEachReapedOnceAndLeaveNothingBehind()
      throws Exception {
    awaitNoRunningChildren();
    int fdsBefore = ProcFs.ownFdCount();
    Map<Integer, ExitStatus> exits = new ConcurrentHashMap<>();
    AtomicInteger duplicates = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(SPAWNS);
    // Children that exit at once: the exit often comes before spawn() returns.
    SpawnRequest req = SpawnRequest.builder(List.of("/bin/sh", "-c", "exit 3")).build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    long start = System.nanoTime();
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      work.add(
          pool.submit(
              () -> {
                for (int i = 0; i < SPAWNS / THREADS; i++) {
                  spawner.spawn(
                      req,
                      (pid, status) -> {
                        if (exits.put(pid, status) != null) duplicates.incrementAndGet();
                        done.countDown();
                      });
                }
                return null;
              }));
    }
    for (Future<?> f : work) f.get(60, TimeUnit.SECONDS);
    assertTrue(done.await(60, TimeUnit.SECONDS), "exits delivered: " + exits.size());
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    System.out.printf(
        "reaper: %d spawn+exit cycles in %.2f s (%.0f/s)%n", SPAWNS, seconds, SPAWNS / seconds);

    assertEquals(0, duplicates.get());
    assertEquals(SPAWNS, exits.size());
    assertTrue(exits.values().stream().allMatch(ExitStatus.exited(3)::equals), exits.toString());
    assertEquals(0, reaper.running());
    assertEquals(List.of(), ProcFs.zombieChildren());
    // Other tests in this JVM may still be closing descriptors of their own: only growth is a leak.
    int fdsAfter = ProcFs.ownFdCount();
    assertTrue(fdsAfter <= fdsBefore, "descriptors before " + fdsBefore + ", after " + fdsAfter);
  }

  @Test
  void aKilledChildIsReportedWithItsSignal() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    ExitStatus[] got = new ExitStatus[1];
    int pid =
        spawner.spawn(
            SpawnRequest.builder(List.of("/bin/sleep", "30")).build(),
            (p, s) -> {
              got[0] = s;
              done.countDown();
            });
    assertTrue(Processes.kill(pid, Processes.SIGKILL));
    assertTrue(done.await(20, TimeUnit.SECONDS));
    assertEquals(ExitStatus.killed(9, false), got[0]);
    assertEquals(false, Processes.kill(pid, 0), "no such process after reaping");
  }

  @Test
  void theReaperWakesForChildrenSpawnedAfterItFoundNone() throws Exception {
    awaitNoRunningChildren();
    Thread.sleep(50); // let the reaper get ECHILD and park on its condition
    CountDownLatch done = new CountDownLatch(1);
    spawner.spawn(SpawnRequest.builder(List.of("/bin/true")).build(), (p, s) -> done.countDown());
    assertTrue(done.await(20, TimeUnit.SECONDS));
  }

  private void awaitNoRunningChildren() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (reaper.running() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
    assertEquals(0, reaper.running(), "children of other tests still running");
  }
}
