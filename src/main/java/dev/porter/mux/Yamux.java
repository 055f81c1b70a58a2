package dev.porter.mux;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * One yamux session (HashiCorp yamux, spec.md): sans-I/O. Feed it the bytes that arrive on the
 * link with {@link #receive}; it calls a {@link YamuxHandler} with what the peer did and with the
 * frames to send. Streams are opened, written, credited, half-closed and reset with the other
 * methods. Not thread-safe: one owner thread (the link's event loop) calls everything.
 *
 * <p>Memory: payload is never buffered here; it is handed on as it arrives, piece by piece. The
 * only buffer is one 12-byte header. What the owner holds per stream is bounded by the receive
 * window it grants, because the peer may not send beyond it (a peer that does is a protocol error).
 */
public final class Yamux {
  /** spec.md: every frame starts with a 12-byte header. */
  public static final int HEADER_LENGTH = 12;
  /** spec.md: "the initial window size is 256KB" per stream and direction. */
  public static final int INITIAL_WINDOW = 256 * 1024;
  /**
   * Most streams open at once; a SYN beyond it is answered with RST (as HashiCorp's accept
   * backlog does). Bounds the per-stream state a peer can make porter hold.
   */
  public static final int MAX_STREAMS = 8192;
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
  public enum Role { CLIENT, SERVER }

  /** The frame decoder: a header, then a data frame's payload, handed on or dropped. */
  private enum State { HEADER, PAYLOAD, DISCARD, DEAD }

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
  private long bytesIn;
  private long bytesOut;

  /** A session with the spec's 256 KiB receive window per stream. */
  public Yamux(Role role, YamuxHandler handler) {
    this(role, handler, INITIAL_WINDOW);
  }

  /**
   * @param receiveWindow the receive window granted per stream: at least the initial 256 KiB; a
   *     larger one is announced with the SYN or ACK (as HashiCorp's MaxStreamWindowSize does)
   */
  public Yamux(Role role, YamuxHandler handler, long receiveWindow) {
    if (receiveWindow < INITIAL_WINDOW || receiveWindow > MAX_WINDOW) {
      throw new IllegalArgumentException("receive window must be from " + INITIAL_WINDOW + " to "
          + MAX_WINDOW + ", got " + receiveWindow);
    }
    this.role = role;
    this.handler = handler;
    this.receiveWindow = receiveWindow;
    this.nextId = role == Role.CLIENT ? 1 : 2;
  }

  public Role role() {
    return role;
  }

  // ---------------------------------------------------------------- receiving

  /** Consumes every byte of {@code in}, calling the handler for what they mean. */
  public void receive(ByteBuffer in) {
    while (in.hasRemaining()) {
      switch (state) {
        case HEADER: {
          int n = Math.min(HEADER_LENGTH - headerLength, in.remaining());
          in.get(header, headerLength, n);
          headerLength += n;
          if (headerLength == HEADER_LENGTH) {
            headerLength = 0;
            state = frame();
          }
          break;
        }
        case PAYLOAD: {
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
        case DISCARD: {
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
    int id = readInt(4);
    long length = readInt(8) & 0xFFFF_FFFFL;
    if (version != VERSION) return protocolError("unsupported version " + version);
    switch (type) {
      case TYPE_DATA:
      case TYPE_WINDOW_UPDATE:
        return streamFrame(type, flags, id, length);
      case TYPE_PING:
        if ((flags & FLAG_SYN) != 0) {
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
      if (isLocalId(id)) return protocolError("SYN for stream " + id + " which only this side may open");
      if (streams.size() >= MAX_STREAMS || localGoneAway) {
        // Refuse the stream but keep the session: RST, and drop what it carries.
        writeHeader(TYPE_WINDOW_UPDATE, FLAG_RST, id, 0);
        return discard(type, length);
      }
      s = new Stream(id);
      streams.put(id, s);
      // Acknowledge at once, granting the larger window if porter uses one.
      grant(s, FLAG_ACK, receiveWindow - INITIAL_WINDOW);
      handler.onStreamOpened(id);
      if (!streams.containsKey(id)) return discard(type, length); // the owner reset it at once
    }
    if (s == null) {
      // A frame for a stream already closed or reset here: its late data is dropped (HashiCorp does).
      return discard(type, length);
    }
    if ((flags & FLAG_RST) != 0) {
      streams.remove(id);
      handler.onReset(id);
      return discard(type, length);
    }
    if ((flags & FLAG_ACK) != 0) handler.onStreamAcknowledged(id);
    if (type == TYPE_WINDOW_UPDATE) {
      if (length > 0) {
        s.sendWindow += length;
        if (s.sendWindow > MAX_WINDOW) return protocolError("send window of stream " + id + " over 2^32-1");
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
      return protocolError("stream " + id + " sent " + length + " bytes with a window of " + s.recvWindow);
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
    if (s.localFin) streams.remove(s.id);
    handler.onRemoteClose(s.id);
  }

  private State protocolError(String message) {
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

  private int readInt(int at) {
    return ((header[at] & 0xff) << 24) | ((header[at + 1] & 0xff) << 16) | ((header[at + 2] & 0xff) << 8)
        | (header[at + 3] & 0xff);
  }

  // ---------------------------------------------------------------- sending

  /** True while new streams may be opened: the session is alive and nobody has gone away. */
  public boolean canOpen() {
    return state != State.DEAD && !peerGoneAway && !localGoneAway && streams.size() < MAX_STREAMS
        && nextId > 0;
  }

  /** Opens a stream (SYN) and returns its id; check {@link #canOpen} first. */
  public int open() {
    if (!canOpen()) throw new IllegalStateException("cannot open a stream: " + why());
    int id = nextId;
    nextId += 2; // ids run out at 2^31; canOpen() then says no
    Stream s = new Stream(id);
    streams.put(id, s);
    grant(s, FLAG_SYN, receiveWindow - INITIAL_WINDOW);
    return id;
  }

  private String why() {
    if (state == State.DEAD) return "the session ended with a protocol error";
    if (peerGoneAway) return "the peer went away";
    if (localGoneAway) return "this side went away";
    if (nextId <= 0) return "stream ids are exhausted";
    return streams.size() + " streams are open (limit " + MAX_STREAMS + ")";
  }

  /**
   * Sends what the stream's window allows of {@code src} (advancing it) and returns the count;
   * 0 when the window is closed (wait for {@link YamuxHandler#onWindowOpened}).
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
    if (s.remoteFin) streams.remove(id);
  }

  /** Resets stream {@code id} (RST) and forgets it; harmless for a stream already gone. */
  public void reset(int id) {
    if (streams.remove(id) == null) return;
    writeHeader(TYPE_WINDOW_UPDATE, FLAG_RST, id, 0);
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

  /** True while the session knows stream {@code id} (opened and not yet closed both ways or reset). */
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

  /** True once a protocol error ended the session. */
  public boolean isDead() {
    return state == State.DEAD;
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
    out.put((byte) VERSION).put((byte) type).putShort((short) flags).putInt(id).putInt(length).flip();
    handler.onSend(out);
  }
}
