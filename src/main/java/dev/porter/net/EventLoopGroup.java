package dev.porter.net;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A fixed set of event loops; new connections are spread over them round robin. */
public final class EventLoopGroup {
  private final List<EventLoop> loops;
  private final AtomicInteger next = new AtomicInteger();

  public EventLoopGroup(int size) {
    if (size < 1)
      throw new IllegalArgumentException("event loop count must be at least 1, got " + size);
    loops =
        IntStream.range(0, size)
            .mapToObj(i -> new EventLoop("porter-loop-" + i))
            .collect(Collectors.toUnmodifiableList());
    loops.forEach(EventLoop::start);
  }

  /** The loop for the next connection. */
  public EventLoop next() {
    return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
  }

  public List<EventLoop> loops() {
    return loops;
  }

  public void stop(long timeout, TimeUnit unit) throws InterruptedException {
    for (EventLoop l : loops) l.stop(timeout, unit);
  }
}
