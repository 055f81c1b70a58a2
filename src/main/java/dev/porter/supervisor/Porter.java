package dev.porter.supervisor;

import dev.porter.config.PorterConfig;
import dev.porter.mux.LinkStatus;
import dev.porter.mux.MuxLink;
import dev.porter.net.EventLoop;
import dev.porter.net.EventLoopGroup;
import dev.porter.service.Qotd;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running porter, for the threads outside it (the command line, the control socket, tests): event
 * loops, the supervisor that owns its components, the connections they serve. Every method that
 * asks about or changes components submits a {@link Command} to the {@link Supervisor} and waits
 * for its result; commands run one at a time in the order they came. {@link #start} binds
 * everything or nothing; {@link #reload} reconciles the running components with a new
 * configuration, all or nothing; {@link #shutdown} stops accepting, lets open connections finish
 * within {@code shutdown-timeout}, stops the programs, runs the shutdown components.
 */
public final class Porter {
  private final EventLoopGroup loops;
  private final SupervisorThread thread = new SupervisorThread();
  private final Children children = new Children();
  private final OpenConnections open = new OpenConnections();
  private final MuxLinks muxLinks;
  private final Supervisor supervisor;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  public Porter(PorterConfig config, int loopCount, Clock clock) {
    this(config, loopCount, clock, ReloadObserver.NONE);
  }

  /**
   * @param observer hears every reload begin and end (systemd's RELOADING=1 and READY=1)
   */
  public Porter(PorterConfig config, int loopCount, Clock clock, ReloadObserver observer) {
    this.loops = new EventLoopGroup(loopCount);
    Pipeline pipeline = new Pipeline(loops, open);
    this.muxLinks = new MuxLinks(pipeline, children, thread);
    Published<Qotd> qotd = new Published<>(Qotd.builtIn());
    Servers servers = new Servers(children, muxLinks, clock, qotd::get, pipeline);
    this.supervisor =
        new Supervisor(
            config, thread, loops, children, open, muxLinks, pipeline, servers, qotd, observer);
  }

  /** Event loops: one per core, as DESIGN.md §1 says, and at least one. */
  public static int defaultLoopCount() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  // ---------------------------------------------------------------- commands

  /** Binds every component's socket, runs startup components, starts daemons, starts serving. */
  public void start() throws StartException {
    Command.Start c = new Command.Start(new CompletableFuture<>());
    supervisor.submit(c);
    try {
      await(c.result());
    } catch (StartException e) {
      stopLoops();
      throw e;
    }
  }

  /**
   * Reconciles the running components with {@code next} (see {@link ReloadPlan}) and returns one
   * line per change; a reload that cannot be applied changes nothing and throws its reasons.
   */
  public List<String> reload(PorterConfig next) throws StartException {
    ReloadOutcome o = await(reload(() -> next));
    if (!o.applied()) throw new StartException(o.lines());
    return o.lines();
  }

  /** Reads the configuration from {@code source} and reconciles; completes with what happened. */
  public CompletableFuture<ReloadOutcome> reload(ConfigSource source) {
    Command.Reload c = new Command.Reload(source, new CompletableFuture<>());
    supervisor.submit(c);
    return c.result();
  }

  /** Starts a stopped, sleeping or disabled daemon. */
  public void startComponent(String name) throws StartException {
    steer(Command.Steer.Action.START, name);
  }

  /** Stops a daemon and, first, the daemons that depend on it. */
  public void stopComponent(String name) throws StartException {
    steer(Command.Steer.Action.STOP, name);
  }

  /** Stops a daemon (and its dependents), then starts it again. */
  public void restartComponent(String name) throws StartException {
    steer(Command.Steer.Action.RESTART, name);
  }

  private void steer(Command.Steer.Action action, String name) throws StartException {
    Command.Steer c = new Command.Steer(action, name, new CompletableFuture<>());
    supervisor.submit(c);
    await(c.result());
  }

  /**
   * Stops accepting; lets open connections finish for up to {@code shutdown-timeout} while daemons
   * get SIGTERM in reverse dependency order (SIGKILL when the time is up); then runs the shutdown
   * components and stops the event loops. Only the first call does anything.
   */
  public void shutdown() throws InterruptedException {
    if (!shutdown.compareAndSet(false, true)) return;
    Command.Shutdown c = new Command.Shutdown(new CompletableFuture<>());
    supervisor.submit(c);
    try {
      c.result().get();
    } catch (ExecutionException e) {
      org.slf4j.LoggerFactory.getLogger("dev.porter")
          .error("shutdown: {}", e.getCause().toString());
    }
    stopLoops();
    thread.stop();
    children.stop();
    supervisor.close();
  }

  // ---------------------------------------------------------------- queries

  private <T> T ask(java.util.function.Function<Supervisor, T> question) {
    Command.Query<T> q = new Command.Query<>(question, new CompletableFuture<>());
    supervisor.submit(q);
    try {
      return await(q.result());
    } catch (StartException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The listening port of a component (useful with port 0 in tests), if it listens on TCP. */
  public Optional<Integer> port(String component) {
    return ask(s -> s.port(component));
  }

  /** A snapshot of every component, for the control socket and tests. */
  public List<ComponentStatus> status() throws StartException {
    return ask(Supervisor::status);
  }

  /** Every component's counters, for the metrics endpoint; open connections' bytes included. */
  public List<ComponentCounters> counters() throws StartException {
    Map<String, long[]> openBytes = new LinkedHashMap<>();
    for (OpenConnection c : open.snapshot()) {
      long[] b = openBytes.computeIfAbsent(c.component(), k -> new long[2]);
      b[0] += c.connection.bytesIn();
      b[1] += c.connection.bytesOut();
    }
    return ask(s -> s.counters(openBytes));
  }

  /** The mux links and their state, streams and bytes. */
  public List<LinkStatus> links() {
    return muxLinks.status();
  }

  /** One mux link, by component name. */
  public Optional<MuxLink> link(String name) {
    return muxLinks.link(name);
  }

  /**
   * Carries mux link {@code name} on {@code channel} (porter mux --stdio) instead of its own
   * mux.listen, mux.connect or mux.command; call before {@link #start}.
   */
  public void carryLink(String name, SocketChannel channel) {
    muxLinks.carry(name, channel);
  }

  /** Connections open now. */
  public int activeConnections() {
    return open.size();
  }

  /** Bytes porter holds queued for slow readers now, over all event loops (relay backpressure). */
  public long queuedBytes() {
    return loops.loops().stream().mapToLong(EventLoop::queuedBytes).sum();
  }

  /**
   * The open connections (those porter relays or serves itself; a connection handed to a child is
   * the child's). Counters are read across threads, so figures are approximate.
   */
  public List<ConnectionInfo> connections() {
    long now = System.nanoTime();
    List<ConnectionInfo> out = new ArrayList<>();
    for (OpenConnection c : open.snapshot()) {
      out.add(
          new ConnectionInfo(
              c.connection.client(),
              c.component(),
              TimeUnit.NANOSECONDS.toMillis(now - c.connection.openedNanos()),
              c.connection.bytesIn(),
              c.connection.bytesOut()));
    }
    return out;
  }

  /** Children running now (daemons and per-connection programs). */
  public int runningChildren() {
    return children.count();
  }

  // ---------------------------------------------------------------- helpers

  /** Waits for a command's result on a thread of the caller's (never the supervisor's). */
  private <T> T await(CompletableFuture<T> f) throws StartException {
    if (thread.isCurrent())
      throw new IllegalStateException("the supervisor thread cannot wait for its own commands");
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StartException) throw (StartException) cause;
      if (cause instanceof RuntimeException) throw (RuntimeException) cause;
      if (cause instanceof Error) throw (Error) cause;
      throw new IllegalStateException(cause);
    }
  }

  static Qotd loadQotd(PorterConfig cfg) throws StartException {
    if (cfg.qotdFile().isEmpty()) return Qotd.builtIn();
    try {
      return Qotd.fromFile(cfg.qotdFile().get());
    } catch (IOException e) {
      throw new StartException(
          "qotd-file: cannot read " + cfg.qotdFile().get() + ": " + e.getMessage());
    }
  }

  /** A duration as written in the configuration: {@code 5s}, {@code 1500ms}, {@code 2m}. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms > 0) return (ms / 60_000) + "m";
    if (ms % 1000 == 0) return (ms / 1000) + "s";
    return ms + "ms";
  }

  private void stopLoops() {
    try {
      loops.stop(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
