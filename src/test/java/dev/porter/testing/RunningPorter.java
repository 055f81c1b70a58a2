package dev.porter.testing;

import dev.porter.config.ConfigLoader;
import dev.porter.config.PorterConfig;
import dev.porter.supervisor.Porter;
import java.time.Clock;

/** A porter started in this JVM from HOCON text, stopped at close. */
public final class RunningPorter implements AutoCloseable {
  private final Porter porter;

  private RunningPorter(Porter porter) {
    this.porter = porter;
  }

  public static RunningPorter start(String hocon) throws Exception {
    return start(hocon, 2);
  }

  /** Starts with {@code loops} event loops (one puts every connection on the same loop). */
  public static RunningPorter start(String hocon, int loops) throws Exception {
    PorterConfig cfg = ConfigLoader.parse(hocon, "test.conf");
    Porter p = new Porter(cfg, loops, Clock.systemDefaultZone());
    p.start();
    return new RunningPorter(p);
  }

  public Porter porter() {
    return porter;
  }

  public int port(String component) {
    return porter
        .port(component)
        .orElseThrow(() -> new AssertionError(component + " does not listen"));
  }

  @Override
  public void close() {
    try {
      porter.shutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while porter shut down", e);
    }
  }
}
