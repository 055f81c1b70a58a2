package dev.porter.supervisor;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What the world asks of the supervisor. Commands run one at a time on the supervisor thread, in
 * the order they came: one in flight holds the next, so a reload never overlaps another reload, a
 * stop or a shutdown. A command that has to wait (for daemons to stop, a startup program to finish,
 * connections to drain) goes on in tasks posted when the wait ends, and the thread goes on handling
 * child exits and timers meanwhile.
 */
sealed interface Command {
  /** Completed on the supervisor thread when the command is done, or with why it failed. */
  CompletableFuture<?> result();

  /** Runs the command; the future completes when it is done (it may go on in later tasks). */
  CompletableFuture<?> runOn(Supervisor s);

  /** Binds every socket, runs the startup programs, starts the rest. The first command, always. */
  record Start(CompletableFuture<Void> result) implements Command {
    @Override
    public CompletableFuture<?> runOn(Supervisor s) {
      return s.start();
    }
  }

  /** Reads the configuration from {@code source} and reconciles the running components with it. */
  record Reload(ConfigSource source, CompletableFuture<ReloadOutcome> result) implements Command {
    @Override
    public CompletableFuture<?> runOn(Supervisor s) {
      return s.reload(source);
    }
  }

  /** {@code porter ctl start|stop|restart NAME}. */
  record Steer(Action action, String component, CompletableFuture<Void> result) implements Command {
    enum Action {
      START,
      STOP,
      RESTART
    }

    @Override
    public CompletableFuture<?> runOn(Supervisor s) {
      switch (action) {
        case START:
          return s.startComponent(component);
        case STOP:
          return s.stopComponent(component);
        default:
          return s.stopComponent(component).thenCompose(v -> s.startComponent(component));
      }
    }
  }

  /** A question about the state as it stands between commands: status, counters, a port. */
  record Query<T>(Function<Supervisor, T> question, CompletableFuture<T> result)
      implements Command {
    @Override
    public CompletableFuture<?> runOn(Supervisor s) {
      return CompletableFuture.completedFuture(question.apply(s));
    }
  }

  /** Stops accepting, lets connections finish, stops every program, runs the shutdown programs. */
  record Shutdown(CompletableFuture<Void> result) implements Command {
    @Override
    public CompletableFuture<?> runOn(Supervisor s) {
      return s.shutdown();
    }
  }
}
