package dev.porter.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread with one NIO selector: it owns the channels registered with it, runs tasks handed to
 * it with {@link #execute}, and runs timers. Nothing that runs on it may block.
 */
public final class EventLoop implements Executor {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

  /**
   * Size of the read buffer every connection on this loop shares: data is handed to handlers during
   * the callback, so an idle connection holds no buffer at all. 64 KiB matches the default maximum
   * TCP receive window step on Linux loopback reads.
   */
  static final int READ_BUFFER_SIZE = 64 * 1024;

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final List<Runnable> afterSelect = new ArrayList<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
  private final BufferPool buffers = new BufferPool(READ_BUFFER_SIZE);
  private long timerSequence;
  private int cancelledTimers;

  /** Below this many cancelled timers a sweep is not worth its O(n). */
  private static final int TIMER_SWEEP_MIN = 1024;

  /** Written on the loop only; volatile so that monitoring and tests may read it anywhere. */
  private volatile long queuedBytes;

  private volatile boolean running = true;

  public EventLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
    thread = Fatal.essential(new Thread(this::run, name));
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** True on this loop's own thread. */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs the task on this loop; from the loop itself it still runs later, never re-entrantly. */
  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) selector.wakeup();
  }

  /** Schedules a task after a delay; call on the loop. */
  public Timer schedule(long delayNanos, Runnable task) {
    assertInLoop();
    Timer t = new Timer(this, System.nanoTime() + delayNanos, timerSequence++, task);
    timers.add(t);
    return t;
  }

  /**
   * Cancelled timers leave the queue when they reach its head; when they are most of it (many
   * connections closing before their name timeout), sweep them out so the queue stays small.
   */
  void timerCancelled() {
    cancelledTimers++;
    if (cancelledTimers > TIMER_SWEEP_MIN && cancelledTimers > timers.size() / 2) {
      timers.removeIf(x -> x.cancelled);
      cancelledTimers = 0;
    }
  }

  /**
   * Runs the task on the loop after its selector has gone through one more select, which is when
   * cancelled keys are really deregistered (a channel can go back to blocking mode only then).
   */
  void afterNextSelect(Runnable task) {
    assertInLoop();
    afterSelect.add(task);
    selector.wakeup();
  }

  SelectionKey register(SelectableChannel ch, int ops, IoReady attachment)
      throws ClosedChannelException {
    assertInLoop();
    return ch.register(selector, ops, attachment);
  }

  /** Timers in the queue, cancelled ones not yet swept included (for tests). */
  int pendingTimers() {
    return timers.size();
  }

  ByteBuffer readBuffer() {
    return readBuffer;
  }

  BufferPool buffers() {
    return buffers;
  }

  /** Bytes its connections hold queued for writing: what porter buffers in memory right now. */
  public long queuedBytes() {
    return queuedBytes;
  }

  void queued(long delta) {
    queuedBytes += delta;
  }

  void assertInLoop() {
    if (!inLoop()) throw new IllegalStateException("not on event loop " + thread.getName());
  }

  /** Asks the loop to stop and waits (bounded) for it; channels it owns are closed. */
  public void stop(long timeout, TimeUnit unit) throws InterruptedException {
    running = false;
    selector.wakeup();
    if (thread.isAlive() && !inLoop()) stopped.await(timeout, unit);
  }

  /**
   * The loop. An Exception from a handler or task fails that connection or task alone; anything
   * else that ends the loop (an Error, a broken selector) is fatal: porter does not go on with a
   * loop that nobody runs any more (see {@link Fatal}).
   */
  private void run() {
    Throwable ended = null;
    try {
      while (running) {
        long timeoutMillis = runDueTimers();
        if (!tasks.isEmpty() || !afterSelect.isEmpty()) timeoutMillis = -1;
        int n;
        if (timeoutMillis < 0) {
          n = selector.selectNow();
        } else {
          n = selector.select(timeoutMillis);
        }
        wakeupPending.set(false);
        if (n > 0) dispatchSelected();
        runAfterSelect();
        runTasks();
      }
    } catch (IOException e) {
      ended = e;
    } catch (Throwable t) {
      ended = t;
    } finally {
      closeAll();
      stopped.countDown();
    }
    if (ended != null) Fatal.report("event loop " + thread.getName(), ended);
  }

  /** True until the loop has ended, whether it was stopped or failed. */
  public boolean isAlive() {
    return stopped.getCount() > 0;
  }

  private void dispatchSelected() {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      IoReady r = (IoReady) key.attachment();
      int ops;
      try {
        ops = key.readyOps();
      } catch (java.nio.channels.CancelledKeyException e) {
        continue;
      }
      try {
        r.ready(ops);
      } catch (java.nio.channels.CancelledKeyException e) {
        // The channel was closed while handling an earlier event of the same batch.
      } catch (RuntimeException e) {
        log.error("event loop {}: handler failed: {}", thread.getName(), Fatal.describe(e));
        log.debug("event loop {}: handler failed", thread.getName(), e);
        r.failed(e);
      }
    }
  }

  private void runAfterSelect() {
    if (afterSelect.isEmpty()) return;
    List<Runnable> batch = new ArrayList<>(afterSelect);
    afterSelect.clear();
    for (Runnable r : batch) safely(r);
  }

  private void runTasks() {
    // Bound the batch so that tasks which enqueue tasks cannot starve I/O.
    for (int i = tasks.size(); i > 0; i--) {
      Runnable r = tasks.poll();
      if (r == null) break;
      safely(r);
    }
  }

  /** Runs due timers; returns the select timeout in ms until the next one (0 = none pending). */
  private long runDueTimers() {
    while (!timers.isEmpty()) {
      Timer t = timers.peek();
      if (t.cancelled) {
        timers.poll();
        if (cancelledTimers > 0) cancelledTimers--;
        continue;
      }
      long wait = t.deadlineNanos - System.nanoTime();
      if (wait > 0) return Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
      timers.poll();
      safely(t.task);
    }
    return 0;
  }

  private void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("event loop {}: task failed: {}", thread.getName(), Fatal.describe(e));
      log.debug("event loop {}: task failed", thread.getName(), e);
    }
  }

  private void closeAll() {
    for (SelectionKey key : selector.keys()) Closeables.closeQuietly(key.channel());
    Closeables.closeQuietly(selector);
  }
}
