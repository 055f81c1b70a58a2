package dev.porter.control;

import static dev.porter.net.Closeables.closeQuietly;

import dev.porter.net.LogThrottle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket's selector thread, which does all its socket work: it accepts, checks the
 * peer's credentials ({@code SO_PEERCRED}) at once, reads request lines and writes replies without
 * blocking, each within a deadline. Only complete, permitted requests reach the few worker threads,
 * which carry them out (waiting for the supervisor, perhaps for a whole reload) and hand the reply
 * back. So a silent peer, a peer that never reads its reply, or a refused one never holds a worker,
 * and {@link #MAX_CONNECTIONS} bounds what the peers can make porter hold.
 */
final class ControlLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  /**
   * How long a permitted peer may take to send its request line; then porter closes the connection
   * without a reply. {@code porter ctl} sends it at once; 5 s forgives a person typing.
   */
  static final long REQUEST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * How long a peer may take to read its reply; then porter closes the connection. A reply larger
   * than the socket buffer (about 200 KiB, net.core.wmem_default) needs the peer to read.
   */
  static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * How long a refused peer may take to send the request it would have sent: porter reads and drops
   * it before closing, because closing a Unix socket with unread data resets the connection
   * (unix(7)), and a client that reads to the end then gets an error after the refusal and may
   * throw the refusal away with it. Then porter closes anyway.
   */
  static final long LINGER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * Connections of permitted peers open at once: reading, waiting for a worker, or being answered.
   * Administrators' commands come a few at a time; 64 leaves room for monitoring and scripts and
   * bounds what peers make porter hold (each at most a 1 KiB request and one reply). When a new
   * peer finds them all taken, porter closes the one that has waited longest on its peer (reading
   * or writing); when every one is with a worker, it closes the new one.
   */
  static final int MAX_CONNECTIONS = 64;

  /**
   * Refused peers lingering at once (see {@link #LINGER_TIMEOUT_NANOS}); beyond it porter closes at
   * once.
   */
  static final int MAX_LINGERING = 16;

  /**
   * Connections accepted per wake-up. Each one's request is read right after its accept, and this
   * is well below {@link #MAX_CONNECTIONS}: a peer whose request has arrived is read before enough
   * newer peers can come in to make it the oldest.
   */
  private static final int ACCEPT_BATCH = 16;

  /**
   * Requests carried out at once; more wait their turn (a reload or stop can take
   * shutdown-timeout).
   */
  private static final int WORKERS = 4;

  /** Bytes one read takes: the longest request line and then some. */
  private static final int READ_BYTES = 2 * ControlRequest.MAX_LINE_BYTES;

  private final ServerSocketChannel server;
  private final Selector selector;
  private final Commands commands;
  private final Runnable shutdown;
  private final PeerCheck peers;
  private final ThreadPoolExecutor workers;

  /** Replies carried out by the workers, for the selector thread to send. */
  private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();

  /** Permitted peers' connections, oldest first (selector thread only). */
  private final Set<ControlConnection> permitted = new LinkedHashSet<>();

  private final Set<ControlConnection> lingering = new LinkedHashSet<>();
  private final ByteBuffer scratch = ByteBuffer.allocate(READ_BYTES);
  private final LogThrottle refusedLog = new LogThrottle();
  private final LogThrottle fullLog = new LogThrottle();
  private final LogThrottle silentLog = new LogThrottle();
  private final LogThrottle unreadLog = new LogThrottle();
  private volatile boolean closed;

  /** A reply ready to go out on {@code to}, then {@code after}. */
  private record Answer(ControlConnection to, byte[] bytes, Runnable after) {}

  /**
   * A loop over {@code server}; {@link #run} it on a thread of its own.
   *
   * @param server the bound, non-blocking listening channel, registered with {@code selector} for
   *     accepts
   * @param shutdown starts porter's shutdown; run once the reply to {@code shutdown} is out
   */
  ControlLoop(
      ServerSocketChannel server,
      Selector selector,
      Commands commands,
      Runnable shutdown,
      PeerCheck peers) {
    this.server = server;
    this.selector = selector;
    this.commands = commands;
    this.shutdown = shutdown;
    this.peers = peers;
    AtomicInteger n = new AtomicInteger();
    // The queue never fills: each queued request holds one of MAX_CONNECTIONS connections.
    this.workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_CONNECTIONS),
            r -> {
              Thread t = new Thread(r, "porter-control-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    workers.execute(PeerCheck::load);
  }

  /** Makes {@link #run} return (it closes every connection, the channel and the selector). */
  void stop() {
    closed = true;
    selector.wakeup();
    workers.shutdown();
  }

  @Override
  public void run() {
    try {
      while (!closed) {
        selector.select(selectTimeoutMillis(System.nanoTime()));
        long now = System.nanoTime();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          if (!k.isValid()) continue;
          if (k.attachment() == null) {
            acceptSome(now);
          } else {
            ready((ControlConnection) k.attachment(), now);
          }
        }
        for (Answer a; (a = answers.poll()) != null; ) reply(a.to(), a.bytes(), a.after(), now);
        expire(now);
      }
    } catch (IOException | RuntimeException | Error e) {
      // Nothing a peer sends gets here; a broken selector or a bug does, and ends the socket.
      if (!closed) log.error("control: stopped answering: {}", e.toString());
    } finally {
      for (ControlConnection c : new ArrayList<>(permitted)) end(c);
      for (ControlConnection c : new ArrayList<>(lingering)) end(c);
      closeQuietly(server);
      closeQuietly(selector);
    }
  }

  private void acceptSome(long now) {
    for (int i = 0; i < ACCEPT_BATCH; i++) {
      SocketChannel ch;
      try {
        ch = server.accept();
        if (ch == null) return;
        ch.configureBlocking(false);
      } catch (IOException e) {
        if (!closed) log.warn("control: accept failed: {}", e.getMessage());
        return;
      }
      Optional<String> refusal;
      try {
        refusal = peers.refusal(ch);
      } catch (IOException | RuntimeException | LinkageError e) {
        refusal = Optional.of("cannot check its credentials: " + e);
      }
      if (refusal.isPresent()) {
        refuse(ch, refusal.get(), now);
      } else {
        admit(ch, now);
      }
    }
  }

  // The refusal goes out at once; the peer's request, when it comes, is read and dropped.
  private void refuse(SocketChannel ch, String why, long now) {
    long held = refusedLog.admit(now);
    if (held >= 0) log.warn("control: refused a peer: {}{}", why, heldBack(held));
    ByteBuffer out = encode(Reply.error(Reply.DENIED, "permission denied: " + why));
    try {
      ch.write(out);
    } catch (IOException e) {
      closeQuietly(ch);
      return;
    }
    if (out.hasRemaining() || lingering.size() >= MAX_LINGERING) {
      closeQuietly(ch);
      return;
    }
    register(ch, ControlConnection.State.LINGERING, now, now + LINGER_TIMEOUT_NANOS)
        .ifPresent(lingering::add);
  }

  private void admit(SocketChannel ch, long now) {
    if (permitted.size() >= MAX_CONNECTIONS) {
      Optional<ControlConnection> oldest =
          permitted.stream().filter(ControlConnection::evictable).findFirst();
      long held = fullLog.admit(now);
      if (oldest.isEmpty()) {
        if (held >= 0) {
          log.warn(
              "control: too many connections max={}, all with a command: closed a new one{}",
              MAX_CONNECTIONS,
              heldBack(held));
        }
        closeQuietly(ch);
        return;
      }
      ControlConnection o = oldest.get();
      if (held >= 0) {
        log.warn(
            "control: too many connections max={}: closed the one waiting longest state={}"
                + " age_ms={}{}",
            MAX_CONNECTIONS,
            o.state.name().toLowerCase(Locale.ROOT),
            TimeUnit.NANOSECONDS.toMillis(now - o.acceptedNanos),
            heldBack(held));
      }
      end(o);
    }
    Optional<ControlConnection> c =
        register(ch, ControlConnection.State.READING, now, now + REQUEST_TIMEOUT_NANOS);
    if (c.isEmpty()) return;
    permitted.add(c.get());
    // porter ctl writes its request right after connecting: it is usually here already.
    read(c.get(), now);
  }

  private Optional<ControlConnection> register(
      SocketChannel ch, ControlConnection.State state, long now, long deadline) {
    try {
      SelectionKey k = ch.register(selector, SelectionKey.OP_READ);
      ControlConnection c = new ControlConnection(ch, k, now, state, deadline);
      k.attach(c);
      return Optional.of(c);
    } catch (IOException e) {
      closeQuietly(ch);
      return Optional.empty();
    }
  }

  private void ready(ControlConnection c, long now) {
    if (c.key.isValid() && c.key.isReadable()) read(c, now);
    if (c.key.isValid() && c.key.isWritable()) write(c);
  }

  private void read(ControlConnection c, long now) {
    while (c.key.isValid()
        && (c.state == ControlConnection.State.READING
            || c.state == ControlConnection.State.LINGERING)) {
      scratch.clear();
      int n;
      try {
        n = c.channel.read(scratch);
      } catch (IOException e) {
        end(c);
        return;
      }
      if (n == 0) return;
      RequestLine.Result r;
      if (n < 0) {
        r = c.line.end();
      } else {
        scratch.flip();
        r = c.line.feed(scratch);
      }
      if (c.state == ControlConnection.State.LINGERING) {
        if (r != RequestLine.Result.NEED_MORE) end(c);
        continue;
      }
      switch (r) {
        case NEED_MORE:
          break;
        case DONE:
          dispatch(c, c.line.text(), now);
          break;
        case TOO_LONG:
          reply(
              c,
              encode(
                  Reply.error(
                      Reply.USAGE,
                      "request longer than " + ControlRequest.MAX_LINE_BYTES + " bytes")),
              () -> {},
              now);
          break;
        case EMPTY:
          end(c);
          break;
        default:
          throw new AssertionError(r);
      }
    }
  }

  private void dispatch(ControlConnection c, String line, long now) {
    ControlRequest request;
    try {
      request = ControlRequest.parse(line);
    } catch (ControlException e) {
      reply(c, encode(Reply.error(Reply.USAGE, e.getMessage())), () -> {}, now);
      return;
    }
    log.info("control: {}", request.line().trim());
    c.state = ControlConnection.State.RUNNING;
    c.key.interestOps(0);
    try {
      workers.execute(() -> carryOut(c, request));
    } catch (RejectedExecutionException closing) {
      end(c);
    }
  }

  // On a worker: the reply always comes back, whatever the command threw.
  private void carryOut(ControlConnection c, ControlRequest request) {
    ByteBuffer out;
    try {
      out = encode(commands.execute(request));
    } catch (RuntimeException | Error e) {
      log.error("control: {} failed: {}", request.command().word(), e.toString());
      out = encode(Reply.error(Reply.INTERNAL, request.command().word() + " failed: " + e));
    }
    Runnable after = request.command() == ControlRequest.Command.SHUTDOWN ? shutdown : () -> {};
    answers.add(new Answer(c, out.array(), after));
    selector.wakeup();
  }

  private void reply(ControlConnection c, ByteBuffer out, Runnable after, long now) {
    reply(c, out.array(), after, now);
  }

  private void reply(ControlConnection c, byte[] bytes, Runnable after, long now) {
    if (!c.key.isValid()) {
      after.run();
      return;
    }
    c.state = ControlConnection.State.WRITING;
    c.reply = ByteBuffer.wrap(bytes);
    c.afterReply = after;
    c.deadlineNanos = now + REPLY_TIMEOUT_NANOS;
    write(c);
  }

  private void write(ControlConnection c) {
    try {
      while (c.reply.hasRemaining()) {
        if (c.channel.write(c.reply) == 0) {
          c.key.interestOps(SelectionKey.OP_WRITE);
          return;
        }
      }
    } catch (IOException e) {
      long held = unreadLog.admit(System.nanoTime());
      if (held >= 0)
        log.info(
            "control: a client went away before its reply was sent: {}{}",
            e.getMessage(),
            heldBack(held));
    }
    end(c);
  }

  private void expire(long now) {
    for (ControlConnection c : new ArrayList<>(lingering)) if (now - c.deadlineNanos >= 0) end(c);
    for (ControlConnection c : new ArrayList<>(permitted)) {
      if (c.state == ControlConnection.State.RUNNING || now - c.deadlineNanos < 0) continue;
      if (c.state == ControlConnection.State.READING) {
        long held = silentLog.admit(now);
        if (held >= 0) {
          log.info(
              "control: closed a client that sent no request in {} ms{}",
              TimeUnit.NANOSECONDS.toMillis(REQUEST_TIMEOUT_NANOS),
              heldBack(held));
        }
      } else {
        long held = unreadLog.admit(now);
        if (held >= 0) {
          log.info(
              "control: closed a client that did not read its reply in {} ms unsent_bytes={}{}",
              TimeUnit.NANOSECONDS.toMillis(REPLY_TIMEOUT_NANOS),
              c.reply.remaining(),
              heldBack(held));
        }
      }
      end(c);
    }
  }

  /** Milliseconds until the nearest deadline, 0 (wait for I/O alone) when nothing waits for one. */
  private long selectTimeoutMillis(long now) {
    long nearest = Long.MAX_VALUE;
    for (ControlConnection c : permitted) {
      if (c.state != ControlConnection.State.RUNNING)
        nearest = Math.min(nearest, c.deadlineNanos - now);
    }
    for (ControlConnection c : lingering) nearest = Math.min(nearest, c.deadlineNanos - now);
    if (nearest == Long.MAX_VALUE) return 0;
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nearest) + 1);
  }

  private void end(ControlConnection c) {
    permitted.remove(c);
    lingering.remove(c);
    c.key.cancel();
    closeQuietly(c.channel);
    Runnable after = c.afterReply;
    c.afterReply = () -> {};
    after.run();
  }

  private static ByteBuffer encode(Map<String, Object> reply) {
    return ByteBuffer.wrap((Json.write(reply) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static String heldBack(long n) {
    return n == 0 ? "" : " (" + n + " more like it not logged)";
  }
}
