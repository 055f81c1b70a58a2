package dev.porter.mux;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.EventLoop;
import dev.porter.net.Timer;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS between a link connection and its yamux session: the connection's handler while the {@link
 * SSLEngine} shakes hands, then the session's {@link LinkWire} (records wrapped on the way out,
 * unwrapped on the way in, the plaintext passed to the session). The engine's delegated tasks
 * (certificate checks, key agreement) run on a small pool, never on the event loop; reads wait
 * meanwhile. Runs on the link's loop.
 */
final class TlsLink implements ConnectionHandler, LinkWire {
  /** A handshake not finished in this long fails: a peer that speaks no TLS, or one that stalls. */
  static final long HANDSHAKE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * Received bytes held while a delegated task runs or the session has paused its reads (reads are
   * suspended then, so at most the rest of one read): one event-loop read (64 KiB) plus one TLS
   * record. More fails the link.
   */
  static final int MAX_HELD_IN = 64 * 1024 + 17 * 1024;

  /**
   * Records wrapped before one write to the connection: a session hands over up to four full yamux
   * data frames at once ({@link LinkSession#OUT_BUFFER}), about four 16 KiB records.
   */
  static final int OUT_RECORDS = 4;

  /** Threads for delegated tasks; each task takes milliseconds, and handshakes are rare. */
  private static final int TASK_THREADS = 2;

  private static final ExecutorService TASKS = pool();
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /** What the link hears from the handshake. */
  interface Listener {
    /**
     * The handshake is done: returns the session that the plaintext goes to from now on, or null to
     * close.
     */
    ConnectionHandler established(Connection c, TlsLink wire);

    /**
     * TLS failed (for the listener to log): during the handshake, or, {@code established}, later
     * (the session then ends as the connection closes). The connection is closing.
     */
    void failed(Connection c, String reason, boolean established);
  }

  private final SSLEngine engine;
  private final Listener listener;
  private Connection conn;

  /**
   * TLS bytes received and not yet unwrapped (write mode): at most one record, or {@link
   * #MAX_HELD_IN}.
   */
  private ByteBuffer netIn;

  /** The plaintext of one record. */
  private ByteBuffer appIn;

  /** Records to send: one during the handshake, up to {@link #OUT_RECORDS} after. */
  private ByteBuffer netOut;

  private ConnectionHandler inner;
  private Timer handshakeTimer;
  private boolean taskRunning;

  /** The session asked for no more plaintext for now ({@link #suspendReads}). */
  private boolean paused;

  private boolean done;

  TlsLink(SSLEngine engine, Listener listener) {
    this.engine = engine;
    this.listener = listener;
    int packet = engine.getSession().getPacketBufferSize();
    netIn = ByteBuffer.allocate(packet);
    netOut = ByteBuffer.allocate(packet);
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
  }

