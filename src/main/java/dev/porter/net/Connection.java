package dev.porter.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
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
 * hand-over of the socket to a child process. Call its methods on its loop only. Its lifecycle
 * (reading, writing, who holds the socket) is a {@link ConnectionState}; this class does the I/O
 * each transition asks for.
 */
public final class Connection implements IoReady {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /**
   * Limited reads per wake-up: one TCPMUX name line (256 bytes) and its CRLF, with room to spare.
   */
  private static final int MAX_LIMITED_READS = 512;

  /**
   * Reads one readiness event may do before other channels get their turn; netty's default
   * (maxMessagesPerRead) is also 16: 1 MiB per wake-up with 64 KiB reads.
   */
  static final int READS_PER_WAKEUP = 16;

  private volatile EventLoop loop;
  private final SocketChannel channel;
  private final SocketAddress remote;
  private final SocketAddress local;
  private final long openedNanos = System.nanoTime();

  /**
   * Bytes the kernel has not taken yet; null while there are none, so an idle connection holds
   * nothing.
   */
  private ArrayDeque<ByteBuffer> out;

  private List<Consumer<Connection>> closeListeners = List.of();
  private SelectionKey key;
  private ConnectionHandler handler;
  private long pending;

  /** When queued output last made progress (queued from empty, or partly written). */
  private long sendProgressNanos;

  private long bytesIn;
  private long bytesOut;
  private final ConnectionState state = new ConnectionState();
  private Optional<SocketAddress> clientOverride = Optional.empty();
  private Optional<SocketAddress> localOverride = Optional.empty();
  private int readLimit;
  private String clientText;

  private Connection(EventLoop loop, SocketChannel channel, ConnectionHandler handler)
      throws IOException {
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
    loop.execute(() -> adopt(loop, channel, handler));
  }

