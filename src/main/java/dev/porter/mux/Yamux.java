package dev.porter.mux;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One yamux session (HashiCorp yamux, spec.md): sans-I/O. Feed it the bytes that arrive on the link
 * with {@link #receive}; it calls a {@link YamuxHandler} with what the peer did and with the frames
 * to send. Streams are opened, written, credited, half-closed and reset with the other methods. Not
 * thread-safe: one owner thread (the link's event loop) calls everything.
 *
 * <p>Memory: payload is never buffered here; it is handed on as it arrives, piece by piece. The
 * only buffer is one 12-byte header. What the owner holds per stream is bounded by the receive
 * window it grants, because the peer may not send beyond it (a peer that does is a protocol error),
 * and the windows of all streams together by the session's window budget: a SYN that would take the
 * sum of granted windows over it, or the stream count over its cap, is refused with RST. Per
 * session the engine holds one small record per open stream, at most the cap.
 *
 * <p>Output the peer causes (pongs, RSTs for refused SYNs, ACKs) is one frame per frame received,
 * so an owner that stops reading while its output is queued bounds it; and the peer may cause each
 * kind only at a rate ({@link #FLOOD_BURST} at once, {@link #FLOOD_RATE} a second): pings answered,
 * resets received, streams refused (here or by the owner, {@link #refusedOpen}). Beyond that the
 * peer is flooding: the session says Go Away (protocol error) and reads nothing more. Time is an
 * argument of {@link #receive} and {@link #refusedOpen}; the engine reads no clock.
 */
public final class Yamux {
  /** spec.md: every frame starts with a 12-byte header. */
  public static final int HEADER_LENGTH = 12;

  /** spec.md: "the initial window size is 256KB" per stream and direction. */
  public static final int INITIAL_WINDOW = 256 * 1024;

  /**
   * Default for the most streams open at once on a session, both ways ({@code mux.max-streams}); a
   * SYN beyond it is answered with RST (as HashiCorp's accept backlog does). RFC 9113 §6.5.2 asks
   * HTTP/2 servers to allow at least 100 concurrent streams, Go's HTTP/2 server allows 250; 256
   * streams each holding its full 256 KiB window are 64 MiB, the default window budget.
   */
  public static final int DEFAULT_MAX_STREAMS = 256;

  /** The largest cap {@code mux.max-streams} may set: the fixed cap porter had before it. */
  public static final int MAX_STREAMS_LIMIT = 8192;

  /**
   * Peer-caused events of one kind a session answers before it calls the peer a flooder: a bucket
   * of 1000 refilled at 33 a second, nghttp2's limit on RST_STREAM against the HTTP/2 rapid-reset
   * attack (CVE-2023-44487). A yamux peer pings every 30 s (HashiCorp's keepalive) and porter every
   * 15 s; a peer's resets and refused streams follow its clients, far below 33 a second sustained.
   * Overflow: Go Away (protocol error), the session reads nothing more.
   */
  static final int FLOOD_BURST = 1000;

  static final int FLOOD_RATE = 33;

  /**
   * Largest data frame porter sends: one event-loop read. Smaller frames interleave streams more
   * finely on the link; this keeps header overhead under 0.02%.
   */
  public static final int MAX_DATA_FRAME = 64 * 1024;

  /** Largest window a stream may be granted: the length field is 32 bits unsigned. */
  static final long MAX_WINDOW = 0xFFFF_FFFFL;

  static final int VERSION = 0;
  static final int TYPE_DATA = 0;
  static final int TYPE_WINDOW_UPDATE = 1;
  static final int TYPE_PING = 2;
  static final int TYPE_GO_AWAY = 3;
  static final int FLAG_SYN = 1;
  static final int FLAG_ACK = 2;
  static final int FLAG_FIN = 4;
  static final int FLAG_RST = 8;

  /** Go Away codes (spec.md). */
  public static final int GO_AWAY_NORMAL = 0;

  public static final int GO_AWAY_PROTOCOL_ERROR = 1;
  public static final int GO_AWAY_INTERNAL_ERROR = 2;

  /** Which end of the link this is: the client (connector) opens odd streams, the server even. */
  public enum Role {
    CLIENT,
    SERVER
  }

  /** The frame decoder: a header, then a data frame's payload, handed on or dropped. */
  private enum State {
    HEADER,
    PAYLOAD,
    DISCARD,
    DEAD
  }

  /** One stream as the session tracks it; the owner keeps its own object for the I/O side. */
  private static final class Stream {
    final int id;

    /** Bytes this side may still send (the peer's receive window). */
    long sendWindow = INITIAL_WINDOW;

    /** Bytes the peer may still send. */
    long recvWindow = INITIAL_WINDOW;

    /** Consumed by the owner and not yet granted back to the peer. */
    long credit;

    boolean localFin;
    boolean remoteFin;

    Stream(int id) {
      this.id = id;
    }
  }

  private final Role role;
  private final YamuxHandler handler;
  private final long receiveWindow;
  private final int maxStreams;
  private final long windowBudget;
  private final Allowance pings = new Allowance(FLOOD_BURST, FLOOD_RATE);
  private final Allowance resets = new Allowance(FLOOD_BURST, FLOOD_RATE);
  private final Allowance refusals = new Allowance(FLOOD_BURST, FLOOD_RATE);
  private final Map<Integer, Stream> streams = new HashMap<>();
  private final byte[] header = new byte[HEADER_LENGTH];
  private final ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH);
  private State state = State.HEADER;
  private int headerLength;
  private Stream payloadStream;
  private int payloadLeft;
  private boolean finAfterPayload;
  private int nextId;
  private boolean peerGoneAway;
  private boolean localGoneAway;

  /** A protocol error (or a flood) ended the session; the decoder drops everything from then on. */
  private boolean dead;

  private long bytesIn;
  private long bytesOut;

  /** The sum of the receive windows granted to open streams: at most {@link #windowBudget}. */
  private long granted;

  /** The time of the {@link #receive} call in progress. */
  private long nowNanos;

  /** A session with the spec's 256 KiB receive window per stream and the default stream cap. */
  public Yamux(Role role, YamuxHandler handler) {
    this(role, handler, INITIAL_WINDOW);
  }

  /**
   * @param receiveWindow the receive window granted per stream: at least the initial 256 KiB; a
   *     larger one is announced with the SYN or ACK (as HashiCorp's MaxStreamWindowSize does)
   */
  public Yamux(Role role, YamuxHandler handler, long receiveWindow) {
    this(
        role,
        handler,
        receiveWindow,
        DEFAULT_MAX_STREAMS,
        (long) DEFAULT_MAX_STREAMS * INITIAL_WINDOW);
  }

  /**
   * @param maxStreams the most streams open at once, both ways (1 to {@link #MAX_STREAMS_LIMIT})
   * @param windowBudget the most the receive windows of all open streams may add up to: what the
   *     peer can make the owner hold; at least one stream's window
   */
  public Yamux(
      Role role, YamuxHandler handler, long receiveWindow, int maxStreams, long windowBudget) {
    if (receiveWindow < INITIAL_WINDOW || receiveWindow > MAX_WINDOW) {
      throw new IllegalArgumentException(
          "receive window must be from "
              + INITIAL_WINDOW
              + " to "
              + MAX_WINDOW
              + ", got "
              + receiveWindow);
    }
    if (maxStreams < 1 || maxStreams > MAX_STREAMS_LIMIT) {
      throw new IllegalArgumentException(
          "max streams must be from 1 to " + MAX_STREAMS_LIMIT + ", got " + maxStreams);
    }
    if (windowBudget < receiveWindow) {
      throw new IllegalArgumentException(
          "window budget " + windowBudget + " is less than one stream's window " + receiveWindow);
    }
    this.role = role;
    this.handler = handler;
    this.receiveWindow = receiveWindow;
    this.maxStreams = maxStreams;
    this.windowBudget = windowBudget;
    this.nextId = role == Role.CLIENT ? 1 : 2;
  }

  /**
   * Why the header a peer opens a session with is no yamux opening, or empty when it is: a ping, or
   * a SYN for a stream of the peer's parity (data within the initial window). A receptor takes a
   * connection for a link only once its first frame passes: connecting alone hijacks nothing.
   *
   * @param header the first {@link #HEADER_LENGTH} bytes the peer sent
   * @param local which end this side is: the peer opens streams of the other parity
   */
  public static Optional<String> openingProblem(byte[] header, Role local) {
    if (header.length < HEADER_LENGTH)
      throw new IllegalArgumentException("a header is " + HEADER_LENGTH + " bytes");
    int version = header[0] & 0xff;
    int type = header[1] & 0xff;
    int flags = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    int id = readInt(header, 4);
    long length = readInt(header, 8) & 0xFFFF_FFFFL;
    if (version != VERSION) return Optional.of("version " + version + ", not " + VERSION);
    switch (type) {
      case TYPE_PING:
        if (id != 0 || flags != FLAG_SYN)
          return Optional.of("a ping with flags " + flags + " on stream " + id);
        return Optional.empty();
      case TYPE_DATA:
      case TYPE_WINDOW_UPDATE:
        if ((flags & FLAG_SYN) == 0 || (flags & (FLAG_ACK | FLAG_RST)) != 0) {
          return Optional.of(
              "a "
                  + (type == TYPE_DATA ? "data" : "window update")
                  + " frame with flags "
                  + flags
                  + " before any stream was opened");
        }
        boolean peerId = id != 0 && (id & 1) == (local == Role.CLIENT ? 0 : 1);
        if (!peerId) return Optional.of("a SYN for stream " + id + ", which the peer may not open");
        if (type == TYPE_DATA && length > INITIAL_WINDOW)
          return Optional.of("a SYN carrying " + length + " bytes");
        return Optional.empty();
      case TYPE_GO_AWAY:
        return Optional.of("a go away");
      default:
        return Optional.of("frame type " + type);
    }
  }

  public Role role() {
    return role;
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Consumes every byte of {@code in}, calling the handler for what they mean; {@code nowNanos} (a
   * monotonic clock) is when they arrived, for the flood limits.
   */
  public void receive(ByteBuffer in, long nowNanos) {
    this.nowNanos = nowNanos;
    while (in.hasRemaining()) {
      // The owner may have ended the session (a flood of refusals) while taking the last event.
      if (dead) state = State.DEAD;
      switch (state) {
        case HEADER:
          {
            int n = Math.min(HEADER_LENGTH - headerLength, in.remaining());
            in.get(header, headerLength, n);
            headerLength += n;
            if (headerLength == HEADER_LENGTH) {
              headerLength = 0;
              state = frame();
            }
            break;
          }
        case PAYLOAD:
          {
            int n = Math.min(payloadLeft, in.remaining());
            ByteBuffer slice = in.slice();
            slice.limit(n);
            in.position(in.position() + n);
            payloadLeft -= n;
            bytesIn += n;
            Stream s = payloadStream;
            // The owner may have reset the stream while taking an earlier piece: drop the rest.
            if (streams.get(s.id) == s) handler.onData(s.id, slice);
            if (payloadLeft == 0) state = endOfPayload(s);
            break;
          }
        case DISCARD:
          {
            int n = Math.min(payloadLeft, in.remaining());
            in.position(in.position() + n);
            payloadLeft -= n;
            if (payloadLeft == 0) state = State.HEADER;
            break;
          }
        case DEAD:
          in.position(in.limit());
          break;
        default:
          throw new AssertionError(state);
      }
    }
  }

  /** Acts on the header just read; returns the decoder's next state. */
  private State frame() {
    int version = header[0] & 0xff;
    int type = header[1] & 0xff;
    int flags = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    int id = readInt(header, 4);
    long length = readInt(header, 8) & 0xFFFF_FFFFL;
    if (version != VERSION) return protocolError("unsupported version " + version);
    switch (type) {
      case TYPE_DATA:
      case TYPE_WINDOW_UPDATE:
        return streamFrame(type, flags, id, length);
      case TYPE_PING:
        if ((flags & FLAG_SYN) != 0) {
          if (!pings.take(nowNanos)) return flood("ping", pings);
          // spec.md: a ping with SYN is answered with ACK and the same opaque value.
          writeHeader(TYPE_PING, FLAG_ACK, 0, (int) length);
        } else if ((flags & FLAG_ACK) != 0) {
          handler.onPong((int) length);
        }
        return State.HEADER;
      case TYPE_GO_AWAY:
        peerGoneAway = true;
        handler.onGoAway((int) length);
        return State.HEADER;
      default:
        return protocolError("unknown frame type " + type);
    }
  }

  private State streamFrame(int type, int flags, int id, long length) {
    if (id == 0) return protocolError("stream frame (type " + type + ") on stream 0");
    Stream s = streams.get(id);
    if ((flags & FLAG_SYN) != 0) {
      if (s != null) return protocolError("duplicate SYN for stream " + id);
      if (isLocalId(id))
        return protocolError("SYN for stream " + id + " which only this side may open");
      if (!roomForStream() || localGoneAway) {
        // Refuse the stream but keep the session: RST, and drop what it carries.
        if (!refusals.take(nowNanos)) return flood("refused stream", refusals);
        writeHeader(TYPE_WINDOW_UPDATE, FLAG_RST, id, 0);
        return discard(type, length);
      }
      s = add(id);
      // Acknowledge at once, granting the larger window if porter uses one.
      grant(s, FLAG_ACK, receiveWindow - INITIAL_WINDOW);
      handler.onStreamOpened(id);
      if (!streams.containsKey(id)) return discard(type, length); // the owner reset it at once
    }
    if (s == null) {
      // A frame for a stream already closed or reset here: its late data is dropped (HashiCorp
      // does).
      return discard(type, length);
    }
    if ((flags & FLAG_RST) != 0) {
      if (!resets.take(nowNanos)) return flood("reset", resets);
      remove(id);
      handler.onReset(id);
      return discard(type, length);
    }
    if ((flags & FLAG_ACK) != 0) handler.onStreamAcknowledged(id);
    if (type == TYPE_WINDOW_UPDATE) {
      if (length > 0) {
        s.sendWindow += length;
        if (s.sendWindow > MAX_WINDOW)
          return protocolError("send window of stream " + id + " over 2^32-1");
        handler.onWindowOpened(id, s.sendWindow);
      }
      if ((flags & FLAG_FIN) != 0) remoteFin(s);
      return State.HEADER;
    }
    // A data frame.
    if (s.remoteFin && length > 0) {
      // Data after the peer's own FIN: the stream is confused; reset it, keep the session.
      reset(id);
      return discard(type, length);
    }
    if (length > s.recvWindow) {
      return protocolError(
          "stream " + id + " sent " + length + " bytes with a window of " + s.recvWindow);
    }
    s.recvWindow -= length;
    if (length == 0) {
      if ((flags & FLAG_FIN) != 0) remoteFin(s);
      return State.HEADER;
    }
    payloadStream = s;
    payloadLeft = (int) length;
    finAfterPayload = (flags & FLAG_FIN) != 0;
    return State.PAYLOAD;
  }

  private State endOfPayload(Stream s) {
    payloadStream = null;
    // The owner may have reset the stream while taking its data.
    if (finAfterPayload && streams.get(s.id) == s) remoteFin(s);
    finAfterPayload = false;
    return State.HEADER;
  }

  private State discard(int type, long length) {
    if (type != TYPE_DATA || length == 0) return State.HEADER;
    payloadLeft = (int) Math.min(length, Integer.MAX_VALUE);
    if (length > Integer.MAX_VALUE) return protocolError("data frame of " + length + " bytes");
    return State.DISCARD;
  }

  private void remoteFin(Stream s) {
    if (s.remoteFin) return;
    s.remoteFin = true;
    if (s.localFin) remove(s.id);
    handler.onRemoteClose(s.id);
  }

  /**
   * The peer caused more of {@code kind} than {@code allowance} lets it: a flood ends the session.
   */
  private State flood(String kind, Allowance allowance) {
    return protocolError(kind + " flood: more than " + allowance.describe());
  }

  private State protocolError(String message) {
    dead = true;
    if (!localGoneAway) {
      localGoneAway = true;
      writeHeader(TYPE_GO_AWAY, 0, 0, GO_AWAY_PROTOCOL_ERROR);
    }
    handler.onProtocolError(message);
    return State.DEAD;
  }

  private boolean isLocalId(int id) {
    return (id & 1) == (role == Role.CLIENT ? 1 : 0);
  }

  private static int readInt(byte[] header, int at) {
    return ((header[at] & 0xff) << 24)
        | ((header[at + 1] & 0xff) << 16)
        | ((header[at + 2] & 0xff) << 8)
        | (header[at + 3] & 0xff);
  }

  /** True while one more stream fits under the cap and the window budget. */
  private boolean roomForStream() {
    return streams.size() < maxStreams && granted + receiveWindow <= windowBudget;
  }

  private Stream add(int id) {
    Stream s = new Stream(id);
    streams.put(id, s);
    granted += receiveWindow;
    return s;
  }

  private void remove(int id) {
    if (streams.remove(id) != null) granted -= receiveWindow;
  }

  // ---------------------------------------------------------------- sending

  /** True while new streams may be opened: the session is alive and nobody has gone away. */
  public boolean canOpen() {
    return !dead && !peerGoneAway && !localGoneAway && roomForStream() && nextId > 0;
  }

  /** Opens a stream (SYN) and returns its id; check {@link #canOpen} first. */
  public int open() {
    if (!canOpen()) throw new IllegalStateException("cannot open a stream: " + why());
    int id = nextId;
    nextId += 2; // ids run out at 2^31; canOpen() then says no
    Stream s = add(id);
    grant(s, FLAG_SYN, receiveWindow - INITIAL_WINDOW);
    return id;
  }

  private String why() {
    if (dead) return "the session ended with a protocol error";
    if (peerGoneAway) return "the peer went away";
    if (localGoneAway) return "this side went away";
    if (nextId <= 0) return "stream ids are exhausted";
    if (streams.size() >= maxStreams)
      return streams.size() + " streams are open (limit " + maxStreams + ")";
    return "the windows of "
        + streams.size()
        + " streams fill the budget of "
        + windowBudget
        + " bytes";
  }

  /**
   * Sends what the stream's window allows of {@code src} (advancing it) and returns the count; 0
   * when the window is closed (wait for {@link YamuxHandler#onWindowOpened}).
   */
  public int send(int id, ByteBuffer src) {
    Stream s = require(id);
    if (s.localFin) throw new IllegalStateException("stream " + id + " is closed for sending");
    int sent = 0;
    while (src.hasRemaining() && s.sendWindow > 0) {
      int n = (int) Math.min(Math.min(src.remaining(), s.sendWindow), MAX_DATA_FRAME);
      writeHeader(TYPE_DATA, 0, id, n);
      ByteBuffer payload = src.slice();
      payload.limit(n);
      src.position(src.position() + n);
      handler.onSend(payload);
      s.sendWindow -= n;
      bytesOut += n;
      sent += n;
    }
    return sent;
  }

  /** Bytes stream {@code id} may send now; 0 for a stream the session does not know. */
  public long sendWindow(int id) {
    Stream s = streams.get(id);
    return s == null ? 0 : s.sendWindow;
  }

  /**
   * The owner is done with {@code n} bytes of stream {@code id}'s data: grant them back to the
   * peer, in one window update per half window (as HashiCorp does) so updates stay few.
   */
  public void consumed(int id, long n) {
    if (n < 0) throw new IllegalArgumentException("consumed must be >= 0, got " + n);
    Stream s = streams.get(id);
    if (s == null || s.remoteFin || n == 0) return;
    s.credit += n;
    if (s.credit >= receiveWindow / 2) {
      long delta = s.credit;
      s.credit = 0;
      grant(s, 0, delta);
    }
  }

  /** Half-closes stream {@code id} (FIN): this side sends nothing more on it. */
  public void close(int id) {
    Stream s = streams.get(id);
    if (s == null || s.localFin) return;
    s.localFin = true;
    writeHeader(TYPE_WINDOW_UPDATE, FLAG_FIN, id, 0);
    if (s.remoteFin) remove(id);
  }

  /** Resets stream {@code id} (RST) and forgets it; harmless for a stream already gone. */
  public void reset(int id) {
    if (!streams.containsKey(id)) return;
    remove(id);
    writeHeader(TYPE_WINDOW_UPDATE, FLAG_RST, id, 0);
  }

  /**
   * The owner refused a stream the peer opened, for the peer's own doing (a name it does not serve,
   * a name never sent): counted with the SYNs the session refuses, and a flood of them at {@code
   * nowNanos} ends the session as a protocol error. Returns false then.
   */
  public boolean refusedOpen(long nowNanos) {
    if (dead) return false;
    if (refusals.take(nowNanos)) return true;
    flood("refused stream", refusals);
    return false;
  }

  /** Sends a ping (SYN) carrying {@code value}; the answer comes as {@link YamuxHandler#onPong}. */
  public void ping(int value) {
    writeHeader(TYPE_PING, FLAG_SYN, 0, value);
  }

  /** Tells the peer this side is going away with {@code code}; no new streams either way. */
  public void goAway(int code) {
    if (localGoneAway) return;
    localGoneAway = true;
    writeHeader(TYPE_GO_AWAY, 0, 0, code);
  }

  /**
   * True while the session knows stream {@code id} (opened and not yet closed both ways or reset).
   */
  public boolean isOpen(int id) {
    return streams.containsKey(id);
  }

  /** True when the peer has half-closed stream {@code id}. */
  public boolean isRemoteClosed(int id) {
    Stream s = streams.get(id);
    return s == null || s.remoteFin;
  }

  public int streamCount() {
    return streams.size();
  }

  /**
   * The sum of the receive windows granted to open streams: what the peer may make the owner hold.
   */
  public long grantedWindows() {
    return granted;
  }

  /** True once a protocol error ended the session. */
  public boolean isDead() {
    return dead;
  }

  /** Payload bytes received and sent, for status. */
  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  private Stream require(int id) {
    Stream s = streams.get(id);
    if (s == null) throw new IllegalStateException("no open stream " + id);
    return s;
  }

  /** A window update carrying {@code flags} and {@code delta}, credited to the peer. */
  private void grant(Stream s, int flags, long delta) {
    s.recvWindow += delta;
    writeHeader(TYPE_WINDOW_UPDATE, flags, s.id, (int) delta);
  }

  private void writeHeader(int type, int flags, int id, int length) {
    out.clear();
    out.put((byte) VERSION)
        .put((byte) type)
        .putShort((short) flags)
        .putInt(id)
        .putInt(length)
        .flip();
    handler.onSend(out);
  }
}