  private static ExecutorService pool() {
    ThreadPoolExecutor p =
        new ThreadPoolExecutor(
            TASK_THREADS,
            TASK_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "porter-tls");
              t.setDaemon(true);
              return t;
            });
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  boolean isEstablished() {
    return inner != null;
  }

  /** The certificate the peer proved it holds (its chain's first), if it showed one. */
  Optional<X509Certificate> peerCertificate() {
    try {
      Certificate[] chain = engine.getSession().getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate)
        return Optional.of((X509Certificate) chain[0]);
    } catch (SSLPeerUnverifiedException none) {
      // a connector without a certificate, on a receptor that asked for none
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- the connection's handler

  @Override
  public void onOpen(Connection c) {
    conn = c;
    handshakeTimer =
        c.loop()
            .schedule(
                HANDSHAKE_NANOS,
                () ->
                    fail(
                        "no handshake within "
                            + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_NANOS)
                            + "s"));
    try {
      engine.beginHandshake();
    } catch (SSLException e) {
      fail(reason(e));
      return;
    }
    pump();
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    while (data.hasRemaining() && !done && c.isOpen()) {
      if (taskRunning || paused) {
        // Reads are suspended until the task is done (or the session wants more); keep the rest of
        // this read.
        if (!ensureIn(netIn.position() + data.remaining(), MAX_HELD_IN)) return;
        netIn.put(data);
        return;
      }
      if (!netIn.hasRemaining()) {
        fail("a TLS record larger than " + netIn.capacity() + " bytes");
        return;
      }
      int n = Math.min(netIn.remaining(), data.remaining());
      netIn.put(data.slice(data.position(), n));
      data.position(data.position() + n);
      pump();
    }
  }

  @Override
  public void onWritable(Connection c) {
    if (inner != null && !done) inner.onWritable(c);
  }

  @Override
  public void onInputClosed(Connection c) {
    if (inner == null) {
      fail("the peer closed the connection");
      return;
    }
    // Without a close_notify first the peer may have been cut off (RFC 8446 §6.1): either way the
    // session ends, and the engine's complaint about truncation tells nothing more.
    try {
      engine.closeInbound();
    } catch (SSLException ignored) {
      // truncation: the session ends below all the same
    }
    inner.onInputClosed(c);
  }

  @Override
  public void onClosed(Connection c) {
    if (handshakeTimer != null) handshakeTimer.cancel();
    if (inner != null) {
      inner.onClosed(c);
    } else if (!done) {
      done = true;
      listener.failed(c, "the connection closed", false);
    }
  }

  // ---------------------------------------------------------------- the session's wire

  @Override
  public boolean write(ByteBuffer src) {
    if (done || inner == null) return false;
    try {
      int packet = engine.getSession().getPacketBufferSize();
      if (netOut.capacity() < OUT_RECORDS * packet)
        netOut = ByteBuffer.allocateDirect(OUT_RECORDS * packet);
      while (src.hasRemaining()) {
        // Up to OUT_RECORDS records per write: one system call for a session's whole batch of
        // frames.
        netOut.clear();
        boolean progress = false;
        boolean closed = false;
        while (src.hasRemaining() && netOut.remaining() >= packet) {
          SSLEngineResult r = engine.wrap(src, netOut);
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            closed = true;
            break;
          }
          if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) break;
          progress = true;
        }
        netOut.flip();
        if (netOut.hasRemaining()) conn.write(netOut);
        if (closed) return false;
        if (!progress) {
          // The engine takes no plaintext while it shakes hands again: a TLS 1.2 renegotiation
          // the peer asked for. Links do not renegotiate (TLS 1.3 has no such thing).
          fail(
              "the peer started a new handshake on the established link (renegotiation is not"
                  + " supported)");
          return false;
        }
      }
    } catch (SSLException e) {
      fail(reason(e));
      return false;
    }
    return conn.pendingBytes() == 0;
  }

  @Override
  public long pendingBytes() {
    return conn.pendingBytes();
  }

  @Override
  public void suspendReads() {
    paused = true;
    conn.suspendReads();
  }

  @Override
  public void resumeReads() {
    if (!paused) return;
    paused = false;
    if (done || taskRunning || !conn.isOpen()) return;
    conn.resumeReads();
    // Records already received go first.
    pump();
  }

  @Override
  public void handOver(ConnectionHandler next) {
    if (inner == null) throw new IllegalStateException("no session before the handshake is done");
    inner = next;
    if (!done) next.onOpen(conn);
  }

  @Override
  public void closeWhenFlushed() {
    closeNotify();
    conn.closeWhenFlushed();
  }

  @Override
  public void close() {
    if (!conn.isOpen()) return;
    closeNotify();
    conn.close();
  }

  /** Sends close_notify (RFC 8446 §6.1) as far as the kernel takes it now. */
  private void closeNotify() {
    engine.closeOutbound();
    try {
      while (!engine.isOutboundDone()) {
        if (wrap(EMPTY).bytesProduced() == 0) break;
      }
    } catch (SSLException ignored) {
      // the connection closes anyway
    }
  }

  // ---------------------------------------------------------------- the engine

  /**
   * Drives the engine as far as the bytes at hand allow: handshake steps, then plaintext to the
   * session.
   */
  private void pump() {
    try {
      while (!done && !taskRunning && !paused && conn.isOpen()) {
        HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_TASK) {
          runTasks();
          return;
        }
        if (hs == HandshakeStatus.NEED_WRAP) {
          SSLEngineResult r = wrap(EMPTY);
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) return;
          if (r.bytesProduced() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP)
            return;
          continue;
        }
        if (inner == null
            && (hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED)) {
          establish();
          continue;
        }
        if (!unwrap()) return;
      }
    } catch (SSLException e) {
      fail(reason(e));
    }
  }

  private void establish() {
    handshakeTimer.cancel();
    inner = listener.established(conn, this);
    if (inner == null) {
      done = true;
      close();
      return;
    }
    inner.onOpen(conn);
  }

  /** One record in; true when it made progress. */
  private boolean unwrap() throws SSLException {
    if (netIn.position() == 0) return false;
    netIn.flip();
    SSLEngineResult r;
    try {
      r = engine.unwrap(netIn, appIn);
    } finally {
      netIn.compact();
    }
    switch (r.getStatus()) {
      case OK:
        deliver();
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
      case BUFFER_UNDERFLOW:
        // The record is incomplete; a buffer smaller than the session's largest record grows.
        ensureIn(
            engine.getSession().getPacketBufferSize(), engine.getSession().getPacketBufferSize());
        return false;
      case BUFFER_OVERFLOW:
        deliver();
        int app = engine.getSession().getApplicationBufferSize();
        if (appIn.capacity() < app) appIn = ByteBuffer.allocate(app);
        return true;
      case CLOSED:
        deliver();
        if (!done && inner != null) {
          // close_notify from the peer: the session ends as on EOF.
          inner.onInputClosed(conn);
        } else if (!done) {
          fail("the peer closed TLS during the handshake");
        }
        return false;
      default:
        throw new AssertionError(r.getStatus());
    }
  }

  private void deliver() {
    appIn.flip();
    if (appIn.hasRemaining() && inner != null && !done) inner.onData(conn, appIn);
    appIn.clear();
  }

  private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
    while (true) {
      netOut.clear();
      SSLEngineResult r = engine.wrap(src, netOut);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        int packet = engine.getSession().getPacketBufferSize();
        if (netOut.capacity() >= packet)
          throw new SSLException("a record larger than " + packet + " bytes to send");
        netOut = ByteBuffer.allocate(packet);
        continue;
      }
      netOut.flip();
      if (netOut.hasRemaining() && conn.isOpen()) conn.write(netOut);
      return r;
    }
  }

  /**
   * Grows {@link #netIn} to hold {@code need} bytes, up to {@code max}; false (and failed) past
   * that.
   */
  private boolean ensureIn(int need, int max) {
    if (netIn.capacity() >= need) return true;
    if (need > max) {
      fail("more than " + max + " bytes arrived before they could be decrypted");
      return false;
    }
    ByteBuffer bigger = ByteBuffer.allocate(need);
    netIn.flip();
    bigger.put(netIn);
    netIn = bigger;
    return true;
  }

  private void runTasks() {
    taskRunning = true;
    conn.suspendReads();
    List<Runnable> tasks = new ArrayList<>();
    for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask())
      tasks.add(t);
    EventLoop loop = conn.loop();
    TASKS.execute(
        () -> {
          try {
            for (Runnable t : tasks) t.run();
          } finally {
            loop.execute(
                () -> {
                  taskRunning = false;
                  if (done || !conn.isOpen()) return;
                  if (!paused) conn.resumeReads();
                  pump();
                });
          }
        });
  }

  /**
   * Fails the connection: the listener hears of a failed handshake; an established session just
   * closes.
   */
  private void fail(String reason) {
    if (done) return;
    done = true;
    if (handshakeTimer != null) handshakeTimer.cancel();
    listener.failed(conn, reason, inner != null);
    // An alert the engine has for the peer goes out first (a bad certificate, say).
    closeNotify();
    conn.closeWhenFlushed();
  }

  static String reason(SSLException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    String top = e.getMessage() != null ? e.getMessage() : m;
    String text = top.equals(m) || top.contains(m) ? top : top + " (" + m + ")";
    // The JDK nests its exceptions' class names into messages; the reason reads better without.
    return text.replaceAll("\\b(?:[a-z]\\w*\\.)+[A-Z]\\w*(?:Exception|Error): ", "");
  }
}