  /**
   * Opens a connection on a connected channel now; call on {@code loop}. Returns it, or empty when
   * the channel could not be registered (it is closed then and the handler never hears of it).
   */
  static Optional<Connection> adopt(
      EventLoop loop, SocketChannel channel, ConnectionHandler handler) {
    Connection c;
    try {
      channel.configureBlocking(false);
      c = new Connection(loop, channel, handler);
      // An outbound channel is registered already (for OP_CONNECT): this takes its key over.
      c.key = loop.register(channel, SelectionKey.OP_READ, c);
    } catch (IOException e) {
      log.debug("connection: cannot register: {}", e.toString());
      Closeables.closeQuietly(channel);
      return Optional.empty();
    }
    c.handler.onOpen(c);
    return Optional.of(c);
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

  /** The address the client connected to: the socket's own, or the one a PROXY header gave. */
  public SocketAddress localAddress() {
    return localOverride.orElse(local);
  }

  /** Records the real client learned from a PROXY protocol header. */
  public void overrideClient(SocketAddress client) {
    clientOverride = Optional.of(client);
    clientText = null;
  }

  /** Records the address the real client connected to, learned from a PROXY protocol header. */
  public void overrideLocal(SocketAddress address) {
    localOverride = Optional.of(address);
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

  /**
   * How long, at {@code nowNanos}, the peer has taken none of the bytes queued for it: 0 while
   * nothing is queued. A relay closes a side that stays stalled past its {@code send-timeout}.
   */
  public long sendStalledNanos(long nowNanos) {
    return out == null ? 0 : Math.max(0, nowNanos - sendProgressNanos);
  }

  public boolean isOpen() {
    return state.isOpen();
  }

  public boolean isInputClosed() {
    return state.input() == ConnectionState.Input.ENDED;
  }

  /** True once FIN went out: everything queued was written and the output shut down. */
  public boolean isOutputShut() {
    return state.output() == ConnectionState.Output.SHUT;
  }

  /**
   * Turns off Nagle's algorithm on a TCP connection (a no-op on a Unix socket): a relay writes what
   * it has read at once, and must not hold a small tail back for an ACK.
   */
  public void noDelay() {
    if (!(remote instanceof InetSocketAddress)) return;
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException e) {
      log.debug("connection {}: cannot set TCP_NODELAY: {}", client(), e.toString());
    }
  }

  /** Runs when the connection closes (or is handed to a child); listeners run in order. */
  public void onClose(Consumer<Connection> listener) {
    if (closeListeners.isEmpty()) closeListeners = new ArrayList<>(2);
    closeListeners.add(listener);
  }

  /** Replaces the handler, calls its {@code onOpen}, then feeds it {@code leftover} if any. */
  public void setHandler(ConnectionHandler next, ByteBuffer leftover) {
    handler = next;
    if (!state.isOpen()) return;
    next.onOpen(this);
    if (state.isOpen() && leftover.hasRemaining()) next.onData(this, leftover);
  }

  public void setHandler(ConnectionHandler next) {
    setHandler(next, ByteBuffer.allocate(0));
  }

  /**
   * Writes as much as the kernel takes now and queues a copy of the rest; returns true when nothing
   * is left queued.
   */
  public boolean write(ByteBuffer src) {
    if (!state.acceptsWrites()) return false;
    if (out == null) {
      try {
        bytesOut += channel.write(src);
      } catch (IOException e) {
        fail(e);
        return false;
      }
      if (!src.hasRemaining()) return true;
    }
    ByteBuffer copy = loop.buffers().take(src.remaining());
    copy.put(src).flip();
    if (out == null) {
      out = new ArrayDeque<>(2);
      sendProgressNanos = System.nanoTime();
    }
    out.add(copy);
    pending += copy.remaining();
    loop.queued(copy.remaining());
    interest(SelectionKey.OP_WRITE, true);
    return false;
  }

  public boolean write(byte[] bytes) {
    return write(ByteBuffer.wrap(bytes));
  }

  /**
   * Reads at most {@code n} bytes per read call (0: no limit). A TCPMUX master reads the name line
   * one byte at a time so that nothing after the line leaves the kernel: a child that is handed the
   * socket must find those bytes there (DESIGN.md §7).
   */
  public void setReadLimit(int n) {
    if (n < 0) throw new IllegalArgumentException("read limit must be >= 0, got " + n);
    readLimit = n;
  }

  /** Stops reading (backpressure); bytes stay in the kernel until {@link #resumeReads}. */
  public void suspendReads() {
    state.suspend();
    interest(SelectionKey.OP_READ, false);
  }

  public void resumeReads() {
    if (state.resume()) interest(SelectionKey.OP_READ, true);
  }

  /**
   * Resumes reading and reads what the kernel already holds at once, saving a trip through the
   * selector; the handler's {@code onData} may run before this returns.
   */
  public void resumeReadsNow() {
    resumeReads();
    if (state.isReading()) read();
  }

  /** Sends FIN once everything queued is written; reading goes on. */
  public void shutdownOutput() {
    perform(state.shutdownOutput(out == null));
  }

  /** Closes once everything queued is written. */
  public void closeWhenFlushed() {
    perform(state.closeWhenFlushed(out == null));
  }

  /** Closes now, dropping anything queued. */
  public void close() {
    if (!state.close()) return;
    if (key != null) key.cancel();
    Closeables.closeQuietly(channel);
    finished();
  }

  /**
   * Takes the socket out of porter's hands for a child process: deregisters it, switches it back to
   * blocking mode (O_NONBLOCK travels with the descriptor) and gives it to {@code taker} on this
   * loop. The taker owns the channel from then on and must close porter's copy.
   */
  public void detach(Consumer<SocketChannel> taker) {
    if (!state.detach()) return;
    key.cancel();
    loop.afterNextSelect(
        () -> {
          try {
            channel.configureBlocking(true);
          } catch (IOException e) {
            log.warn("connection {}: cannot hand over: {}", client(), e.toString());
            Closeables.closeQuietly(channel);
            finished();
            return;
          }
          finished();
          taker.accept(channel);
        });
  }

  /**
   * Moves this connection to {@code target}'s selector, keeping its handler, queued output and
   * half-close state; {@code then} runs on {@code target} once the move is done (at once when it is
   * already there). Call on the current loop. Timers already scheduled stay on the old loop. Mux
   * links use it: all of a link's streams live on the link's loop.
   */
  public void moveTo(EventLoop target, Consumer<Connection> then) {
    loop.assertInLoop();
    if (!state.isOpen()) return;
    if (target == loop) {
      then.accept(this);
      return;
    }
    // A channel may be registered with several selectors; the old key goes at that loop's next
    // select.
    key.cancel();
    key = null;
    loop = target;
    target.execute(
        () -> {
          if (!state.isOpen()) return;
          int ops =
              (state.isReading() ? SelectionKey.OP_READ : 0)
                  | (out == null || out.isEmpty() ? 0 : SelectionKey.OP_WRITE);
          try {
            key = target.register(channel, ops, this);
          } catch (IOException e) {
            fail(e);
            return;
          }
          then.accept(this);
        });
  }

  /** True when the socket went to a child rather than being closed here. */
  public boolean isDetached() {
    return state.life() == ConnectionState.Life.DETACHED;
  }

  @Override
  public void ready(int ops) {
    if ((ops & SelectionKey.OP_WRITE) != 0) flush();
    if (state.isOpen() && (ops & SelectionKey.OP_READ) != 0) read();
  }

  @Override
  public void failed(RuntimeException e) {
    close();
  }

  /**
   * Reads until the kernel has no more, the handler holds reads back, or {@link #READS_PER_WAKEUP}
   * reads: a fast sender costs one select per burst instead of one per buffer. It stops as soon as
   * the connection changed hands during a callback (a new handler, or {@link #moveTo} another
   * loop): the next read belongs to the new owner, which the selector wakes for what is left in the
   * kernel. Reading on would hand bytes to a stage that has finished, or read on two loops.
   */
  private void read() {
    EventLoop owner = loop;
    ByteBuffer buf = owner.readBuffer();
    // A TCPMUX name line is read one byte per call, going on (bounded) within one wake-up so a
    // short line costs no extra selects; otherwise up to READS_PER_WAKEUP full buffers.
    int rounds = readLimit > 0 ? MAX_LIMITED_READS : READS_PER_WAKEUP;
    for (int i = 0; i < rounds; i++) {
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
        ConnectionHandler reader = handler;
        reader.onData(this, buf);
        if (!state.isReading() || loop != owner || handler != reader) return;
        // A short read means the socket is drained; another would only return 0.
        if (readLimit == 0 && n < buf.capacity()) return;
      } else {
        if (n < 0) {
          state.endInput();
          interest(SelectionKey.OP_READ, false);
          handler.onInputClosed(this);
        }
        return;
      }
    }
  }

