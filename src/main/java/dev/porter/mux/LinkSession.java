package dev.porter.mux;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.EventLoop;
import dev.porter.net.Timer;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One established connection of a link: the yamux session over it and the streams it carries.
 * Everything runs on the link's event loop. Frames produced while the loop handles one batch of
 * events go out in one write; when the kernel stops taking the link's output, streams stop reading
 * their local connections until it drains (their windows bound the other direction).
 *
 * <p>Output the peer causes (pongs, resets, replies to the streams it opens) is bounded too: above
 * {@link #READ_HIGH_WATER} queued the session stops reading the link until its output has drained,
 * so a peer that sends and never reads gets no further than that; and the engine's flood limits end
 * a session whose peer causes too much of it too fast.
 */
final class LinkSession implements YamuxHandler, ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.mux");

  /** Frames gathered before one write to the link: four full data frames. */
  static final int OUT_BUFFER = 4 * Yamux.MAX_DATA_FRAME;

  /**
   * Link output queued in porter beyond what the kernel took, above which streams stop reading
   * their clients until it drains. Streams look before they send, so data goes at most one read (64
   * KiB) past it.
   */
  static final long HIGH_WATER = 1024 * 1024;

  /**
   * Link output queued above which the session stops reading the link until the queue is empty.
   * Streams' data stays under {@link #HIGH_WATER} and one read, so only output the peer causes gets
   * here, and two porters can never both stop reading over data alone; it is reached only by a peer
   * that sends and does not read, which is then left with one read's answers beyond it.
   */
  static final long READ_HIGH_WATER = 2 * HIGH_WATER;

  /** A link silent this long is pinged (yamux keepalive, HashiCorp's default interval is 30 s). */
  static final long KEEPALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);

  /** A link that has sent nothing, not even a pong, this long is dead: it is dropped and reset. */
  static final long DEAD_NANOS = TimeUnit.SECONDS.toNanos(60);

  /**
   * After Go Away for a protocol error or a flood, how long the peer has to take it before the link
   * closes anyway (a peer that reads nothing never would): LingeringClose's 2 s.
   */
  static final long GOODBYE_NANOS = TimeUnit.SECONDS.toNanos(2);

  final MuxLink link;
  final Connection conn;
  private final LinkWire wire;
  final Yamux yamux;
  final EventLoop loop;
  final long startedNanos = System.nanoTime();
  private final Map<Integer, MuxStream> streams = new HashMap<>();
  private final Set<MuxStream> waitingForLink = new LinkedHashSet<>();
  private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BUFFER);
  private boolean flushScheduled;
  private boolean ended;
  private long lastHeardNanos = System.nanoTime();
  private Timer keepalive;
  private int pings;

  /** Reads of the link are paused because too much output is queued ({@link #READ_HIGH_WATER}). */
  private boolean readsPaused;

  private boolean pauseLogged;

  /** Why the session is going: set once Go Away for a protocol error is on its way. */
  private String goodbye;

  private int probeValue;
  private Consumer<Boolean> probeResult;
  private Timer probeTimer;

  LinkSession(
      MuxLink link,
      Connection conn,
      LinkWire wire,
      Yamux.Role role,
      long receiveWindow,
      int maxStreams) {
    this.link = link;
    this.conn = conn;
    this.wire = wire;
    this.loop = conn.loop();
    // The window budget: as many streams as the cap allows may each hold the initial window.
    long budget = Math.max(receiveWindow, (long) maxStreams * Yamux.INITIAL_WINDOW);
    this.yamux = new Yamux(role, this, receiveWindow, maxStreams, budget);
  }

  SocketAddress peer() {
    return conn.remoteAddress();
  }

  String peerText() {
    return conn.client();
  }

  int streamCount() {
    return streams.size();
  }

  boolean canOpen() {
    return !ended && yamux.canOpen();
  }

  boolean isEnded() {
    return ended;
  }

  // ---------------------------------------------------------------- streams

  /** Opens a stream for an entrance's client connection (already on this loop). */
  void openEntrance(Connection client, Entrance e, ByteBuffer leftover) {
    int id = yamux.open();
    MuxStream s = MuxStream.entrance(this, id, e);
    streams.put(id, s);
    s.start(client, leftover);
  }

  void forget(MuxStream s) {
    streams.remove(s.id, s);
    waitingForLink.remove(s);
  }

  /** The link's output is over {@link #HIGH_WATER}: a stream should wait for it before it sends. */
  boolean congested() {
    return queued() > HIGH_WATER;
  }

  /**
   * Link output porter holds: gathered for the next write, and queued beyond what the kernel took.
   */
  long queued() {
    return wire.pendingBytes() + out.position();
  }

  /**
   * A stream refused a stream the peer opened, for the peer's own doing (a name it does not serve,
   * none in time): counted against the flood limit, which ends the session when exceeded.
   */
  void refusedOpen() {
    yamux.refusedOpen(System.nanoTime());
  }

  /**
   * Pings the peer: {@code answered} gets true when the pong comes within {@code timeoutNanos},
   * false when none does or the session ends first. One probe at a time.
   */
  void probe(long timeoutNanos, Consumer<Boolean> answered) {
    if (probeResult != null) throw new IllegalStateException("a probe is already running");
    if (ended) {
      answered.accept(false);
      return;
    }
    probeResult = answered;
    probeValue = ++pings;
    probeTimer = loop.schedule(timeoutNanos, () -> probed(false));
    yamux.ping(probeValue);
  }

  private void probed(boolean answered) {
    Consumer<Boolean> r = probeResult;
    if (r == null) return;
    probeResult = null;
    if (probeTimer != null) probeTimer.cancel();
    r.accept(answered);
  }

  void waitForLink(MuxStream s) {
    waitingForLink.add(s);
  }

  // ---------------------------------------------------------------- the link connection

  @Override
  public void onOpen(Connection c) {
    keepalive = loop.schedule(KEEPALIVE_NANOS, this::keepalive);
    // A first frame at once: a receptor takes a connection for its link only once one arrives.
    yamux.ping(++pings);
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    long now = System.nanoTime();
    lastHeardNanos = now;
    yamux.receive(data, now);
    if (!readsPaused && !ended && queued() > READ_HIGH_WATER) {
      readsPaused = true;
      wire.suspendReads();
      if (!pauseLogged) {
        pauseLogged = true;
        log.info(
            "component {}: {} bytes queued for {}, which reads too slowly; reading the link waits"
                + " until they are taken",
            link.name(),
            queued(),
            peerText());
      }
    }
  }

  @Override
  public void onWritable(Connection c) {
    if (readsPaused && !ended) {
      readsPaused = false;
      // The peer took everything: it is alive, though nothing was read from it meanwhile.
      lastHeardNanos = System.nanoTime();
      wire.resumeReads();
    }
    if (waitingForLink.isEmpty()) return;
    List<MuxStream> ready = new ArrayList<>(waitingForLink);
    waitingForLink.clear();
    for (MuxStream s : ready) s.linkWritable();
  }

  @Override
  public void onInputClosed(Connection c) {
    end("the peer closed the link");
  }

  @Override
  public void onClosed(Connection c) {
    end(goodbye != null ? goodbye : "the link connection closed");
  }

  private void keepalive() {
    if (ended) return;
    long silent = System.nanoTime() - lastHeardNanos;
    if (silent >= DEAD_NANOS) {
      end(
          readsPaused
              ? "the peer took none of porter's output for "
                  + TimeUnit.NANOSECONDS.toSeconds(silent)
                  + "s"
              : "the peer sent nothing for " + TimeUnit.NANOSECONDS.toSeconds(silent) + "s");
      return;
    }
    if (silent >= KEEPALIVE_NANOS) yamux.ping(++pings);
    keepalive = loop.schedule(KEEPALIVE_NANOS, this::keepalive);
  }

  /** Says goodbye (Go Away, normal) and closes once that is written. */
  void goAway() {
    if (ended) return;
    yamux.goAway(Yamux.GO_AWAY_NORMAL);
    flush();
    wire.closeWhenFlushed();
  }

  /** Ends the session: every stream is reset (local connections closed), the link is told. */
  void end(String reason) {
    if (ended) return;
    ended = true;
    if (keepalive != null) keepalive.cancel();
    List<MuxStream> all = new ArrayList<>(streams.values());
    streams.clear();
    waitingForLink.clear();
    for (MuxStream s : all) s.linkDown();
    wire.close();
    link.sessionEnded(this, reason);
    // A replacement waiting on this session's answer may take over now.
    probed(false);
  }

  // ---------------------------------------------------------------- yamux events

  @Override
  public void onSend(ByteBuffer bytes) {
    if (ended) return;
    if (bytes.remaining() > out.remaining()) flush();
    if (bytes.remaining() > out.remaining()) {
      wire.write(bytes);
      return;
    }
    out.put(bytes);
    if (!flushScheduled) {
      flushScheduled = true;
      // Runs after the loop has handled the current batch of events: their frames share one write.
      loop.execute(this::flush);
    }
  }

  void flush() {
    flushScheduled = false;
    if (ended || out.position() == 0) return;
    out.flip();
    wire.write(out);
    out.clear();
  }

  @Override
  public void onStreamOpened(int id) {
    if (link.isClosing()) {
      yamux.reset(id);
      return;
    }
    MuxStream s = MuxStream.exit(this, id);
    streams.put(id, s);
    s.startExit();
  }

  @Override
  public void onData(int id, ByteBuffer data) {
    MuxStream s = streams.get(id);
    if (s == null) {
      yamux.reset(id);
      return;
    }
    s.fromStream(data);
  }

  @Override
  public void onWindowOpened(int id, long window) {
    MuxStream s = streams.get(id);
    if (s != null) s.windowOpened();
  }

  @Override
  public void onRemoteClose(int id) {
    MuxStream s = streams.get(id);
    if (s != null) s.remoteClosed();
  }

  @Override
  public void onReset(int id) {
    MuxStream s = streams.get(id);
    if (s != null) s.remoteReset();
  }

  @Override
  public void onPong(int value) {
    if (probeResult != null && value == probeValue) probed(true);
  }

  @Override
  public void onGoAway(int code) {
    log.info("component {}: the peer {} is going away (code {})", link.name(), peerText(), code);
  }

  @Override
  public void onProtocolError(String message) {
    if (ended || goodbye != null) return;
    log.warn(
        "component {}: protocol error from {}: {}; dropping the link",
        link.name(),
        peerText(),
        message);
    goodbye = "protocol error: " + message;
    // Nothing more from the peer counts; a flooder's bytes stay in the kernel.
    wire.suspendReads();
    flush();
    wire.closeWhenFlushed();
    // A peer that reads nothing never takes the Go Away: the link closes after a grace all the
    // same.
    loop.schedule(GOODBYE_NANOS, () -> end(goodbye));
  }
}
