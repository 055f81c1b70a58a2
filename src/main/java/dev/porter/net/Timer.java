package dev.porter.net;

/** A task scheduled on an {@link EventLoop}; cancel it on the same loop. */
public final class Timer implements Comparable<Timer> {
  final long deadlineNanos;
  final long sequence;
  final Runnable task;
  boolean cancelled;

  Timer(long deadlineNanos, long sequence, Runnable task) {
    this.deadlineNanos = deadlineNanos;
    this.sequence = sequence;
    this.task = task;
  }

  /** Stops the task from running; harmless if it already ran. */
  public void cancel() {
    cancelled = true;
  }

  @Override
  public int compareTo(Timer o) {
    int c = Long.compare(deadlineNanos - o.deadlineNanos, 0);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }
}
