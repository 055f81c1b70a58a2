package dev.porter.mux;

import dev.porter.net.ConnectListener;
import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.Connector;
import dev.porter.net.OneShotReader;
import dev.porter.net.Timer;
import dev.porter.relay.IdleTimeout;
import dev.porter.tcpmux.NameLineDecoder;
import dev.porter.tcpmux.TcpmuxDecision;
import dev.porter.tcpmux.TcpmuxMaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of a link and the local connection it is relayed to, both ways, on the link's loop.
 * Each stream starts with the TCPMUX exchange (RFC 1078, as over a TCPMUX master): the side that
 * opened it (an entrance) sends {@code NAME CRLF} and waits for {@code +} or {@code -reason}; the
 * other side (the exits) reads the name, answers, and serves the stream.
 *
 * <p>Flow control: bytes from the stream are written to the local connection and credited back to
 * the peer only once the kernel has taken them, so a slow local reader closes its own stream's
 * window and holds at most that window; bytes from the local connection are sent within the
 * stream's send window, and reading stops (holding at most one read) while the window is shut or
 * the link's output is congested.
 */
final class MuxStream implements ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.mux");

  /**
   * Longest reply line an entrance accepts: {@code -} and a reason. RFC 1078 sets no limit;
   * porter's own reasons are a few words.
   */
  static final int MAX_REPLY_LINE = 512;

  /**
   * After refusing a stream, how long the peer may keep sending before the stream is reset (as
   * LingeringClose).
   */
  static final long REFUSED_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final byte[] PLUS = "+\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Where the stream is in its life; named after the TCPMUX exchange it starts with. */
  enum Phase {
    /** Exit: reading the service name. */
    NAME,
    /** Exit: the name is known; connecting to the backend or bridging to a socket. */
    CONNECTING,
    /** Entrance: the name is sent; waiting for {@code +} or {@code -}. */
    REPLY,
    /** Relaying both ways. */
    RELAY,
    /** Refused: the reply and FIN are sent; whatever else arrives is dropped. */
    REFUSED,
    DONE
  }

  final int id;
  private final LinkSession session;
  private final Yamux yamux;
  private final Optional<Entrance> entrance;
  private Phase phase;
  private Connection local;
  private String component;

  /** Local bytes the stream's window could not take yet: at most one read. */
  private ByteBuffer held;

  /** Exit: stream bytes that arrived before the local connection existed; bounded by the window. */
  private final ArrayDeque<ByteBuffer> early = new ArrayDeque<>();

  private long delivered;
  private long credited;
  private boolean localEof;
  private boolean finSent;
  private boolean remoteFin;
  private NameLineDecoder nameLine;
  private OneShotReader nameReader;
  private byte[] reply;
  private int replyLength;

  /** The name line's deadline (exit), then the grace after a refusal. */
  private Timer timer;

  private IdleTimeout idle = IdleTimeout.NONE;
  private Optional<MuxExit> admitted = Optional.empty();

  /** Exit: the connect to the route's backend in flight, if any. */
  private Connector connecting;

  private MuxStream(LinkSession session, int id, Optional<Entrance> entrance, Phase phase) {
    this.session = session;
    this.yamux = session.yamux;
    this.id = id;
    this.entrance = entrance;
    this.phase = phase;
    this.component = entrance.map(Entrance::component).orElse(session.link.name());
  }

  static MuxStream entrance(LinkSession session, int id, Entrance e) {
    return new MuxStream(session, id, Optional.of(e), Phase.REPLY);
  }

  static MuxStream exit(LinkSession session, int id) {
    return new MuxStream(session, id, Optional.empty(), Phase.NAME);
  }

  // ---------------------------------------------------------------- entrance

  /** Sends the name line, then relays the client's bytes (pipelined: they go before the reply). */
  void start(Connection client, ByteBuffer leftover) {
    Entrance e = entrance.orElseThrow();
    local = client;
    reply = new byte[MAX_REPLY_LINE];
    yamux.send(id, ByteBuffer.wrap((e.service() + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    // RFC 1078: the answer to "help" is the list itself, with no + or - before it.
    if (e.service().equalsIgnoreCase(TcpmuxDecision.HELP)) phase = Phase.RELAY;
    idle(e.idleTimeout(), client.client() + " on stream " + id + " of link " + session.link.name());
    client.setHandler(this, leftover);
  }

  private void replyBytes(ByteBuffer data) {
    while (data.hasRemaining()) {
      byte b = data.get();
      yamux.consumed(id, 1);
      if (b == '\n') {
        replied(new String(reply, 0, replyLength, StandardCharsets.US_ASCII).strip());
        if (phase == Phase.RELAY && data.hasRemaining()) toLocal(data);
        return;
      }
      if (replyLength == reply.length) {
        refusedByPeer(
            "a reply line over " + MAX_REPLY_LINE + " bytes", "-bad reply from the far end");
        return;
      }
      reply[replyLength++] = b;
    }
  }

  private void replied(String line) {
    Entrance e = entrance.orElseThrow();
    if (line.startsWith("+")) {
      phase = Phase.RELAY;
      // A client that came through a TCPMUX master expects the reply; the far end's goes through.
      if (e.viaTcpmux()) local.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      return;
    }
    if (line.startsWith("-")) {
      refusedByPeer(line.substring(1).strip(), line);
    } else {
      refusedByPeer(
          "a reply that is neither + nor -: \"" + line + "\"", "-bad reply from the far end");
    }
  }

  private void refusedByPeer(String reason, String replyLine) {
    Entrance e = entrance.orElseThrow();
    log.info(
        "component {}: {} refused by the far end of link {} for service \"{}\": {}",
        component,
        local.client(),
        session.link.name(),
        e.service(),
        reason);
    yamux.reset(id);
    Connection c = local;
    end();
    if (e.viaTcpmux()) {
      TcpmuxMaster.refuse(c, replyLine.startsWith("-") ? replyLine.substring(1) : replyLine);
    } else {
      c.close();
    }
  }

  // ---------------------------------------------------------------- exit

  void startExit() {
    nameLine = new NameLineDecoder();
    // Not exact: a stream has no kernel queue to leave bytes in; what follows the name reaches
    // the exit through porter (kept early, then relayed).
    String subject = "component " + component + ": the name reader of stream " + id;
    nameReader =
        new OneShotReader(
            subject,
            nameLine,
            false,
            session.link.nameTimeoutNanos(),
            this::named,
            this::nameRefused);
    nameReader.start(
        new OneShotReader.Source() {
          @Override
          public OneShotReader.Cancellable schedule(long delayNanos, Runnable task) {
            return session.loop.schedule(delayNanos, task)::cancel;
          }

          @Override
          public void consumed(int n) {
            yamux.consumed(id, n);
          }
        });
  }

  private void nameRefused(OneShotReader.Refusal why) {
    if (why == OneShotReader.Refusal.ENDED) {
      // Closed before naming anything: nothing to serve, and counted like a refusal.
      session.refusedOpen();
      yamux.reset(id);
      end();
      return;
    }
    log.info(
        "component {}: stream {} from {} {}",
        component,
        id,
        session.peerText(),
        nameLine.problem(why));
    refuseForPeer(nameLine.reply(why));
  }

  private void named(ByteBuffer rest) {
    TcpmuxDecision<MuxExit> d =
        TcpmuxDecision.decide(nameLine.name(), session.link.exits(), session.peer());
    if (d instanceof TcpmuxDecision.Help<MuxExit> help) {
      answerAndClose(help.text());
      return;
    }
    if (d instanceof TcpmuxDecision.Unknown<MuxExit> unknown) {
      log.info(
          "component {}: stream {} from {} asked for unknown service \"{}\"",
          component,
          id,
          session.peerText(),
          unknown.name());
      refuseForPeer(unknown.reply());
      return;
    }
    if (d instanceof TcpmuxDecision.Denied<MuxExit> denied) {
      component = denied.subordinate().component();
      denied.subordinate().refusedByAcl();
      log.info(
          "component {}: refused stream {} from {} (acl exit)", component, id, session.peerText());
      refuseForPeer(denied.reply());
      return;
    }
    MuxExit exit = ((TcpmuxDecision.Serve<MuxExit>) d).subordinate();
    component = exit.component();
    keepEarly(rest);
    phase = Phase.CONNECTING;
    Optional<MuxExit.Route> route = exit.route();
    if (route.isPresent()) {
      connectRoute(exit, route.get());
    } else {
      bridge(exit);
    }
  }

  private void connectRoute(MuxExit exit, MuxExit.Route route) {
    Optional<String> refusal = exit.admitStream(session.peerText());
    if (refusal.isPresent()) {
      refuse(refusal.get());
      return;
    }
    admitted = Optional.of(exit);
    idle(
        route.idleTimeout(),
        "stream " + id + " of link " + session.link.name() + " from " + session.peerText());
    connecting =
        Connector.connect(
            session.loop,
            route.endpoint(),
            route.connectTimeout().toNanos(),
            new ConnectListener() {
              @Override
              public void connected(Connection c) {
                connecting = null;
                if (phase != Phase.CONNECTING) {
                  c.close();
                  return;
                }
                if (route.porterSendsPlus()) yamux.send(id, ByteBuffer.wrap(PLUS));
                relayTo(c);
              }

              @Override
              public void failed(String reason) {
                connecting = null;
                if (phase != Phase.CONNECTING) return;
                log.warn(
                    "component {}: cannot connect to {} for stream {}: {}",
                    component,
                    route.endpoint(),
                    id,
                    reason);
                refuse("service unavailable");
              }
            });
  }

  /**
   * Serves the stream on a socket: porter's end of a pair goes to the exit, this one is relayed.
   */
  private void bridge(MuxExit exit) {
    SocketChannel[] pair;
    try {
      pair = SocketPair.open();
    } catch (IOException e) {
      log.error(
          "component {}: cannot make a socket pair for stream {}: {}",
          component,
          id,
          e.getMessage());
      refuse("service unavailable");
      return;
    }
    Connection.open(
        session.loop,
        pair[0],
        new ConnectionHandler() {
          @Override
          public void onOpen(Connection c) {
            if (phase != Phase.CONNECTING) {
              c.close();
              return;
            }
            relayTo(c);
          }

          @Override
          public void onData(Connection c, ByteBuffer data) {
            throw new IllegalStateException("replaced in onOpen");
          }
        });
    java.net.SocketAddress peer = session.peer();
    Connection.open(
        session.loop,
        pair[1],
        new ConnectionHandler() {
          @Override
          public void onOpen(Connection c) {
            // The exit's ACL, limits and logs see the link's peer, as a master's see its client.
            c.overrideClient(peer);
            exit.enter(c, ByteBuffer.allocate(0));
          }

          @Override
          public void onData(Connection c, ByteBuffer data) {
            throw new IllegalStateException("the exit's server replaces this handler");
          }
        });
  }

  private void relayTo(Connection c) {
    local = c;
    phase = Phase.RELAY;
    c.setHandler(this);
    while (!early.isEmpty() && c.isOpen()) toLocal(early.poll());
    if (remoteFin) c.shutdownOutput();
  }

  private void keepEarly(ByteBuffer data) {
    if (!data.hasRemaining()) return;
    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
    copy.put(data).flip();
    early.add(copy);
  }

  /** Answers {@code -reason} and half-closes; the rest of what the peer sends is dropped. */
  private void refuse(String reason) {
    answerAndClose("-" + reason + "\r\n");
  }

  /** As {@link #refuse}, for the peer's own doing: counted against the link's flood limit. */
  private void refuseForPeer(String reason) {
    session.refusedOpen();
    refuse(reason);
  }

  private void answerAndClose(String text) {
    phase = Phase.REFUSED;
    if (timer != null) timer.cancel();
    idle.cancel();
    early.clear();
    if (!yamux.isOpen(id)) {
      end();
      return;
    }
    yamux.send(id, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    sendFin();
    if (phase == Phase.DONE) return;
    timer =
        session.loop.schedule(
            REFUSED_GRACE_NANOS,
            () -> {
              if (phase != Phase.REFUSED) return;
              yamux.reset(id);
              end();
            });
  }

  // ---------------------------------------------------------------- stream → local

  /** Payload for this stream from the link. */
  void fromStream(ByteBuffer data) {
    idle.activity();
    switch (phase) {
      case NAME:
        nameReader.feed(data);
        if (phase == Phase.CONNECTING) return;
        if (phase == Phase.NAME || phase == Phase.DONE) return;
        // refused while naming: drop the rest below
        yamux.consumed(id, data.remaining());
        data.position(data.limit());
        return;
      case CONNECTING:
        keepEarly(data);
        return;
      case REPLY:
        replyBytes(data);
        return;
      case RELAY:
        toLocal(data);
        return;
      case REFUSED:
      case DONE:
        yamux.consumed(id, data.remaining());
        data.position(data.limit());
        return;
      default:
        throw new AssertionError(phase);
    }
  }

  private void toLocal(ByteBuffer data) {
    delivered += data.remaining();
    local.write(data);
    credit();
  }

  /** Grants the peer what the kernel has taken from the local connection's queue. */
  private void credit() {
    long written = delivered - local.pendingBytes();
    if (written > credited) {
      yamux.consumed(id, written - credited);
      credited = written;
    }
  }

  void remoteClosed() {
    remoteFin = true;
    switch (phase) {
      case NAME:
        nameReader.inputEnded();
        return;
      case CONNECTING:
        return; // the local end shuts its output once it exists
      case REPLY:
        refusedByPeer("the stream closed before a reply", "-no reply from the far end");
        return;
      case RELAY:
        local.shutdownOutput();
        return;
      case REFUSED:
        end(); // both sides are done
        return;
      case DONE:
        return;
      default:
        throw new AssertionError(phase);
    }
  }

  void remoteReset() {
    Connection c = local;
    end();
    // Closing (rather than shutting down) tells the local side the stream broke.
    if (c != null) c.close();
  }

  /** The link went down: the stream is gone with it. */
  void linkDown() {
    Connection c = local;
    end();
    if (c != null) c.close();
  }

  // ---------------------------------------------------------------- local → stream

  @Override
  public void onData(Connection c, ByteBuffer data) {
    if ((phase != Phase.RELAY && phase != Phase.REPLY) || finSent || !yamux.isOpen(id)) {
      data.position(data.limit());
      return;
    }
    idle.activity();
    // Look before sending: the link's output stays under its high-water mark plus one read.
    if (!session.congested()) yamux.send(id, data);
    if (data.hasRemaining()) {
      held = ByteBuffer.allocate(data.remaining());
      held.put(data).flip();
      c.suspendReads();
      if (session.congested()) session.waitForLink(this);
    } else if (session.congested()) {
      c.suspendReads();
      session.waitForLink(this);
    }
  }

  void windowOpened() {
    if (held == null || phase == Phase.DONE || !yamux.isOpen(id)) return;
    sendHeld();
  }

  void linkWritable() {
    if (phase == Phase.DONE || local == null || !local.isOpen()) return;
    if (held != null) {
      if (yamux.isOpen(id)) sendHeld();
      return;
    }
    if (!localEof) local.resumeReads();
  }

  /** Sends what the window and the link take of the read held back; reads on once it is gone. */
  private void sendHeld() {
    if (session.congested()) {
      session.waitForLink(this);
      return;
    }
    yamux.send(id, held);
    if (held.hasRemaining()) return; // the window is shut: windowOpened comes back
    held = null;
    if (localEof) {
      sendFin();
    } else if (session.congested()) {
      session.waitForLink(this);
    } else {
      local.resumeReads();
    }
  }

  @Override
  public void onInputClosed(Connection c) {
    localEof = true;
    if (held == null) sendFin();
    if (remoteFin) c.closeWhenFlushed();
  }

  @Override
  public void onWritable(Connection c) {
    if (phase != Phase.DONE) credit();
  }

  @Override
  public void onClosed(Connection c) {
    if (phase == Phase.DONE) return;
    // Closed before both sides finished: the stream is broken, and the peer must know.
    if (yamux.isOpen(id)) yamux.reset(id);
    end();
  }

  private void sendFin() {
    if (finSent) return;
    finSent = true;
    if (yamux.isOpen(id)) yamux.close(id);
    if (phase == Phase.REFUSED && remoteFin) end();
  }

  // ---------------------------------------------------------------- timers and the end

  private void idle(Duration timeout, String subject) {
    idle = IdleTimeout.start(session.loop, timeout, component, subject, this::closeIdle);
  }

  private void closeIdle() {
    yamux.reset(id);
    Connection c = local;
    end();
    if (c != null) c.close();
  }

  private void end() {
    if (phase == Phase.DONE) return;
    phase = Phase.DONE;
    if (timer != null) timer.cancel();
    idle.cancel();
    if (nameReader != null) nameReader.closed();
    early.clear();
    held = null;
    admitted.ifPresent(MuxExit::releaseStream);
    admitted = Optional.empty();
    if (connecting != null) connecting.cancel();
    connecting = null;
    session.forget(this);
  }

  Phase phase() {
    return phase;
  }
}
