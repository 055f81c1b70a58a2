package dev.porter.supervisor;

import static dev.porter.net.Closeables.closeQuietly;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Endpoint;
import dev.porter.config.Flag;
import dev.porter.config.Mode;
import dev.porter.mux.Entrance;
import dev.porter.mux.LinkStatus;
import dev.porter.mux.MuxExit;
import dev.porter.mux.MuxLink;
import dev.porter.mux.SocketPair;
import dev.porter.mux.TlsSettings;
import dev.porter.mux.Yamux;
import dev.porter.net.Backoff;
import dev.porter.net.EventLoopGroup;
import dev.porter.process.Descriptors;
import dev.porter.process.ExitStatus;
import dev.porter.process.Processes;
import dev.porter.process.SpawnException;
import dev.porter.process.Stdio;
import dev.porter.tcpmux.Directory;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mux links of a running porter: one {@link MuxLink} per {@code mode = mux} component, how each
 * comes up ({@code mux.listen} through the ordinary accept pipeline, {@code mux.connect} by the
 * link itself, {@code mux.command} as a child on a socket pair, or a socket given by {@code porter
 * mux --stdio}), the exits each link serves, and the server for entrances ({@code route =
 * "mux://LINK/NAME"}). Links are looked up by name when used, so entrances and exits follow
 * reloads.
 *
 * <p>Part of the supervisor's state: its maps are touched on the supervisor thread only. The event
 * loops (entrances, receptors) and the links (naming exits) read what it publishes: the links by
 * name, and each link's exits.
 */
final class MuxLinks {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.mux");

  private final Pipeline pipeline;
  private final Children children;
  private final SupervisorThread supervisor;
  private final Map<String, MuxLink> links = new HashMap<>();

  /** {@link #links} as the loops and the control socket see it: replaced whole when it changes. */
  private final Published<Map<String, MuxLink>> published = new Published<>(Map.of());

  private final Map<String, Published<Directory<MuxExit>>> exits = new HashMap<>();

  /**
   * Filled before porter starts ({@code porter mux --stdio}), read on the supervisor thread after.
   */
  private final Map<String, SocketChannel> carried = new HashMap<>();

  private final Map<String, LinkChild> commands = new HashMap<>();

  MuxLinks(Pipeline pipeline, Children children, SupervisorThread supervisor) {
    this.pipeline = pipeline;
    this.children = children;
    this.supervisor = supervisor;
  }

  /**
   * {@code porter mux --stdio}: link {@code name} is carried on {@code channel} instead of its own
   * mux.*.
   */
  void carry(String name, SocketChannel channel) {
    carried.put(name, channel);
  }

  /** Where a link listens ({@code mux.listen}), unless something else carries it. */
  Optional<Endpoint> listenEndpoint(ComponentSpec spec) {
    return carried.containsKey(spec.name()) ? Optional.empty() : spec.muxListen();
  }

  /** Makes the link object of a {@code mode = mux} component (nothing for others). */
  void create(ComponentRuntime rt, EventLoopGroup loops) {
    if (rt.spec.mode() != Mode.MUX) return;
    String name = rt.name();
    Published<Directory<MuxExit>> table = new Published<>(Directory.empty());
    MuxLink link = new MuxLink(name, loops.next(), table::get, rt.spec.nameTimeout());
    if (rt.spec.muxTls().isPresent()) {
      try {
        link.useTls(TlsSettings.of(rt.spec.muxTls().get()));
      } catch (IllegalArgumentException e) {
        // Never a plain link in place of a TLS one: without its link, entrances and mux.listen
        // close.
        log.error("component {}: {}; the link stays down", name, e.getMessage());
        return;
      }
    }
    link.allowReplacement(rt.spec.muxReplace());
    rt.spec.muxMaxStreams().ifPresent(link::useMaxStreams);
    links.put(name, link);
    exits.put(name, table);
    published.set(Map.copyOf(links));
  }

  /**
   * What serves connections accepted on a link's {@code mux.listen}: each is offered to carry the
   * link.
   */
  Optional<Server> receptor(ComponentRuntime rt) {
    if (rt.spec.muxListen().isEmpty() || carried.containsKey(rt.name())) return Optional.empty();
    return Optional.of(
        (a, leftover) -> {
          MuxLink link = published.get().get(rt.name());
          if (link == null) {
            a.connection().close();
            return;
          }
          link.offer(a.connection());
        });
  }

  /**
   * The server of an entrance: each connection becomes a stream asking the far end for the route's
   * name.
   */
  Server entrance(ComponentSpec spec) {
    Endpoint route = spec.route().orElseThrow();
    String linkName = route.muxLink();
    Entrance e = new Entrance(spec.name(), route.muxService(), false, spec.idleTimeout());
    Entrance viaMaster = new Entrance(spec.name(), route.muxService(), true, spec.idleTimeout());
    return (a, leftover) -> {
      MuxLink link = published.get().get(linkName);
      if (link == null) {
        a.refuse("link down");
        return;
      }
      link.enter(a.connection(), leftover, a.throughMaster() ? viaMaster : e);
    };
  }

