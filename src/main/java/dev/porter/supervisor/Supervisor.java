package dev.porter.supervisor;

import dev.porter.acl.AclChain;
import dev.porter.config.ComponentSpec;
import dev.porter.config.ConfigException;
import dev.porter.config.Endpoint;
import dev.porter.config.Flag;
import dev.porter.config.Mode;
import dev.porter.config.PorterConfig;
import dev.porter.net.Addresses;
import dev.porter.net.Closeables;
import dev.porter.net.EventLoopGroup;
import dev.porter.net.Listener;
import dev.porter.process.ExitStatus;
import dev.porter.process.Processes;
import dev.porter.service.Qotd;
import dev.porter.tcpmux.Directory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of component state: the running components, the configuration they came from, and
 * the commands that change them. Every field is read and written on the supervisor thread only;
 * what the event loops need of a component they get as an immutable {@link Serving}, installed
 * where its connections arrive. {@link Command}s run one at a time ({@link #submit}); a reload is a
 * {@link ReloadPlan}, then its steps.
 */
final class Supervisor {
  private static final Logger log = LoggerFactory.getLogger("dev.porter");

  private final SupervisorThread thread;
  private final EventLoopGroup loops;
  private final Children children;
  private final OpenConnections open;
  private final MuxLinks muxLinks;
  private final Pipeline pipeline;
  private final Servers servers;
  private final Published<Qotd> qotd;
  private final ReloadObserver observer;

  /** Reading configuration files is blocking work: never on the supervisor thread. */
  private final ExecutorService files =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "porter-config");
            t.setDaemon(true);
            return t;
          });

  private PorterConfig config;

  /** By name, in the configuration's order. */
  private Map<String, ComponentRuntime> components = new LinkedHashMap<>();

  private final ArrayDeque<Command> commands = new ArrayDeque<>();
  private boolean inFlight;
  private boolean started;
  private boolean shutDown;

  Supervisor(
      PorterConfig config,
      SupervisorThread thread,
      EventLoopGroup loops,
      Children children,
      OpenConnections open,
      MuxLinks muxLinks,
      Pipeline pipeline,
      Servers servers,
      Published<Qotd> qotd,
      ReloadObserver observer) {
    this.config = config;
    this.thread = thread;
    this.loops = loops;
    this.children = children;
    this.open = open;
    this.muxLinks = muxLinks;
    this.pipeline = pipeline;
    this.servers = servers;
    this.qotd = qotd;
    this.observer = observer;
  }

  // ---------------------------------------------------------------- commands, one at a time

  /** Queues {@code c} (any thread); it runs after every command submitted before it. */
  void submit(Command c) {
    thread.execute(
        () -> {
          commands.add(c);
          runNext();
        });
  }

  private void runNext() {
    if (inFlight || commands.isEmpty()) return;
    // Nothing runs before the components exist: commands that come early wait for Start.
    if (!started && !(commands.peek() instanceof Command.Start)) return;
    Command c = commands.poll();
    if (shutDown && !(c instanceof Command.Query)) {
      c.result().completeExceptionally(new StartException("porter is shutting down"));
      runNext();
      return;
    }
    inFlight = true;
    CompletableFuture<?> done;
    try {
      done = c.runOn(this);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete(
        (value, failure) ->
            thread.execute(
                () -> {
                  finish(c, value, failure);
                  inFlight = false;
                  runNext();
                }));
  }

  @SuppressWarnings("unchecked")
  private static void finish(Command c, Object value, Throwable failure) {
    CompletableFuture<Object> r = (CompletableFuture<Object>) c.result();
    if (failure == null) r.complete(value);
    else
      r.completeExceptionally(
          failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure);
  }

  /** The rest of a command, on the supervisor thread, once {@code f} is done. */
  private <T, U> CompletableFuture<U> then(
      CompletableFuture<T> f, java.util.function.Function<T, CompletableFuture<U>> next) {
    return f.thenComposeAsync(next, thread);
  }

  // ---------------------------------------------------------------- start

  CompletableFuture<Void> start() {
    started = true;
    Qotd q;
    try {
      q = Porter.loadQotd(config);
    } catch (StartException e) {
      return CompletableFuture.failedFuture(e);
    }
    qotd.set(q);
    Map<String, ComponentRuntime> table = new LinkedHashMap<>();
    for (ComponentSpec spec : config.components()) table.put(spec.name(), newRuntime(spec));
    List<String> failures = new ArrayList<>();
    for (ComponentRuntime rt : table.values())
      listenEndpoint(rt.spec).ifPresent(at -> bind(rt, at, failures));
    if (!failures.isEmpty()) {
      for (ComponentRuntime rt : table.values()) rt.listener.ifPresent(Listener::close);
      return CompletableFuture.failedFuture(new StartException(failures));
    }
    components = table;
    for (ComponentRuntime rt : table.values()) muxLinks.create(rt, loops);
    for (ComponentRuntime rt : table.values()) rt.server = serverFor(rt);
    publish();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (ComponentSpec spec : StartOrder.of(config.components())) {
      if (spec.mode() == Mode.STARTUP) chain = then(chain, v -> runStartup(table.get(spec.name())));
    }
    return then(
        chain,
        v -> {
          for (ComponentSpec spec : StartOrder.of(config.components()))
            startComponent(table.get(spec.name()));
          return CompletableFuture.completedFuture(null);
        });
  }

  // A startup program runs to completion before anything else starts: the next step waits for its
  // exit.
  private CompletableFuture<Void> runStartup(ComponentRuntime rt) {
    log.info("component {}: running startup program", rt.name());
    return daemonOf(rt)
        .runOnce()
        .thenAccept(
            status -> log.info("component {}: startup program finished ({})", rt.name(), status));
  }

  private ComponentRuntime newRuntime(ComponentSpec spec) {
    return new ComponentRuntime(
        spec, new Admission(spec.maxInstances(), spec.maxRate()), new Traffic());
  }

  /**
   * Where a component listens: its socket, or a mux link's mux.listen (unless porter mux --stdio
   * carries it).
   */
  private Optional<Endpoint> listenEndpoint(ComponentSpec spec) {
    return spec.mode() == Mode.MUX ? muxLinks.listenEndpoint(spec) : spec.socket();
  }

  /** Binds {@code at} for {@code rt}; on failure adds the reason to {@code failures}. */
  private Optional<Listener> bind(ComponentRuntime rt, Endpoint at, List<String> failures) {
    try {
      Listener l = Listener.bind(loops.next(), at);
      rt.listener = Optional.of(l);
      log.info("component {}: listening on {}", rt.name(), Addresses.format(l.localAddress()));
      return rt.listener;
    } catch (IOException e) {
      failures.add("component " + rt.name() + ": cannot listen on " + at + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** What serves the component's connections; empty for one that takes none (a daemon). */
  private Optional<Server> serverFor(ComponentRuntime rt) {
    ComponentSpec spec = rt.spec;
    if (spec.mode() == Mode.MUX) return muxLinks.receptor(rt);
    boolean takesConnections =
        spec.socket().isPresent() || spec.tcpmuxMaster().isPresent() || spec.muxLink().isPresent();
    if (!takesConnections) return Optional.empty();
    return Optional.of(servers.forConnections(rt));
  }

  /** The daemon that runs a component's program: made once, when first needed. */
  private Daemon daemonOf(ComponentRuntime rt) {
    if (rt.daemon.isEmpty()) rt.daemon = Optional.of(new Daemon(rt.spec, children, thread));
    return rt.daemon.get();
  }

  /**
   * Builds every component's {@link Serving} from the configuration as it stands and installs it
   * where connections arrive: a master's directory, a link's exits, a listener's accept handler.
   * The event loops see the new values from their next connection on.
   */
  private void publish() {
    for (ComponentRuntime rt : components.values()) {
      rt.serving =
          rt.server.map(
              s -> new Serving(rt.spec, chainFor(config, rt.spec), rt.admission, rt.traffic, s));
    }
    for (ComponentRuntime m : components.values()) {
      if (!m.spec.isTcpmuxMaster()) continue;
      List<SubordinateAdapter> subs = new ArrayList<>();
      for (ComponentRuntime sub : components.values()) {
        if (sub.spec.tcpmuxMaster().filter(m.name()::equals).isPresent()
            && !sub.spec.has(Flag.DISABLE)) {
          subs.add(new SubordinateAdapter(sub.serving.orElseThrow()));
        }
      }
      m.directory.set(new Directory<>(subs));
    }
    muxLinks.publishExits(components.values());
  }

  private static AclChain chainFor(PorterConfig cfg, ComponentSpec spec) {
    return new AclChain(
        List.of(
            new AclChain.Layer("global", cfg.globalAcl()),
            new AclChain.Layer(spec.isTcpmuxMaster() ? "master" : "component", spec.acl())));
  }

  /** Starts a component of a fresh table: its daemon, its link, accepting on its listener. */
  private void startComponent(ComponentRuntime rt) {
    ComponentSpec spec = rt.spec;
    if (spec.mode() == Mode.STARTUP || spec.mode() == Mode.SHUTDOWN) return;
    if (spec.has(Flag.DISABLE)) {
      log.info("component {}: disabled", spec.name());
      return;
    }
    if (spec.mode() == Mode.RESPAWN) daemonOf(rt).start();
    if (spec.mode() == Mode.MUX) muxLinks.start(rt);
    rt.listener.ifPresent(
        l -> {
          if (spec.has(Flag.WAIT)) l.startWaitMode(new WaitServer(rt, children));
          else l.start(acceptor(rt));
        });
  }

  private dev.porter.net.AcceptHandler acceptor(ComponentRuntime rt) {
    Serving s = rt.serving.orElseThrow();
    return ch -> pipeline.accepted(s, ch);
  }

  // ---------------------------------------------------------------- reload

  CompletableFuture<ReloadOutcome> reload(ConfigSource source) {
    observer.reloading();
    CompletableFuture<Loaded> loaded = CompletableFuture.supplyAsync(() -> load(source), files);
    CompletableFuture<ReloadOutcome> outcome =
        then(
            loaded,
            l -> {
              if (l.problems().isPresent())
                return CompletableFuture.completedFuture(refused(l.problems().get()));
              return apply(l.config(), l.qotd());
            });
    return outcome.whenComplete(
        (o, failure) ->
            observer.reloaded(
                failure == null
                    ? o
                    : ReloadOutcome.refused(List.of("the reload failed: " + failure))));
  }

  /** A configuration read and checked, or the problems that stop it. */
  private record Loaded(PorterConfig config, Qotd qotd, Optional<List<String>> problems) {}

  // Off the supervisor thread: the file, its validation and the qotd file it names.
  private static Loaded load(ConfigSource source) {
    try {
      PorterConfig next = source.load();
      return new Loaded(next, Porter.loadQotd(next), Optional.empty());
    } catch (ConfigException e) {
      return new Loaded(null, null, Optional.of(e.problems()));
    } catch (StartException e) {
      return new Loaded(null, null, Optional.of(e.reasons()));
    }
  }

  private static ReloadOutcome refused(List<String> problems) {
    log.error("reload: refused, the running configuration stays; {} problem(s):", problems.size());
    problems.forEach(p -> log.error("reload: {}", p));
    return ReloadOutcome.refused(problems);
  }

  /**
   * The plan, then its steps: bind what must be bound (the only step that can fail, and then
   * nothing has changed), stop what goes, let go of the sockets nobody takes, swap the tables,
   * publish, start what comes.
   */
  private CompletableFuture<ReloadOutcome> apply(PorterConfig next, Qotd nextQotd) {
    Map<String, ComponentRuntime> old = components;
    ReloadPlan plan =
        ReloadPlan.of(
            specs(old),
            next.components(),
            this::listenEndpoint,
            (name, at) -> old.get(name).listener.filter(l -> l.boundAt(at)).isPresent());
    Map<String, ComponentSpec> wanted = new HashMap<>();
    for (ComponentSpec s : next.components()) wanted.put(s.name(), s);

    // Step 1: the fresh runtimes, with their sockets taken over or bound.
    Map<String, ComponentRuntime> fresh = new LinkedHashMap<>();
    long now = System.nanoTime();
    for (String name : plan.fresh()) {
      ComponentSpec s = wanted.get(name);
      ComponentRuntime prev = old.get(name);
      fresh.put(
          name,
          prev == null
              ? newRuntime(s)
              : new ComponentRuntime(
                  s,
                  Admission.continuing(prev.admission, s.maxInstances(), s.maxRate(), now),
                  prev.traffic));
    }
    plan.handOver().forEach((to, from) -> fresh.get(to).listener = old.get(from).listener);
    List<String> failures = new ArrayList<>();
    List<Listener> bound = new ArrayList<>();
    for (String name : plan.bind()) {
      ComponentRuntime rt = fresh.get(name);
      bind(rt, listenEndpoint(rt.spec).orElseThrow(), failures).ifPresent(bound::add);
    }
    if (!failures.isEmpty()) {
      for (Listener l : bound) l.close();
      return CompletableFuture.completedFuture(refused(failures));
    }

    // Step 2: stop what goes, dependents first; its links close now, its daemons in the background.
    long timeout = next.shutdownTimeout().toNanos();
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (String name : plan.stopped()) {
      ComponentRuntime rt = old.get(name);
      rt.daemon.ifPresent(d -> stops.add(d.stop(timeout)));
      muxLinks.stop(name);
    }
    for (String name : plan.released()) old.get(name).listener.ifPresent(Listener::close);

    // Step 3, once they are stopped: the new table, published, and what is new started.
    return then(
        CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0])),
        v -> {
          Map<String, ComponentRuntime> table = new LinkedHashMap<>();
          for (ComponentSpec s : next.components()) {
            table.put(
                s.name(), fresh.containsKey(s.name()) ? fresh.get(s.name()) : old.get(s.name()));
          }
          config = next;
          qotd.set(nextQotd);
          components = table;
          for (ComponentRuntime rt : fresh.values()) {
            muxLinks.create(rt, loops);
            rt.server = serverFor(rt);
          }
          publish();
          for (ComponentRuntime rt : table.values()) {
            // Kept components accept with their new Serving (a changed global ACL applies to them
            // too).
            if (!fresh.containsValue(rt) && !rt.spec.has(Flag.WAIT) && !rt.spec.has(Flag.DISABLE)) {
              rt.listener.ifPresent(l -> rt.serving.ifPresent(s -> l.setHandler(acceptor(rt))));
            }
          }
          for (String name : plan.started()) {
            ComponentRuntime rt = table.get(name);
            if (plan.handOver().containsKey(name)) startOnKeptSocket(rt);
            else startComponent(rt);
          }
          log.info(
              "reload: {} ({} component(s))",
              plan.changes().isEmpty() ? "no changes" : String.join(", ", plan.changes()),
              table.size());
          return CompletableFuture.completedFuture(ReloadOutcome.applied(plan.changes()));
        });
  }

  private static List<ComponentSpec> specs(Map<String, ComponentRuntime> table) {
    List<ComponentSpec> out = new ArrayList<>();
    for (ComponentRuntime rt : table.values()) out.add(rt.spec);
    return out;
  }

  /**
   * Starts a component on a socket it took over from the running configuration: the listener is
   * registered already (and in wait mode may be a child's right now), so only what serves it
   * changes.
   */
  private void startOnKeptSocket(ComponentRuntime rt) {
    ComponentSpec s = rt.spec;
    Listener l = rt.listener.orElseThrow();
    if (s.has(Flag.DISABLE)) {
      l.setHandler(Closeables::closeQuietly);
      log.info("component {}: disabled", s.name());
      return;
    }
    if (s.mode() == Mode.RESPAWN) daemonOf(rt).start();
    if (s.mode() == Mode.MUX) muxLinks.start(rt);
    if (s.has(Flag.WAIT)) l.setWaitHandler(new WaitServer(rt, children));
    else l.setHandler(acceptor(rt));
  }

  // ---------------------------------------------------------------- one component

  CompletableFuture<Void> startComponent(String name) {
    ComponentRuntime rt = components.get(name);
    if (rt == null)
      return CompletableFuture.failedFuture(new StartException("no component named " + name));
    if (rt.spec.mode() != Mode.RESPAWN) {
      return CompletableFuture.failedFuture(
          new StartException("component " + name + " runs no daemon"));
    }
    daemonOf(rt).start();
    return CompletableFuture.completedFuture(null);
  }

  /** Stops a daemon, and first the daemons that depend on it, one after the other. */
  CompletableFuture<Void> stopComponent(String name) {
    ComponentRuntime rt = components.get(name);
    if (rt == null)
      return CompletableFuture.failedFuture(new StartException("no component named " + name));
    long timeout = config.shutdownTimeout().toNanos();
    List<ComponentRuntime> order = new ArrayList<>();
    for (String dep : StartOrder.dependentsOf(name, config.components())) {
      ComponentRuntime d = components.get(dep);
      if (d != null) order.add(d);
    }
    order.add(rt);
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (ComponentRuntime d : order) {
      if (d.daemon.isPresent()) chain = then(chain, v -> d.daemon.get().stop(timeout));
    }
    return chain;
  }

  // ---------------------------------------------------------------- queries

  List<ComponentStatus> status() {
    List<ComponentStatus> out = new ArrayList<>();
    for (ComponentRuntime rt : components.values()) out.add(ComponentStatus.of(rt));
    return out;
  }

  /**
   * Every component's counters; {@code openBytes} adds the open connections' bytes by component.
   */
  List<ComponentCounters> counters(Map<String, long[]> openBytes) {
    List<ComponentCounters> out = new ArrayList<>();
    for (ComponentRuntime rt : components.values()) {
      long[] b = openBytes.getOrDefault(rt.name(), new long[2]);
      out.add(
          new ComponentCounters(
              rt.name(),
              rt.admission.total(),
              rt.admission.refusedAcl(),
              rt.admission.refusedMaxInstances(),
              rt.admission.refusedMaxRate(),
              rt.admission.active(),
              rt.traffic.in() + b[0],
              rt.traffic.out() + b[1],
              children.spawns(rt.name()),
              rt.daemon.map(Daemon::restarts).orElse(0)));
    }
    return out;
  }

  /** The listening port of a component (useful with port 0 in tests), if it listens on TCP. */
  Optional<Integer> port(String component) {
    ComponentRuntime rt = components.get(component);
    if (rt == null || rt.listener.isEmpty()) return Optional.empty();
    int p = rt.listener.get().port();
    return p < 0 ? Optional.empty() : Optional.of(p);
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Stops accepting; lets open connections finish for up to {@code shutdown-timeout} while daemons
   * get SIGTERM in reverse dependency order (SIGKILL when the time is up); ends the per-connection
   * children the same way; then runs the shutdown components. Each wait is a step that goes on when
   * what it waits for happens or its time is up.
   */
  CompletableFuture<Void> shutdown() {
    shutDown = true;
    PorterConfig cfg = config;
    Duration timeout = cfg.shutdownTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ComponentRuntime rt : components.values()) rt.listener.ifPresent(Listener::close);
    log.info(
        "shutdown: stopped accepting; {} connection(s) and {} child(ren) have up to {} to finish",
        open.size(),
        children.count(),
        Porter.human(timeout));
    muxLinks.closeAll();

    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    List<ComponentSpec> order = StartOrder.of(cfg.components());
    java.util.Collections.reverse(order);
    for (ComponentSpec s : order) {
      ComponentRuntime rt = components.get(s.name());
      if (rt.daemon.isPresent() && s.mode() == Mode.RESPAWN) {
        chain = then(chain, v -> rt.daemon.get().stop(Math.max(0, deadline - System.nanoTime())));
      }
    }
    chain = then(chain, v -> until(open::whenEmpty, deadline));
    chain =
        then(
            chain,
            v -> {
              if (open.size() > 0) {
                log.info(
                    "shutdown: closing {} connection(s) still open after {}",
                    open.size(),
                    Porter.human(timeout));
                for (OpenConnection c : open.snapshot())
                  c.connection.loop().execute(c.connection::close);
              }
              // Per-connection children: SIGTERM to their groups now, SIGKILL for what is left of
              // the
              // groups when the time is up, the children themselves or what they forked.
              List<Integer> groups = children.groups();
              children.signalAll(Processes.SIGTERM);
              return then(
                  until(children::whenNone, deadline),
                  w -> {
                    if (children.count() == 0) return sweep(groups);
                    children.signalAll(Processes.SIGKILL);
                    return then(
                        until(children::whenNone, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)),
                        x -> sweep(groups));
                  });
            });
    for (ComponentSpec s : StartOrder.of(cfg.components())) {
      if (s.mode() != Mode.SHUTDOWN || s.has(Flag.DISABLE)) continue;
      chain = then(chain, v -> runShutdownProgram(components.get(s.name()), timeout));
    }
    return chain;
  }

  private CompletableFuture<Void> sweep(List<Integer> groups) {
    for (int g : groups) {
      if (Processes.groupAlive(g)) {
        log.info("shutdown: process group {} outlived its leader; sending SIGKILL", g);
        Processes.killGroup(g, Processes.SIGKILL);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  private CompletableFuture<Void> runShutdownProgram(ComponentRuntime rt, Duration timeout) {
    Daemon d = daemonOf(rt);
    log.info("component {}: running shutdown program", rt.name());
    CompletableFuture<ExitStatus> ran = d.runOnce();
    return then(
        until(
            done -> ran.whenComplete((s, e) -> done.run()), System.nanoTime() + timeout.toNanos()),
        v -> {
          if (ran.isDone()) return CompletableFuture.completedFuture(null);
          log.warn(
              "component {}: shutdown program still running after {}; killing it",
              rt.name(),
              Porter.human(timeout));
          return d.stop(0);
        });
  }

  /**
   * A wait as a step: completes on the supervisor thread when {@code whenDone} calls back, or at
   * {@code deadlineNanos}, whichever comes first.
   */
  private CompletableFuture<Void> until(
      java.util.function.Consumer<Runnable> whenDone, long deadlineNanos) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    whenDone.accept(() -> thread.execute(() -> f.complete(null)));
    thread.schedule(
        () -> f.complete(null),
        Math.max(0, deadlineNanos - System.nanoTime()),
        TimeUnit.NANOSECONDS);
    return f;
  }

  /** After the last command: no more config reads. */
  void close() {
    files.shutdown();
  }
}
