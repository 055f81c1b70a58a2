package dev.porter.service;

import dev.porter.config.Builtin;
import dev.porter.net.ConnectionHandler;
import java.time.Clock;
import java.util.function.Supplier;

/** The built-in services porter serves itself, as handler factories for the pipeline. */
public final class Builtins {
  private Builtins() {}

  /**
   * A factory of handlers for {@code builtin} ({@code qotd} gives the current quotes, which a
   * reload may replace); {@code tcpmux} and {@code telnet-proxy} are not simple services and are
   * refused here.
   */
  public static Supplier<ConnectionHandler> handler(
      Builtin builtin, Supplier<Qotd> qotd, Clock clock) {
    switch (builtin) {
      case ECHO:
        return () -> Echo.INSTANCE;
      case DISCARD:
        return () -> Discard.INSTANCE;
      case CHARGEN:
        return Chargen::new;
      case DAYTIME:
        return () -> new OneShot(() -> Daytime.answer(clock));
      case TIME:
        return () -> new OneShot(() -> Time.answer(clock));
      case QOTD:
        return () -> new OneShot(() -> qotd.get().next());
      default:
        throw new IllegalArgumentException(
            "not a simple built-in service: " + builtin.configName());
    }
  }
}
