package dev.porter.supervisor;

import dev.porter.acl.AclChain;
import dev.porter.config.Builtin;
import dev.porter.config.ComponentSpec;
import dev.porter.config.PorterConfig;
import dev.porter.net.EventLoopGroup;
import dev.porter.net.Listener;
import dev.porter.service.Builtins;
import dev.porter.service.Qotd;
import dev.porter.tcpmux.Directory;
import dev.porter.tcpmux.Subordinate;
import dev.porter.tcpmux.TcpmuxMaster;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running porter: event loops, the listeners of its components, and the connections they
 * serve. {@link #start} binds everything or nothing; {@link #shutdown} stops accepting, lets open
 * connections finish within {@code shutdown-timeout}, then closes the rest.
 */
public final class Porter {
  private static final Logger log = LoggerFactory.getLogger("dev.porter");

  private final PorterConfig config;
  private final EventLoopGroup loops;
  private final Clock clock;
  private final Pipeline pipeline = new Pipeline(this);
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final Object drained = new Object();
  private final Map<String, ComponentRuntime> components = new LinkedHashMap<>();
  private final Map<String, Directory> directories = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  public Porter(PorterConfig config, int loopCount, Clock clock) {
    this.config = config;
    this.loops = new EventLoopGroup(loopCount);
    this.clock = clock;
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

  /** Binds every component's socket and starts serving; on failure nothing stays bound. */
  public void start() throws StartException {
    Qotd qotd = loadQotd();
    Map<String, Server> servers = new LinkedHashMap<>();
    for (ComponentSpec spec : config.components()) {
      AclChain chain = new AclChain(List.of(new AclChain.Layer("global", config.globalAcl()),
          new AclChain.Layer(spec.isTcpmuxMaster() ? "master" : "component", spec.acl())));
      ComponentRuntime rt = new ComponentRuntime(spec, chain);
      components.put(spec.name(), rt);
      servers.put(spec.name(), serverFor(spec, qotd));
    }
    for (ComponentSpec spec : config.components()) {
      if (!spec.isTcpmuxMaster()) continue;
      List<Subordinate> subs = new ArrayList<>();
      for (ComponentSpec sub : config.components()) {
        if (sub.tcpmuxMaster().filter(spec.name()::equals).isPresent()) {
          subs.add(new SubordinateAdapter(components.get(sub.name()), servers.get(sub.name()), pipeline));
        }
      }
      directories.put(spec.name(), new Directory(subs));
    }
    bindAll();
    for (ComponentRuntime rt : components.values()) {
      Server server = servers.get(rt.name());
      rt.listener.ifPresent(l -> l.start(ch -> pipeline.accepted(rt, server, ch)));
    }
  }

  private Qotd loadQotd() throws StartException {
    if (config.qotdFile().isEmpty()) return Qotd.builtIn();
    try {
      return Qotd.fromFile(config.qotdFile().get());
    } catch (IOException e) {
      throw new StartException("qotd-file: cannot read " + config.qotdFile().get() + ": " + e.getMessage());
    }
  }

  private Server serverFor(ComponentSpec spec, Qotd qotd) throws StartException {
    if (spec.builtin().isPresent()) {
      Builtin b = spec.builtin().get();
      switch (b) {
        case TCPMUX: {
          long timeout = spec.nameTimeout().toNanos();
          String name = spec.name();
          return (c, leftover, viaTcpmux) ->
              c.setHandler(new TcpmuxMaster(name, () -> directories.get(name), timeout), leftover);
        }
        case TELNET_PROXY:
          throw new StartException(spec.origin() + ": components." + spec.name()
              + ": builtin telnet-proxy is not available in this version of porter");
        default:
          return new BuiltinServer(Builtins.handler(b, qotd, clock));
      }
    }
    if (RouteServer.serves(spec)) return new RouteServer(spec);
    String what = !spec.command().isEmpty() ? "command" : spec.route().isPresent() ? "route"
        : spec.passFdSocket().isPresent() ? "pass-fd-socket" : "mode " + spec.mode().configName();
    throw new StartException(spec.origin() + ": components." + spec.name() + ": " + what
        + " is not available in this version of porter");
  }

  private void bindAll() throws StartException {
    List<String> failures = new ArrayList<>();
    for (ComponentRuntime rt : components.values()) {
      if (rt.spec.socket().isEmpty()) continue;
      try {
        rt.listener = Optional.of(Listener.bind(loops.next(), rt.spec.socket().get()));
      } catch (IOException e) {
        failures.add("component " + rt.name() + ": cannot listen on " + rt.spec.socket().get() + ": "
            + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      for (ComponentRuntime rt : components.values()) rt.listener.ifPresent(Listener::close);
      stopLoops();
      throw new StartException(String.join("\n", failures));
    }
    for (ComponentRuntime rt : components.values()) {
      rt.listener.ifPresent(l -> log.info("component {}: listening on {}", rt.name(), dev.porter.net.Addresses.format(l.localAddress())));
    }
  }

  /** The listening port of a component (useful with port 0 in tests), if it listens on TCP. */
  public Optional<Integer> port(String component) {
    ComponentRuntime rt = components.get(component);
    if (rt == null || rt.listener.isEmpty()) return Optional.empty();
    int p = rt.listener.get().port();
    return p < 0 ? Optional.empty() : Optional.of(p);
  }

  /** Connections open now. */
  public int activeConnections() {
    return sessions.size();
  }

  /** Bytes porter holds queued for slow readers now, over all event loops (relay backpressure). */
  public long queuedBytes() {
    return loops.loops().stream().mapToLong(dev.porter.net.EventLoop::queuedBytes).sum();
  }

  /**
   * Stops accepting, waits up to {@code shutdown-timeout} for open connections to end, closes
   * what is left, and stops the event loops.
   */
  public void shutdown() throws InterruptedException {
    if (stopping) return;
    stopping = true;
    for (ComponentRuntime rt : components.values()) rt.listener.ifPresent(Listener::close);
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    synchronized (drained) {
      long left;
      while (!sessions.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(drained, left);
      }
    }
    if (!sessions.isEmpty()) {
      log.info("shutdown: closing {} connection(s) still open after {}", sessions.size(),
          config.shutdownTimeout());
      for (Session s : sessions) s.connection.loop().execute(s.connection::close);
    }
    stopLoops();
  }

  private void stopLoops() {
    try {
      loops.stop(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