  private void flush() {
    try {
      while (out != null) {
        ByteBuffer head = out.peek();
        int n = channel.write(head);
        if (n > 0) sendProgressNanos = System.nanoTime();
        bytesOut += n;
        pending -= n;
        loop.queued(-n);
        if (head.hasRemaining()) return;
        loop.buffers().give(out.poll());
        if (out.isEmpty()) out = null;
      }
    } catch (IOException e) {
      fail(e);
      return;
    }
    interest(SelectionKey.OP_WRITE, false);
    ConnectionState.Action due = state.flushed();
    if (due != ConnectionState.Action.NONE) {
      perform(due);
      if (!state.isOpen()) return;
    }
    handler.onWritable(this);
  }

  /** Carries out what a transition of {@link #state} asks of the socket. */
  private void perform(ConnectionState.Action action) {
    switch (action) {
      case NONE:
        return;
      case SHUT_OUTPUT:
        try {
          channel.shutdownOutput();
        } catch (IOException e) {
          fail(e);
        }
        return;
      case CLOSE:
        close();
        return;
      default:
        throw new AssertionError(action);
    }
  }

  private void fail(IOException e) {
    log.debug("connection {}: {}", client(), e.toString());
    close();
  }

  private void interest(int op, boolean on) {
    if (!state.isOpen() || key == null || !key.isValid()) return;
    int ops = key.interestOps();
    int next = on ? ops | op : ops & ~op;
    if (!state.isReading()) next &= ~SelectionKey.OP_READ;
    if (next != ops) key.interestOps(next);
  }

  private void finished() {
    if (out != null) {
      for (ByteBuffer b : out) loop.buffers().give(b);
      out = null;
    }
    loop.queued(-pending);
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

  @Override
  public String toString() {
    return "connection " + client();
  }
}
