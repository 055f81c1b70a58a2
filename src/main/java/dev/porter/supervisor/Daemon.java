package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Mode;
import dev.porter.config.ReturnCodeAction;
import dev.porter.process.ExitStatus;
import dev.porter.process.Processes;
import dev.porter.process.SpawnException;
import dev.porter.process.SpawnRequest;
import dev.porter.process.Stdio;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running program porter keeps alive (mode respawn), or runs once (startup, shutdown). All
 * methods run on the supervisor thread; exits arrive there from the reaper.
 */
final class Daemon {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.supervisor");

  /** What {@code porter ctl list} shows. */
  enum State {
    STOPPED,
    RUNNING,
    SLEEPING,
    DISABLED,
    FINISHED
  }

  private final ComponentSpec spec;
  private final Children children;
  private final SupervisorThread supervisor;
  private final RespawnPolicy policy;
  private State state = State.STOPPED;
  private int pid;
  private long startedNanos;
  private int restarts;
  private Optional<ExitStatus> lastExit = Optional.empty();
  private Optional<ScheduledFuture<?>> pending = Optional.empty();
  private boolean stopping;
  private final List<CompletableFuture<ExitStatus>> exitWaiters = new ArrayList<>();

  Daemon(ComponentSpec spec, Children children, SupervisorThread supervisor) {
    this.spec = spec;
    this.children = children;
    this.supervisor = supervisor;
    this.policy = new RespawnPolicy(spec.has(dev.porter.config.Flag.PRECIOUS));
  }

  State state() {
    return state;
  }

  int pid() {
    return state == State.RUNNING ? pid : 0;
  }

  int restarts() {
    return restarts;
  }

  Optional<ExitStatus> lastExit() {
    return lastExit;
  }

  /** Starts the program now (an explicit start also wakes a sleeping or disabled component). */
  void start() {
    cancelPending();
    stopping = false;
    if (state == State.RUNNING) return;
    policy.reset();
    launch();
  }

  private void launch() {
    Launch.Prepared launch =
        Launch.prepare(spec, Stdio.devNull(), Stdio.inherit(1), Stdio.inherit(2), Map.of());
    try {
      pid =
          children.spawn(
              spec.name(),
              launch.request(),
              (p, status) -> supervisor.execute(() -> exited(p, status)));
      launch.started(pid);
      startedNanos = System.nanoTime();
      state = State.RUNNING;
      log.info("component {}: started pid {}", spec.name(), pid);
    } catch (SpawnException e) {
      launch.failed();
      log.error(
          "component {}: cannot start: {} (exit {})", spec.name(), e.getMessage(), e.exitCode());
      lastExit = Optional.of(ExitStatus.exited(e.exitCode()));
      state = State.STOPPED;
      afterExit(ExitStatus.exited(e.exitCode()), 0);
    }
  }

  /** Runs the program and completes when it has exited (startup and shutdown components). */
  CompletableFuture<ExitStatus> runOnce() {
    CompletableFuture<ExitStatus> f = new CompletableFuture<>();
    exitWaiters.add(f);
    launch();
    if (state != State.RUNNING) f.complete(lastExit.orElse(ExitStatus.exited(127)));
    return f;
  }

  private void exited(int p, ExitStatus status) {
    if (p != pid) return;
    long ran = System.nanoTime() - startedNanos;
    lastExit = Optional.of(status);
    state = State.STOPPED;
    log.info(
        "component {}: pid {} exited ({}) after {}ms",
        spec.name(),
        p,
        status,
        TimeUnit.NANOSECONDS.toMillis(ran));
    List<CompletableFuture<ExitStatus>> waiters = new ArrayList<>(exitWaiters);
    exitWaiters.clear();
    waiters.forEach(w -> w.complete(status));
    if (!stopping) afterExit(status, ran);
  }

