package dev.porter.net;

/** A task scheduled on an {@link EventLoop}; cancel it on the same loop. */
public final class Timer implements Comparable<Timer> {
  final long deadlineNanos;
  final long sequence;
  private final EventLoop loop;

  /** Dropped at cancel: a cancelled timer must not keep what its task refers to alive. */
  Runnable task;

  boolean cancelled;

  Timer(EventLoop loop, long deadlineNanos, long sequence, Runnable task) {
    this.loop = loop;
    this.deadlineNanos = deadlineNanos;
    this.sequence = sequence;
    this.task = task;
  }

  /** Stops the task from running; harmless if it already ran. Call on the timer's loop. */
  public void cancel() {
    if (cancelled) return;
    cancelled = true;
    task = null;
    loop.timerCancelled();
  }

  @Override
  public int compareTo(Timer o) {
    int c = Long.compare(deadlineNanos - o.deadlineNanos, 0);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }
}
