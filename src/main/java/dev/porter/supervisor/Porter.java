package dev.porter.supervisor;

import static dev.porter.net.Closeables.closeQuietly;

import dev.porter.acl.AclChain;
import dev.porter.config.ComponentSpec;
import dev.porter.config.Endpoint;
import dev.porter.config.Flag;
import dev.porter.config.Mode;
import dev.porter.config.PorterConfig;
import dev.porter.mux.LinkStatus;
import dev.porter.mux.MuxLink;
import dev.porter.net.Addresses;
import dev.porter.net.Admission;
import dev.porter.net.EventLoopGroup;
import dev.porter.net.Listener;
import dev.porter.process.ExitStatus;
import dev.porter.process.Processes;
import dev.porter.service.Qotd;
import dev.porter.tcpmux.Directory;
import dev.porter.tcpmux.Subordinate;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running porter: event loops, its components' sockets and programs, the connections they
 * serve. Component state is owned by one supervisor thread; the public methods hand their work to
 * it and wait. {@link #start} binds everything or nothing; {@link #reload} reconciles the running
 * components with a new configuration; {@link #shutdown} stops accepting, lets open connections
 * finish within {@code shutdown-timeout}, stops the programs, runs the shutdown components.
 */
public final class Porter {
  private static final Logger log = LoggerFactory.getLogger("dev.porter");

  private final EventLoopGroup loops;
  private final Clock clock;
  private final Pipeline pipeline = new Pipeline(this);
  private final Children children = new Children();
  private final SupervisorThread supervisor = new SupervisorThread();
  /** Mux links (issue 7). */
  private final MuxLinks muxLinks = new MuxLinks(pipeline, children, supervisor);
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final Object drained = new Object();
  /** Replaced as a whole on reload, so other threads always see one consistent table. */
  private volatile Map<String, ComponentRuntime> components = Map.of();
  private final Map<String, Directory> directories = new ConcurrentHashMap<>();
  private final Servers servers;
  private final Map<String, Traffic> traffic = new ConcurrentHashMap<>();
  private volatile PorterConfig config;
  private volatile Qotd qotd = Qotd.builtIn();
  private volatile boolean stopping;

  public Porter(PorterConfig config, int loopCount, Clock clock) {
    this.config = config;
    this.loops = new EventLoopGroup(loopCount);
    this.clock = clock;
    this.servers = new Servers(children, muxLinks, clock, () -> qotd, directories::get);
  }

  /** Event loops: one per core, as DESIGN.md §1 says, and at least one. */
  public static int defaultLoopCount() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  EventLoopGroup loops() {
    return loops;
  }

  void addSession(Session s) {
    sessions.add(s);
  }

  /** Forgets a session and wakes a waiting shutdown when none is left. */
  void removeSession(Session s) {
    sessions.remove(s);
    if (sessions.isEmpty()) {
      synchronized (drained) {
        drained.notifyAll();
      }
    }
  }

  public PorterConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- start

  /** Binds every component's socket, runs startup components, starts daemons, starts serving. */
  public void start() throws StartException {
    onSupervisor(() -> {
      doStart();
      return null;
    });
  }

  private void doStart() throws StartException {
    qotd = loadQotd(config);
    Map<String, ComponentRuntime> table = new LinkedHashMap<>();
    for (ComponentSpec spec : config.components()) table.put(spec.name(), newRuntime(config, spec));
    List<String> failures = new ArrayList<>();
    for (ComponentRuntime rt : table.values()) listenEndpoint(rt.spec).ifPresent(at -> bind(rt, at, failures));
    if (!failures.isEmpty()) {
      for (ComponentRuntime rt : table.values()) rt.listener.ifPresent(Listener::close);
      stopLoops();
      throw new StartException(String.join("\n", failures));
    }
    components = Collections.unmodifiableMap(table);
    for (ComponentRuntime rt : table.values()) muxLinks.create(rt, loops);
    for (ComponentRuntime rt : table.values()) rt.server = serverFor(rt);
    rebuildDirectories();
    runStartupComponents(table);
    for (ComponentSpec spec : StartOrder.of(config.components())) startComponent(table.get(spec.name()));
  }

  private static ComponentRuntime newRuntime(PorterConfig cfg, ComponentSpec spec) {
    return new ComponentRuntime(spec, chainFor(cfg, spec), new Admission(spec.maxInstances(), spec.maxRate()));
  }

  private static AclChain chainFor(PorterConfig cfg, ComponentSpec spec) {
    return new AclChain(List.of(new AclChain.Layer("global", cfg.globalAcl()),
        new AclChain.Layer(spec.isTcpmuxMaster() ? "master" : "component", spec.acl())));
  }

  private static Qotd loadQotd(PorterConfig cfg) throws StartException {
    if (cfg.qotdFile().isEmpty()) return Qotd.builtIn();
    try {
      return Qotd.fromFile(cfg.qotdFile().get());
    } catch (IOException e) {
      throw new StartException("qotd-file: cannot read " + cfg.qotdFile().get() + ": " + e.getMessage());
    }
  }

  /** Where a component listens: its socket, or a mux link's mux.listen (unless porter mux --stdio carries it). */
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
    boolean takesConnections = spec.socket().isPresent() || spec.tcpmuxMaster().isPresent()
        || spec.muxLink().isPresent();
    if (spec.mode() == Mode.MUX) return muxLinks.receptor(rt);
    if (!takesConnections) return Optional.empty();
    return Optional.of(servers.forConnections(rt));
  }

  private void rebuildDirectories() {
    Map<String, ComponentRuntime> table = components;
    Set<String> masters = ConcurrentHashMap.newKeySet();
    for (ComponentRuntime m : table.values()) {
      if (!m.spec.isTcpmuxMaster()) continue;
      masters.add(m.name());
      List<Subordinate> subs = new ArrayList<>();
      for (ComponentRuntime sub : table.values()) {
        if (sub.spec.tcpmuxMaster().filter(m.name()::equals).isPresent() && !sub.spec.has(Flag.DISABLE)) {
          subs.add(new SubordinateAdapter(sub, sub.server.orElseThrow(), pipeline));
        }
      }
      directories.put(m.name(), new Directory(subs));
    }
    directories.keySet().retainAll(masters);
    muxLinks.rebuildExits(table);
  }

  private void runStartupComponents(Map<String, ComponentRuntime> table) {
    for (ComponentSpec spec : StartOrder.of(config.components())) {
      if (spec.mode() != Mode.STARTUP) continue;
      ComponentRuntime rt = table.get(spec.name());
      Daemon d = new Daemon(spec, children, supervisor);
      rt.daemon = Optional.of(d);
      log.info("component {}: running startup program", spec.name());
      // The supervisor thread waits here on purpose: nothing else may start before it finishes.
      ExitStatus status = awaitOnSupervisor(d.runOnce());
      log.info("component {}: startup program finished ({})", spec.name(), status);
    }
  }

  private <T> T awaitOnSupervisor(CompletableFuture<T> f) {
    return supervisor.await(f);
  }

  private void startComponent(ComponentRuntime rt) {
    ComponentSpec spec = rt.spec;
    if (spec.has(Flag.DISABLE)) {
      log.info("component {}: disabled", spec.name());
      return;
    }
    if (spec.mode() == Mode.RESPAWN) {
      Daemon d = rt.daemon.orElseGet(() -> new Daemon(spec, children, supervisor));
      rt.daemon = Optional.of(d);
      d.start();
    }
    if (spec.mode() == Mode.MUX) muxLinks.start(rt);
    rt.listener.ifPresent(l -> {
      if (spec.has(Flag.WAIT)) {
        l.startWaitMode(new WaitServer(rt, children));
        return;
      }
      Server server = rt.server.orElseThrow();
      l.start(ch -> pipeline.accepted(rt, server, ch));
    });
  }

  // ---------------------------------------------------------------- queries

  /** The listening port of a component (useful with port 0 in tests), if it listens on TCP. */
  public Optional<Integer> port(String component) {
    ComponentRuntime rt = components.get(component);
    if (rt == null || rt.listener.isEmpty()) return Optional.empty();
    int p = rt.listener.get().port();
    return p < 0 ? Optional.empty() : Optional.of(p);
  }

  // ---- mux links (issue 7)
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
  public void carryLink(String name, java.nio.channels.SocketChannel channel) {
    muxLinks.carry(name, channel);
  }
  // ---- end mux links

  /** Connections open now. */
  public int activeConnections() {
    return sessions.size();
  }

  /** Bytes porter holds queued for slow readers now, over all event loops (relay backpressure). */
  public long queuedBytes() {
    return loops.loops().stream().mapToLong(dev.porter.net.EventLoop::queuedBytes).sum();
  }

  /**
   * The open connections (those porter relays or serves itself; a connection handed to a child
   * is the child's). Counters are read across threads, so figures are approximate.
   */
  public List<ConnectionInfo> connections() {
    long now = System.nanoTime();
    List<ConnectionInfo> out = new ArrayList<>();
    for (Session s : sessions) {
      out.add(new ConnectionInfo(s.connection.client(), s.component,
          TimeUnit.NANOSECONDS.toMillis(now - s.connection.openedNanos()), s.connection.bytesIn(),
          s.connection.bytesOut()));
    }
    return out;
  }

  /** Children running now (daemons and per-connection programs). */
  public int runningChildren() {
    return children.count();
  }

  /** A snapshot of every component, for the control socket and tests. */
  public List<ComponentStatus> status() throws StartException {
    return onSupervisor(() -> {
      List<ComponentStatus> out = new ArrayList<>();
      for (ComponentRuntime rt : components.values()) out.add(ComponentStatus.of(rt));
      return out;
    });
  }

  // ---------------------------------------------------------------- counters (metrics)

  /** Byte totals of {@code component}'s closed connections, kept across reloads. */
  Traffic traffic(String component) {
    return traffic.computeIfAbsent(component, k -> new Traffic());
  }

  /** Every component's counters, for the metrics endpoint; open connections' bytes included. */
  public List<ComponentCounters> counters() throws StartException {
    Map<String, long[]> open = new LinkedHashMap<>();
    for (Session s : sessions) {
      long[] b = open.computeIfAbsent(s.component, k -> new long[2]);
      b[0] += s.connection.bytesIn();
      b[1] += s.connection.bytesOut();
    }
    return onSupervisor(() -> {
      List<ComponentCounters> out = new ArrayList<>();
      for (ComponentRuntime rt : components.values()) {
        Traffic t = traffic(rt.name());
        long[] b = open.getOrDefault(rt.name(), new long[2]);
        out.add(new ComponentCounters(rt.name(), rt.admission.total(), rt.admission.refusedAcl(),
            rt.admission.refusedMaxInstances(), rt.admission.refusedMaxRate(), rt.admission.active(),
            t.in() + b[0], t.out() + b[1], children.spawns(rt.name()),
            rt.daemon.map(Daemon::restarts).orElse(0)));
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- reload

  /**
   * Reconciles the running components with {@code next}, keyed by name: unchanged components keep
   * their sockets and processes; changed ones restart (keeping a socket that stayed the same);
   * removed ones stop; new ones start. Returns one line per change.
   *
   * <p>All or nothing: everything that can fail (the qotd file, every socket to bind) is done
   * first, while the running configuration still serves; a failure closes what was bound for the
   * reload and throws, and nothing has changed. A socket the new configuration asks for that a
   * changed or removed component holds now is handed over, not bound twice.
   */
  public List<String> reload(PorterConfig next) throws StartException {
    return onSupervisor(() -> doReload(next));
  }

  private List<String> doReload(PorterConfig next) throws StartException {
    Qotd nextQotd = loadQotd(next);
    List<String> changes = new ArrayList<>();
    List<String> added = new ArrayList<>();
    Map<String, ComponentRuntime> old = components;
    Map<String, ComponentSpec> wanted = new LinkedHashMap<>();
    for (ComponentSpec s : next.components()) wanted.put(s.name(), s);
    long timeout = next.shutdownTimeout().toNanos();

    // What goes away or changes, dependents first; their sockets may serve the new declarations.
    List<ComponentRuntime> toStop = new ArrayList<>();
    for (ComponentRuntime rt : old.values()) {
      ComponentSpec w = wanted.get(rt.name());
      if (w == null || !w.fingerprint().equals(rt.spec.fingerprint())) toStop.add(rt);
    }
    Collections.reverse(toStop);
    List<Listener> releasable = new ArrayList<>();
    for (ComponentRuntime rt : toStop) rt.listener.ifPresent(releasable::add);

    // The new runtimes, their sockets found or bound before anything running is touched.
    Map<String, ComponentRuntime> table = new LinkedHashMap<>();
    List<ComponentRuntime> fresh = new ArrayList<>();
    java.util.Set<ComponentRuntime> handedOver = new java.util.HashSet<>();
    List<Listener> bound = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    long now = System.nanoTime();
    for (ComponentSpec s : next.components()) {
      ComponentRuntime prev = old.get(s.name());
      if (prev != null && prev.spec.fingerprint().equals(s.fingerprint())) {
        table.put(s.name(), prev);
        continue;
      }
      ComponentRuntime rt = prev == null ? newRuntime(next, s)
          : new ComponentRuntime(s, chainFor(next, s), Admission.continuing(prev.admission, s.maxInstances(), s.maxRate(), now));
      Optional<Endpoint> at = listenEndpoint(s);
      if (at.isPresent()) {
        Optional<Listener> reuse = releasable.stream().filter(l -> l.boundAt(at.get())).findFirst();
        if (reuse.isPresent()) {
          releasable.remove(reuse.get());
          rt.listener = reuse;
          handedOver.add(rt);
        } else {
          bind(rt, at.get(), failures).ifPresent(bound::add);
        }
      }
      table.put(s.name(), rt);
      fresh.add(rt);
      if (prev == null) added.add("added " + s.name());
    }
    if (!failures.isEmpty()) {
      for (Listener l : bound) l.close();
      throw new StartException(failures);
    }

    // From here nothing fails: stop the old, swap the tables, start the new.
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (ComponentRuntime rt : toStop) {
      rt.daemon.ifPresent(d -> stops.add(d.stop(timeout)));
      muxLinks.stop(rt.name());
      changes.add((wanted.containsKey(rt.name()) ? "changed " : "removed ") + rt.name());
    }
    changes.addAll(added);
    for (Listener l : releasable) l.close();
    for (CompletableFuture<Void> f : stops) awaitOnSupervisor(f);

    this.config = next;
    this.qotd = nextQotd;
    for (ComponentRuntime rt : table.values()) {
      if (!fresh.contains(rt)) rt.acls = chainFor(next, rt.spec);
    }
    for (ComponentRuntime rt : fresh) {
      muxLinks.create(rt, loops);
      rt.server = serverFor(rt);
    }
    components = Collections.unmodifiableMap(table);
    rebuildDirectories();
    for (ComponentSpec s : StartOrder.of(next.components())) {
      ComponentRuntime rt = table.get(s.name());
      if (!fresh.contains(rt) || s.mode() == Mode.STARTUP || s.mode() == Mode.SHUTDOWN) continue;
      if (handedOver.contains(rt)) startOnKeptSocket(rt);
      else startComponent(rt);
    }
    log.info("reload: {} ({} component(s))", changes.isEmpty() ? "no changes" : String.join(", ", changes),
        table.size());
    return changes;
  }

  /**
   * Starts a component whose socket it took over from the running configuration: the listener is
   * registered already (and in wait mode may be a child's right now), so only what serves it changes.
   */
  private void startOnKeptSocket(ComponentRuntime rt) {
    ComponentSpec s = rt.spec;
    Listener l = rt.listener.orElseThrow();
    if (s.has(Flag.DISABLE)) {
      l.setHandler(ch -> closeQuietly(ch));
      log.info("component {}: disabled", s.name());
      return;
    }
    if (s.mode() == Mode.RESPAWN) {
      Daemon d = new Daemon(s, children, supervisor);
      rt.daemon = Optional.of(d);
      d.start();
    }
    if (s.mode() == Mode.MUX) muxLinks.start(rt);
    if (s.has(Flag.WAIT)) {
      l.setWaitHandler(new WaitServer(rt, children));
    } else {
      Server server = rt.server.orElseThrow();
      l.setHandler(ch -> pipeline.accepted(rt, server, ch));
    }
  }

  // ---------------------------------------------------------------- control of one component

  /** Starts a stopped, sleeping or disabled daemon. */
  public void startComponent(String name) throws StartException {
    onSupervisor(() -> {
      ComponentRuntime rt = find(name);
      if (rt.spec.mode() != Mode.RESPAWN) throw new StartException("component " + name + " runs no daemon");
      Daemon d = rt.daemon.orElseGet(() -> new Daemon(rt.spec, children, supervisor));
      rt.daemon = Optional.of(d);
      d.start();
      return null;
    });
  }

  /** Stops a daemon and, first, the daemons that depend on it. */
  public void stopComponent(String name) throws StartException {
    onSupervisor(() -> {
      ComponentRuntime rt = find(name);
      long timeout = config.shutdownTimeout().toNanos();
      for (String dep : StartOrder.dependentsOf(name, config.components())) {
        ComponentRuntime d = components.get(dep);
        if (d != null && d.daemon.isPresent()) awaitOnSupervisor(d.daemon.get().stop(timeout));
      }
      if (rt.daemon.isPresent()) awaitOnSupervisor(rt.daemon.get().stop(timeout));
      return null;
    });
  }

  /** Stops a daemon (and its dependents), then starts it again. */
  public void restartComponent(String name) throws StartException {
    stopComponent(name);
    startComponent(name);
  }

  private ComponentRuntime find(String name) throws StartException {
    ComponentRuntime rt = components.get(name);
    if (rt == null) throw new StartException("no component named " + name);
    return rt;
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Stops accepting; lets open connections finish for up to {@code shutdown-timeout} while
   * daemons get SIGTERM in reverse dependency order (SIGKILL when the time is up); then runs
   * the shutdown components and stops the event loops.
   */
  public void shutdown() throws InterruptedException {
    if (stopping) return;
    stopping = true;
    PorterConfig cfg = config;
    long timeout = cfg.shutdownTimeout().toNanos();
    long deadline = System.nanoTime() + timeout;
    try {
      onSupervisor(() -> {
        for (ComponentRuntime rt : components.values()) rt.listener.ifPresent(Listener::close);
        log.info("shutdown: stopped accepting; {} connection(s) and {} child(ren) have up to {} to finish",
            sessions.size(), children.count(), human(cfg.shutdownTimeout()));
        muxLinks.closeAll();
        List<ComponentSpec> order = StartOrder.of(cfg.components());
        Collections.reverse(order);
        for (ComponentSpec s : order) {
          ComponentRuntime rt = components.get(s.name());
          if (rt.daemon.isPresent() && s.mode() == Mode.RESPAWN) {
            awaitOnSupervisor(rt.daemon.get().stop(Math.max(0, deadline - System.nanoTime())));
          }
        }
        return null;
      });
    } catch (StartException e) {
      log.error("shutdown: {}", e.getMessage());
    }
    synchronized (drained) {
      long left;
      while (!sessions.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(drained, left);
      }
    }
    if (!sessions.isEmpty()) {
      log.info("shutdown: closing {} connection(s) still open after {}", sessions.size(), human(cfg.shutdownTimeout()));
      for (Session s : sessions) s.connection.loop().execute(s.connection::close);
    }
    // Per-connection children: SIGTERM to their groups now, SIGKILL for what is left of the
    // groups when the time is up, the children themselves or what they forked.
    List<Integer> groups = children.groups();
    children.signalAll(Processes.SIGTERM);
    if (!children.awaitNone(Math.max(0, deadline - System.nanoTime()))) {
      children.signalAll(Processes.SIGKILL);
      children.awaitNone(TimeUnit.SECONDS.toNanos(5));
    }
    for (int g : groups) {
      if (Processes.groupAlive(g)) {
        log.info("shutdown: process group {} outlived its leader; sending SIGKILL", g);
        Processes.killGroup(g, Processes.SIGKILL);
      }
    }
    try {
      onSupervisor(() -> {
        for (ComponentSpec s : StartOrder.of(cfg.components())) {
          if (s.mode() != Mode.SHUTDOWN || s.has(Flag.DISABLE)) continue;
          Daemon d = new Daemon(s, children, supervisor);
          log.info("component {}: running shutdown program", s.name());
          Optional<ExitStatus> st = supervisor.await(d.runOnce(), timeout);
          if (st.isEmpty()) {
            log.warn("component {}: shutdown program still running after {}; killing it", s.name(),
                human(cfg.shutdownTimeout()));
            supervisor.await(d.stop(0));
          }
        }
        return null;
      });
    } catch (StartException e) {
      log.error("shutdown: {}", e.getMessage());
    }
    stopLoops();
    supervisor.stop();
    children.stop();
  }

  /** A duration as written in the configuration: {@code 5s}, {@code 1500ms}, {@code 2m}. */
  static String human(java.time.Duration d) {
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

  // ---------------------------------------------------------------- the supervisor thread

  /** Runs {@code work} on the supervisor thread and waits for it; its StartException comes back. */
  private <T> T onSupervisor(Callable<T> work) throws StartException {
    CompletableFuture<T> f = new CompletableFuture<>();
    supervisor.execute(() -> {
      try {
        f.complete(work.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StartException) throw (StartException) e.getCause();
      throw new IllegalStateException(e.getCause());
    }
  }
}