  private void afterExit(ExitStatus status, long ran) {
    if (spec.mode() != Mode.RESPAWN) {
      state = State.FINISHED;
      return;
    }
    Optional<ReturnCodeAction> action =
        spec.returnCodes().stream()
            .filter(a -> status instanceof ExitStatus.Exited e && a.codes().contains(e.code()))
            .findFirst();
    action.flatMap(ReturnCodeAction::exec).ifPresent(this::runExitCommand);
    if (action
        .flatMap(ReturnCodeAction::action)
        .filter(a -> a == ReturnCodeAction.Action.DISABLE)
        .isPresent()) {
      state = State.DISABLED;
      log.info("component {}: disabled after {} (return-code)", spec.name(), status);
      return;
    }
    RespawnPolicy.Decision d = policy.exited(System.nanoTime(), ran);
    if (d.sleep()) {
      state = State.SLEEPING;
      log.warn(
          "component {}: respawning too fast; sleeping {} minutes",
          spec.name(),
          TimeUnit.NANOSECONDS.toMinutes(d.delayNanos()));
    }
    pending =
        Optional.of(
            supervisor.schedule(
                () -> {
                  pending = Optional.empty();
                  if (stopping) return;
                  restarts++;
                  launch();
                },
                d.delayNanos(),
                TimeUnit.NANOSECONDS));
  }

  private void runExitCommand(String command) {
    SpawnRequest req =
        SpawnRequest.builder(List.of("/bin/sh", "-c", command))
            .env(
                dev.porter.process.Environment.build(
                    spec.env(),
                    Map.of(
                        "PORTER_COMPONENT",
                        spec.name(),
                        "PORTER_EXIT",
                        lastExit.map(s -> Integer.toString(s.shellCode())).orElse(""))))
            .stdin(Stdio.devNull())
            .stdout(Stdio.inherit(1))
            .stderr(Stdio.inherit(2))
            .build();
    try {
      children.spawn(
          spec.name() + "/exec",
          req,
          (p, st) -> log.info("component {}: return-code exec ({})", spec.name(), st));
    } catch (SpawnException e) {
      log.error("component {}: return-code exec failed: {}", spec.name(), e.getMessage());
    }
  }

  /**
   * Stops the program and everything in its process group (what it forked and did not move to a
   * session of its own): SIGTERM to the group, SIGKILL to whatever of it is left after {@code
   * timeoutNanos}, the program itself or a child that outlived it. The future completes when the
   * program has exited and its group is empty, or the group got SIGKILL (at once when it was not
   * running).
   */
  CompletableFuture<Void> stop(long timeoutNanos) {
    stopping = true;
    cancelPending();
    if (state != State.RUNNING) {
      if (state == State.SLEEPING) state = State.STOPPED;
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<ExitStatus> leader = new CompletableFuture<>();
    exitWaiters.add(leader);
    int group = pid;
    long deadline = System.nanoTime() + timeoutNanos;
    CompletableFuture<Void> done = new CompletableFuture<>();
    Processes.killGroup(group, Processes.SIGTERM);
    ScheduledFuture<?> kill =
        supervisor.schedule(
            () -> {
              if (done.isDone() || !Processes.groupAlive(group)) return;
              log.warn(
                  "component {}: process group {} still running {} after SIGTERM; sending SIGKILL",
                  spec.name(),
                  group,
                  Porter.human(java.time.Duration.ofNanos(timeoutNanos)));
              Processes.killGroup(group, Processes.SIGKILL);
              done.complete(null);
            },
            timeoutNanos,
            TimeUnit.NANOSECONDS);
    leader.thenRun(() -> awaitGroupGone(group, deadline, done));
    return done.thenRun(() -> kill.cancel(false));
  }

  /**
   * Completes {@code done} once no process of {@code group} is left. The kernel tells nobody when a
   * group empties (its members are not porter's children), so it is looked at again at {@link
   * #GROUP_CHECK_NANOS}, until the SIGKILL at the deadline.
   */
  private void awaitGroupGone(int group, long deadline, CompletableFuture<Void> done) {
    if (done.isDone()) return;
    if (!Processes.groupAlive(group)) {
      done.complete(null);
      return;
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) return; // the SIGKILL at the deadline completes it
    supervisor.schedule(
        () -> awaitGroupGone(group, deadline, done),
        Math.min(left, GROUP_CHECK_NANOS),
        TimeUnit.NANOSECONDS);
  }

  /** How often a stopping component's group is looked at after the program itself exited. */
  private static final long GROUP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private void cancelPending() {
    pending.ifPresent(p -> p.cancel(false));
    pending = Optional.empty();
  }
}
