package dev.porter.mux;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.Timer;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection accepted on {@code mux.listen} before it has proven that it carries a link: it must
 * open with a yamux frame (a ping, or a SYN for the peer's first stream) within {@link
 * #PROOF_NANOS}, and with TLS its handshake comes first. Until then it is nobody's session, so
 * connecting alone replaces nothing. Once proven it pauses its reads, keeps what it read, and waits
 * for the link to take it over or refuse it. Runs on the link's loop.
 */
final class Candidate implements ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.mux");

  /** Time to the first frame: the default name-timeout, and the bound of a TLS handshake (10 s). */
  static final long PROOF_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * Bytes a candidate holds: everything it read up to and with its first frame, reads paused then;
   * one event-loop read (64 KiB) or what TLS unwraps from one (one record more). Overflow (a wire
   * that would not pause) closes it.
   */
  static final int MAX_HELD = 64 * 1024 + 17 * 1024;

  /**
   * How long a refused candidate has to take its Go Away before it is closed (LingeringClose's 2
   * s).
   */
  static final long GOODBYE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private enum State {
    WAITING,
    PROVEN,
    DONE
  }

  private final Receptor receptor;
  final Connection conn;
  final LinkWire wire;
  private ByteBuffer held = ByteBuffer.allocate(Yamux.HEADER_LENGTH);
  private State state = State.WAITING;
  private Timer timer;

  Candidate(Receptor receptor, Connection conn, LinkWire wire) {
    this.receptor = receptor;
    this.conn = conn;
    this.wire = wire;
  }

  String peerText() {
    return conn.client();
  }

  /** True from its first frame until the link takes it over or refuses it. */
  boolean isProven() {
    return state == State.PROVEN;
  }

  @Override
  public void onOpen(Connection c) {
    timer =
        c.loop()
            .schedule(
                PROOF_NANOS,
                () -> {
                  if (state == State.WAITING) {
                    fail(
                        "sent no yamux frame within "
                            + TimeUnit.NANOSECONDS.toSeconds(PROOF_NANOS)
                            + "s");
                  }
                });
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    if (state == State.DONE) {
      data.position(data.limit());
      return;
    }
    if (held.position() + data.remaining() > held.capacity()) {
      int need = held.position() + data.remaining();
      if (need > MAX_HELD) {
        fail("sent more than " + MAX_HELD + " bytes before the link took it");
        return;
      }
      ByteBuffer bigger = ByteBuffer.allocate(need);
      held.flip();
      bigger.put(held);
      held = bigger;
    }
    held.put(data);
    if (state != State.WAITING || held.position() < Yamux.HEADER_LENGTH) return;
    byte[] header = new byte[Yamux.HEADER_LENGTH];
    held.get(0, header);
    Optional<String> problem = Yamux.openingProblem(header, Yamux.Role.SERVER);
    if (problem.isPresent()) {
      fail("opened with " + problem.get() + ", not a yamux ping or SYN");
      return;
    }
    state = State.PROVEN;
    timer.cancel();
    // What follows the first frame waits in the kernel until the link decides.
    wire.suspendReads();
    receptor.proven(this);
  }

  @Override
  public void onInputClosed(Connection c) {
    if (state == State.DONE) return;
    state = State.DONE;
    if (timer != null) timer.cancel();
    log.info("component {}: {} closed before it carried the link", receptor.name(), peerText());
    wire.close();
    receptor.gone(this);
  }

  @Override
  public void onClosed(Connection c) {
    if (state == State.DONE) return;
    state = State.DONE;
    if (timer != null) timer.cancel();
    receptor.gone(this);
  }

  /** The link takes this connection: {@code session} gets it, starting with the bytes held. */
  void takeOver(LinkSession session) {
    state = State.DONE;
    ByteBuffer first = held;
    held = null;
    wire.handOver(session);
    first.flip();
    if (!session.isEnded()) session.onData(conn, first);
    // Reads resume after this event: the wire may be in the middle of handing bytes over (TLS).
    conn.loop()
        .execute(
            () -> {
              if (!session.isEnded()) wire.resumeReads();
            });
  }

  /** The link keeps its session: Go Away (normal), then the connection closes. */
  void refuse() {
    if (state == State.DONE) return;
    state = State.DONE;
    held = null;
    ByteBuffer goAway = ByteBuffer.allocate(Yamux.HEADER_LENGTH);
    goAway
        .put((byte) Yamux.VERSION)
        .put((byte) Yamux.TYPE_GO_AWAY)
        .putShort((short) 0)
        .putInt(0)
        .putInt(Yamux.GO_AWAY_NORMAL)
        .flip();
    wire.write(goAway);
    wire.closeWhenFlushed();
    if (conn.isOpen()) conn.loop().schedule(GOODBYE_NANOS, wire::close);
  }

  /** Drops the candidate, logging why it is not a link. */
  void fail(String reason) {
    if (state == State.DONE) return;
    state = State.DONE;
    held = null;
    if (timer != null) timer.cancel();
    log.info(
        "component {}: {} does not carry the link: {}; closing",
        receptor.name(),
        peerText(),
        reason);
    wire.close();
    receptor.gone(this);
  }
}