  /** Publishes every link's exit table from the components that name it in {@code mux-link}. */
  void publishExits(java.util.Collection<ComponentRuntime> components) {
    for (Map.Entry<String, Published<Directory<MuxExit>>> e : exits.entrySet()) {
      List<MuxExit> subs = new ArrayList<>();
      for (ComponentRuntime rt : components) {
        if (rt.spec.muxLink().filter(e.getKey()::equals).isPresent()
            && !rt.spec.has(Flag.DISABLE)) {
          subs.add(new MuxExitServer(rt.serving.orElseThrow(), pipeline));
        }
      }
      e.getValue().set(new Directory<>(subs));
    }
  }

  /**
   * Brings a link up the way its declaration says (mux.listen needs nothing: its listener starts
   * it).
   */
  void start(ComponentRuntime rt) {
    MuxLink link = links.get(rt.name());
    if (link == null) return;
    SocketChannel channel = carried.get(rt.name());
    if (channel != null) {
      link.attach(channel, Yamux.Role.SERVER, "stdio");
    } else if (rt.spec.muxConnect().isPresent()) {
      link.connect(rt.spec.muxConnect().get(), rt.spec.connectTimeout());
    } else if (!rt.spec.muxCommand().isEmpty()) {
      LinkChild child = new LinkChild(rt.spec, link);
      commands.put(rt.name(), child);
      link.onDown(child::linkDown);
      child.spawn();
    }
  }

  /** Any thread. */
  Optional<MuxLink> link(String name) {
    return Optional.ofNullable(published.get().get(name));
  }

  /** Stops one link (removed or changed by a reload). */
  void stop(String name) {
    LinkChild child = commands.remove(name);
    if (child != null) child.stop();
    MuxLink link = links.remove(name);
    exits.remove(name);
    published.set(Map.copyOf(links));
    if (link != null) link.close();
  }

  void closeAll() {
    for (String name : new ArrayList<>(links.keySet())) stop(name);
  }

  /** Any thread. */
  List<LinkStatus> status() {
    List<LinkStatus> out = new ArrayList<>();
    for (MuxLink l : published.get().values()) out.add(l.status());
    return out;
  }

  /** A {@code mux.command} link's program: its stdin and stdout are one end of a socket pair. */
  private final class LinkChild {
    private final ComponentSpec spec;
    private final MuxLink link;
    private volatile int pid;
    private volatile boolean stopped;
    private final Backoff backoff = MuxLink.reconnectBackoff();

    LinkChild(ComponentSpec spec, MuxLink link) {
      this.spec = spec;
      this.link = link;
    }

    void spawn() {
      children.onSpawnThread(this::spawnNow);
    }

    private void spawnNow() {
      if (stopped) return;
      SocketChannel[] pair;
      try {
        pair = SocketPair.open();
      } catch (IOException e) {
        log.error(
            "component {}: cannot make a socket pair for the link program: {}",
            spec.name(),
            e.getMessage());
        respawnLater(0);
        return;
      }
      long started = System.nanoTime();
      try {
        int fd = Descriptors.fdOf(pair[1]);
        Launch.Prepared launch =
            Launch.prepare(
                spec,
                spec.muxCommand(),
                Stdio.inherit(fd),
                Stdio.inherit(fd),
                Stdio.inherit(2),
                Map.of());
        try {
          pid =
              children.spawn(
                  spec.name(), launch.request(), (p, status) -> exited(p, status, started));
        } catch (SpawnException e) {
          launch.failed();
          throw e;
        }
        launch.started(pid);
        log.info("component {}: link program started, pid {}", spec.name(), pid);
        link.attach(pair[0], Yamux.Role.CLIENT, "mux.command pid " + pid);
      } catch (SpawnException | RuntimeException e) {
        log.error("component {}: cannot start the link program: {}", spec.name(), e.getMessage());
        closeQuietly(pair[0]);
        respawnLater(0);
      } finally {
        closeQuietly(pair[1]);
      }
    }

    private void exited(int p, ExitStatus status, long startedNanos) {
      if (p == pid) pid = 0;
      log.info("component {}: link program pid {} exited ({})", spec.name(), p, status);
      respawnLater(System.nanoTime() - startedNanos);
    }

    private void respawnLater(long ranNanos) {
      if (stopped) return;
      supervisor.schedule(this::spawn, backoff.ended(ranNanos), TimeUnit.NANOSECONDS);
    }

    /** The session ended while the program may still run (a protocol error, say): end it too. */
    void linkDown() {
      int p = pid;
      if (p > 0) Processes.killGroup(p, Processes.SIGTERM);
    }

    void stop() {
      stopped = true;
      linkDown();
    }
  }
}
