package dev.porter.mux;

import dev.porter.config.Endpoint;
import dev.porter.net.Backoff;
import dev.porter.net.ConnectListener;
import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.Connector;
import dev.porter.net.EventLoop;
import dev.porter.net.Timer;
import dev.porter.tcpmux.Directory;
import dev.porter.tcpmux.TcpmuxMaster;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mux link component: a persistent yamux session with another porter (or any yamux peer) that
 * carries many connections. The link lives on one event loop, and so do all its streams; a
 * connection that enters the link moves there. Only one session is up at a time.
 *
 * <p>How the link comes up is the owner's choice: {@link #offer} it the connections accepted on
 * {@code mux.listen}, {@link #attach} a socket to a program ({@code mux.command}, {@code porter mux
 * --stdio}), or let the link {@link #connect} itself ({@code mux.connect}), reconnecting with
 * backoff while down.
 *
 * <p>A connection offered on {@code mux.listen} is a {@link Candidate} until its first yamux frame
 * (after TLS, its handshake and, with {@code mux.tls.peers}, its certificate's names): connecting
 * alone replaces nothing; {@link Receptor} decides whether a proven one replaces the session.
 */
public final class MuxLink {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.mux");

  /** A link that just dropped is retried quickly: the peer has most often just restarted. */
  static final Duration RECONNECT_FIRST = Duration.ofMillis(100);

  /** Tried at least this often while down (minutes apart, a peer that came back waits too long). */
  static final Duration RECONNECT_MAX = Duration.ofSeconds(30);

  /** A session (or a link program) that lasted this long worked: the backoff starts over. */
  static final Duration STABLE = Duration.ofSeconds(1);

  private final String name;
  private final EventLoop loop;
  private final Supplier<Directory<MuxExit>> exits;
  private final long nameTimeoutNanos;
  private final long receiveWindow;
  private final List<Runnable> downListeners = new CopyOnWriteArrayList<>();
  private volatile LinkSession session;
  private volatile boolean closing;
  private volatile String state = "down";
  private volatile long sessions;
  private long bytesInBefore;
  private long bytesOutBefore;

  /** {@code mux.tls}: null for a plain link. */
  private volatile TlsSettings tls;

  /** {@code mux.replace = allow}: a proven candidate replaces the session without asking it. */
  private volatile boolean replaceAllowed;

  /** {@code mux.max-streams}. */
  private volatile int maxStreams = Yamux.DEFAULT_MAX_STREAMS;

  private final Receptor receptor = new Receptor(this);
  private Endpoint connectTo;
  private Duration connectTimeout;
  private final Backoff backoff = reconnectBackoff();
  private Timer retry;

  /** The connect in flight ({@code mux.connect}), if any. */
  private Connector dialing;

  /**
   * @param exits this link's exits, read each time a stream names a service (so reloads apply)
   * @param nameTimeout how long a stream may take to name a service
   */
  public MuxLink(
      String name, EventLoop loop, Supplier<Directory<MuxExit>> exits, Duration nameTimeout) {
    this(name, loop, exits, nameTimeout, Yamux.INITIAL_WINDOW);
  }

  /**
   * @param receiveWindow per-stream receive window granted to the peer (at least 256 KiB)
   */
  public MuxLink(
      String name,
      EventLoop loop,
      Supplier<Directory<MuxExit>> exits,
      Duration nameTimeout,
      long receiveWindow) {
    this.name = name;
    this.loop = loop;
    this.exits = exits;
    this.nameTimeoutNanos = nameTimeout.toNanos();
    this.receiveWindow = receiveWindow;
  }

  /**
   * Puts TLS between this link's inet connections (accepted or made) and its sessions from the next
   * connection on; a link carried by a program (stdio, mux.command) stays as it is.
   */
  public void useTls(TlsSettings settings) {
    tls = settings;
  }

  /**
   * {@code mux.replace = allow}: a connection that proves itself replaces a session that still
   * works.
   */
  public void allowReplacement(boolean allow) {
    replaceAllowed = allow;
  }

  /**
   * {@code mux.max-streams}: the stream cap (and with it the window budget) of the next sessions.
   */
  public void useMaxStreams(int cap) {
    if (cap < 1 || cap > Yamux.MAX_STREAMS_LIMIT) {
      throw new IllegalArgumentException(
          "max streams must be from 1 to " + Yamux.MAX_STREAMS_LIMIT + ", got " + cap);
    }
    maxStreams = cap;
  }

  public String name() {
    return name;
  }

  public EventLoop loop() {
    return loop;
  }

  Directory<MuxExit> exits() {
    return exits.get();
  }

  long nameTimeoutNanos() {
    return nameTimeoutNanos;
  }

  boolean isClosing() {
    return closing;
  }

  boolean replaceAllowed() {
    return replaceAllowed;
  }

  Optional<TlsSettings> tls() {
    return Optional.ofNullable(tls);
  }

  /** The session up now, if any. */
  Optional<LinkSession> session() {
    LinkSession s = session;
    return s == null || s.isEnded() ? Optional.empty() : Optional.of(s);
  }

  public boolean isUp() {
    LinkSession s = session;
    return s != null && !s.isEnded();
  }

  /** Runs (on the link's loop) every time a session of the link ends. */
  public void onDown(Runnable listener) {
    downListeners.add(listener);
  }

  // ---------------------------------------------------------------- bringing the link up

  /**
   * A connection accepted on {@code mux.listen} (this side is the yamux server); call on {@code
   * c}'s loop. It carries the link only once it has proven itself (see the class comment).
   */
  public void offer(Connection c) {
    c.moveTo(loop, receptor::offer);
  }

  /**
   * Carries the link on an already connected socket (a program's stdin/stdout through a socket
   * pair); {@code label} names the peer in logs and status, e.g. {@code stdio}.
   */
  public void attach(SocketChannel channel, Yamux.Role role, String label) {
    Connection.open(loop, channel, opener(role, Optional.of(label), false));
  }

  private ConnectionHandler opener(Yamux.Role role, Optional<String> label, boolean inet) {
    return new ConnectionHandler() {
      @Override
      public void onOpen(Connection c) {
        // A socket pair's addresses are a removed temporary path: say what is at the other end.
        label.ifPresent(l -> c.overrideClient(UnixDomainSocketAddress.of(l)));
        attachHere(c, role, inet);
      }

      @Override
      public void onData(Connection c, ByteBuffer data) {
        throw new IllegalStateException("the session replaces this handler in onOpen");
      }
    };
  }

  private void attachHere(Connection c, Yamux.Role role, boolean inet) {
    if (closing) {
      c.close();
      return;
    }
    TlsSettings t = tls;
    if (inet && t != null) {
      // The session starts once the handshake is done: an unauthenticated peer replaces nothing.
      javax.net.ssl.SSLEngine engine =
          role == Yamux.Role.CLIENT
              ? t.clientEngine(connectTo.host(), connectTo.port())
              : t.serverEngine();
      c.setHandler(
          new TlsLink(
              engine,
              new TlsLink.Listener() {
                @Override
                public ConnectionHandler established(Connection conn, TlsLink wire) {
                  if (closing) return null;
                  return startSession(conn, wire, role);
                }

                @Override
                public void failed(Connection conn, String reason, boolean established) {
                  tlsFailed(conn, role, reason, established);
                }
              }));
      return;
    }
    c.setHandler(startSession(c, LinkWire.plain(c), role));
  }

  /**
   * Makes {@code c} the link's connection, replacing the one before; returns its session for the
   * handler.
   */
  LinkSession startSession(Connection c, LinkWire wire, Yamux.Role role) {
    LinkSession old = session;
    if (old != null && !old.isEnded()) {
      log.info(
          "component {}: a new connection from {} replaces the link with {}",
          name,
          c.client(),
          old.peerText());
      old.end("replaced by a new connection");
    }
    LinkSession s = new LinkSession(this, c, wire, role, receiveWindow, maxStreams);
    session = s;
    sessions++;
    state = "up";
    log.info(
        "component {}: link up with {} ({}{})",
        name,
        c.client(),
        role == Yamux.Role.CLIENT ? "connector" : "receptor",
        wire instanceof TlsLink ? ", tls" : "");
    return s;
  }

  /**
   * TLS with {@code c} failed: logged with the peer and the reason. A connector tries again with
   * the backoff of a failed connect (a failure after the handshake ends the session, which does).
   */
  void tlsFailed(Connection c, Yamux.Role role, String reason, boolean established) {
    if (established) {
      log.warn("component {}: tls with {} failed: {}", name, c.client(), reason);
      return;
    }
    log.warn("component {}: tls handshake with {} failed: {}", name, c.client(), reason);
    if (role != Yamux.Role.CLIENT) return;
    if (session == null) state = "down";
    scheduleDial(backoff.ended(0));
  }

  /**
   * The backoff of a link's reconnects, and of a link's program ({@code mux.command}) restarts: 0.1
   * s doubling up to 30 s, from the start again after a session of 1 s.
   */
  public static Backoff reconnectBackoff() {
    return new Backoff(RECONNECT_FIRST, RECONNECT_MAX, STABLE);
  }

  /**
   * Keeps the link connected to {@code ep} ({@code mux.connect}): now, and again whenever it drops.
   */
  public void connect(Endpoint ep, Duration timeout) {
    loop.execute(
        () -> {
          connectTo = ep;
          connectTimeout = timeout;
          dial();
        });
  }

  private void dial() {
    retry = null;
    if (closing || isUp()) return;
    state = "connecting";
    // A thread of its own for a name lookup: the link comes back while its streams' backends hang.
    long timeout = connectTimeout.toNanos();
    dialing =
        Connector.connect(
            loop,
            connectTo,
            timeout,
            Connector.Lookup.OWN_THREAD,
            new ConnectListener() {
              @Override
              public void connected(Connection c) {
                dialing = null;
                c.setHandler(opener(Yamux.Role.CLIENT, Optional.empty(), true));
              }

              @Override
              public void failed(String reason) {
                dialing = null;
                dialFailed(reason);
              }
            });
  }

  private void dialFailed(String reason) {
    long delay = backoff.ended(0);
    // The first failure says why at warn; the retries that follow at debug, not to flood the log.
    if (backoff.failures() == 1) {
      log.warn(
          "component {}: cannot connect to {}: {}; retrying every {}s at most",
          name,
          connectTo,
          reason,
          TimeUnit.NANOSECONDS.toSeconds(backoff.maxNanos()));
    } else {
      log.debug("component {}: cannot connect to {}: {}", name, connectTo, reason);
    }
    state = "down";
    scheduleDial(delay);
  }

  private void scheduleDial(long delayNanos) {
    if (closing || connectTo == null || retry != null) return;
    retry = loop.schedule(delayNanos, this::dial);
  }

  /** Called by a session when it ends (on the loop). */
  void sessionEnded(LinkSession s, String reason) {
    bytesInBefore += s.yamux.bytesIn();
    bytesOutBefore += s.yamux.bytesOut();
    if (session == s) {
      session = null;
      state = closing ? "closed" : "down";
    }
    log.info(
        "component {}: link with {} down ({}); {} stream(s) reset",
        name,
        s.peerText(),
        reason,
        s.streamCount());
    long delay = backoff.ended(System.nanoTime() - s.startedNanos);
    for (Runnable r : downListeners) r.run();
    if (session == null) scheduleDial(delay);
  }

  // ---------------------------------------------------------------- entrances

  /**
   * Carries a client connection to the far end's service {@code e.service()}: call on the
   * connection's loop. {@code leftover} holds bytes the client already sent (after a TCPMUX name
   * line); they follow the name on the stream. While the link is down the client is closed (or,
   * through a TCPMUX master, told {@code -link down}).
   */
  public void enter(Connection client, ByteBuffer leftover, Entrance e) {
    ByteBuffer copy = ByteBuffer.allocate(leftover.remaining());
    copy.put(leftover).flip();
    client.moveTo(
        loop,
        c -> {
          LinkSession s = session;
          if (s == null || !s.canOpen()) {
            log.info("component {}: link {} is down; closing {}", e.component(), name, c.client());
            if (e.viaTcpmux()) {
              TcpmuxMaster.refuse(c, "link down");
            } else {
              c.close();
            }
            return;
          }
          s.openEntrance(c, e, copy);
        });
  }

  // ---------------------------------------------------------------- status and the end

  public LinkStatus status() {
    LinkSession s = session;
    int streams = s == null ? 0 : s.streamCount();
    long in = bytesInBefore + (s == null ? 0 : s.yamux.bytesIn());
    long out = bytesOutBefore + (s == null ? 0 : s.yamux.bytesOut());
    return new LinkStatus(
        name, state, s == null ? "" : s.peerText(), streams, in, out, sessions, tls != null);
  }

  /**
   * Stops the link for good: no reconnecting; the session says Go Away and closes; its streams are
   * reset. Safe from any thread.
   */
  public void close() {
    closing = true;
    loop.execute(
        () -> {
          state = "closed";
          if (retry != null) retry.cancel();
          if (dialing != null) dialing.cancel();
          receptor.closeAll();
          LinkSession s = session;
          if (s != null) {
            s.goAway();
            s.end("link closed");
          }
        });
  }

  /**
   * Drops the current session as if the connection broke (its streams are reset); for tests and
   * ctl.
   */
  public void drop() {
    loop.execute(
        () -> {
          LinkSession s = session;
          if (s != null) s.end("dropped");
        });
  }
}
