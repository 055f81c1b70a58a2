package dev.porter.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream connection owned by one {@link EventLoop}: non-blocking reads into the loop's shared
 * buffer, a write queue that holds only what the kernel would not take yet, half-close, and
 * hand-over of the socket to a child process. Call its methods on its loop only.
 */
public final class Connection implements IoReady {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** Limited reads per wake-up: one TCPMUX name line (256 bytes) and its CRLF, with room to spare. */
  private static final int MAX_LIMITED_READS = 512;

  private volatile EventLoop loop;
  private final SocketChannel channel;
  private final SocketAddress remote;
  private final SocketAddress local;
  private final long openedNanos = System.nanoTime();
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(2);
  private final List<Consumer<Connection>> closeListeners = new ArrayList<>(2);
  private SelectionKey key;
  private ConnectionHandler handler;
  private long pending;
  private long bytesIn;
  private long bytesOut;
  private boolean readsSuspended;
  private boolean inputClosed;
  private boolean shutdownRequested;
  private boolean outputShut;
  private boolean closeWhenFlushed;
  private boolean closed;
  private boolean detached;
  private Optional<SocketAddress> clientOverride = Optional.empty();
  private Object attachment;
  private int readLimit;
  private String clientText;

  private Connection(EventLoop loop, SocketChannel channel, ConnectionHandler handler) throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.handler = handler;
    this.remote = channel.getRemoteAddress();
    this.local = channel.getLocalAddress();
  }

  /**
   * Takes ownership of a connected channel on {@code loop} and opens it there with {@code handler}.
   * The returned future-less style is deliberate: failures are logged and the channel closed.
   */
  public static void open(EventLoop loop, SocketChannel channel, ConnectionHandler handler) {
    loop.execute(() -> {
      Connection c;
      try {
        channel.configureBlocking(false);
        c = new Connection(loop, channel, handler);
        c.key = loop.register(channel, SelectionKey.OP_READ, c);
      } catch (IOException e) {
        log.debug("connection: cannot register: {}", e.toString());
        closeQuietly(channel);
        return;
      }
      c.handler.onOpen(c);
    });
  }

  public EventLoop loop() {
    return loop;
  }

  /** The client's address: the peer's, or the one a PROXY protocol header gave. */
  public SocketAddress remoteAddress() {
    return clientOverride.orElse(remote);
  }

  /** The client's address formatted for logs, e.g. {@code 192.0.2.7:51514}. */
  public String client() {
    if (clientText == null) clientText = Addresses.format(remoteAddress());
    return clientText;
  }

  /** The socket's own peer address, whatever a PROXY header said. */
  public SocketAddress peerAddress() {
    return remote;
  }

  public SocketAddress localAddress() {
    return local;
  }

  /** Records the real client learned from a PROXY protocol header. */
  public void overrideClient(SocketAddress client) {
    clientOverride = Optional.of(client);
    clientText = null;
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public long openedNanos() {
    return openedNanos;
  }

  /** Bytes queued but not yet taken by the kernel. */
  public long pendingBytes() {
    return pending;
  }

  public boolean isOpen() {
    return !closed;
  }

  public boolean isInputClosed() {
    return inputClosed;
  }

  /** A slot for the owner of the connection (e.g. the supervisor's record of it). */
  public Object attachment() {
    return attachment;
  }

  public void attach(Object o) {
    attachment = o;
  }

  /** Runs when the connection closes (or is handed to a child); listeners run in order. */
  public void onClose(Consumer<Connection> listener) {
    closeListeners.add(listener);
  }

  /** Replaces the handler, calls its {@code onOpen}, then feeds it {@code leftover} if any. */
  public void setHandler(ConnectionHandler next, ByteBuffer leftover) {
    handler = next;
    if (closed) return;
    next.onOpen(this);
    if (!closed && leftover.hasRemaining()) next.onData(this, leftover);
  }

  public void setHandler(ConnectionHandler next) {
    setHandler(next, ByteBuffer.allocate(0));
  }

  /**
   * Writes as much as the kernel takes now and queues a copy of the rest; returns true when
   * nothing is left queued.
   */
  public boolean write(ByteBuffer src) {
    if (closed || shutdownRequested) return false;
    if (out.isEmpty()) {
      try {
        bytesOut += channel.write(src);
      } catch (IOException e) {
        fail(e);
        return false;
      }
      if (!src.hasRemaining()) return true;
    }
    ByteBuffer copy = ByteBuffer.allocate(src.remaining());
    copy.put(src).flip();
    out.add(copy);
    pending += copy.remaining();
    interest(SelectionKey.OP_WRITE, true);
    return false;
  }

  public boolean write(byte[] bytes) {
    return write(ByteBuffer.wrap(bytes));
  }

  /**
   * Reads at most {@code n} bytes per read call (0: no limit). A TCPMUX master reads the name
   * line one byte at a time so that nothing after the line leaves the kernel: a child that is
   * handed the socket must find those bytes there (DESIGN.md §7).
   */
  public void setReadLimit(int n) {
    if (n < 0) throw new IllegalArgumentException("read limit must be >= 0, got " + n);
    readLimit = n;
  }

  /** Stops reading (backpressure); bytes stay in the kernel until {@link #resumeReads}. */
  public void suspendReads() {
    readsSuspended = true;
    interest(SelectionKey.OP_READ, false);
  }

  public void resumeReads() {
    readsSuspended = false;
    if (!inputClosed) interest(SelectionKey.OP_READ, true);
  }

  /** Sends FIN once everything queued is written; reading goes on. */
  public void shutdownOutput() {
    shutdownRequested = true;
    if (out.isEmpty()) doShutdownOutput();
  }

  /** Closes once everything queued is written. */
  public void closeWhenFlushed() {
    closeWhenFlushed = true;
    shutdownRequested = true;
    if (out.isEmpty()) close();
  }

  /** Closes now, dropping anything queued. */
  public void close() {
    if (closed) return;
    closed = true;
    if (key != null) key.cancel();
    closeQuietly(channel);
    finished();
  }

  /**
   * Takes the socket out of porter's hands for a child process: deregisters it, switches it back
   * to blocking mode (O_NONBLOCK travels with the descriptor) and gives it to {@code taker} on
   * this loop. The taker owns the channel from then on and must close porter's copy.
   */
  public void detach(Consumer<SocketChannel> taker) {
    if (closed) return;
    closed = true;
    detached = true;
    key.cancel();
    loop.afterNextSelect(() -> {
      try {
        channel.configureBlocking(true);
      } catch (IOException e) {
        log.warn("connection {}: cannot hand over: {}", client(), e.toString());
        closeQuietly(channel);
        finished();
        return;
      }
      finished();
      taker.accept(channel);
    });
  }

  // ---- mux links (issue 7): a link's streams all live on the link's loop
  /**
   * Moves this connection to {@code target}'s selector, keeping its handler, queued output and
   * half-close state; {@code then} runs on {@code target} once the move is done (at once when it
   * is already there). Call on the current loop. Timers already scheduled stay on the old loop.
   */
  public void moveTo(EventLoop target, Consumer<Connection> then) {
    loop.assertInLoop();
    if (closed) return;
    if (target == loop) {
      then.accept(this);
      return;
    }
    // A channel may be registered with several selectors; the old key goes at that loop's next select.
    key.cancel();
    key = null;
    loop = target;
    target.execute(() -> {
      if (closed) return;
      int ops = (readsSuspended || inputClosed ? 0 : SelectionKey.OP_READ) | (out.isEmpty() ? 0 : SelectionKey.OP_WRITE);
      try {
        key = target.register(channel, ops, this);
      } catch (IOException e) {
        fail(e);
        return;
      }
      then.accept(this);
    });
  }
  // ---- end mux links

  /** True when the socket went to a child rather than being closed here. */
  public boolean isDetached() {
    return detached;
  }

  @Override
  public void ready(int ops) {
    if ((ops & SelectionKey.OP_WRITE) != 0) flush();
    if (!closed && (ops & SelectionKey.OP_READ) != 0) read();
  }

  @Override
  public void failed(RuntimeException e) {
    close();
  }

  private void read() {
    ByteBuffer buf = loop.readBuffer();
    // Limited reads go on within one wake-up (bounded) so that a short line costs no extra selects.
    for (int round = 0; round < MAX_LIMITED_READS; round++) {
      buf.clear();
      if (readLimit > 0) buf.limit(readLimit);
      int n;
      try {
        n = channel.read(buf);
      } catch (IOException e) {
        fail(e);
        return;
      }
      if (n > 0) {
        bytesIn += n;
        buf.flip();
        handler.onData(this, buf);
      } else if (n < 0) {
        inputClosed = true;
        interest(SelectionKey.OP_READ, false);
        handler.onInputClosed(this);
        return;
      }
      if (n == 0 || readLimit == 0 || closed || readsSuspended) return;
    }
  }

  private void flush() {
    try {
      while (!out.isEmpty()) {
        ByteBuffer head = out.peek();
        int n = channel.write(head);
        bytesOut += n;
        pending -= n;
        if (head.hasRemaining()) return;
        out.poll();
      }
    } catch (IOException e) {
      fail(e);
      return;
    }
    interest(SelectionKey.OP_WRITE, false);
    if (closeWhenFlushed) {
      close();
      return;
    }
    if (shutdownRequested) {
      doShutdownOutput();
      if (closed) return;
    }
    handler.onWritable(this);
  }

  private void doShutdownOutput() {
    if (outputShut || closed) return;
    outputShut = true;
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      fail(e);
      return;
    }
    // Both directions finished: nothing more can happen on this connection.
    if (inputClosed) close();
  }

  private void fail(IOException e) {
    log.debug("connection {}: {}", client(), e.toString());
    close();
  }

  private void interest(int op, boolean on) {
    if (closed || key == null || !key.isValid()) return;
    int ops = key.interestOps();
    int next = on ? ops | op : ops & ~op;
    if (readsSuspended) next &= ~SelectionKey.OP_READ;
    if (next != ops) key.interestOps(next);
  }

  private void finished() {
    out.clear();
    pending = 0;
    handler.onClosed(this);
    for (Consumer<Connection> l : closeListeners) {
      try {
        l.accept(this);
      } catch (RuntimeException e) {
        log.error("connection {}: close listener failed", client(), e);
      }
    }
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing more can be done about a socket that fails to close
    }
  }

  @Override
  public String toString() {
    return "connection " + client();
  }
}
