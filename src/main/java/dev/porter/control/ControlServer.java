package dev.porter.control;

import dev.porter.supervisor.Porter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket: a Unix stream socket on which each connection carries one request line and
 * gets one JSON reply, then porter closes it. It has its own threads (one accepting, a few
 * answering), never an event loop's: answering waits for the supervisor thread.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  /** Issue 6: the socket is readable and writable by its owner (root) and its group. */
  public static final int DEFAULT_MODE = 0660;
  /** How long a client may take to send its request line before porter hangs up. */
  private static final long REQUEST_TIMEOUT_MILLIS = 5_000;
  /** Requests answered at once; more wait their turn (a reload or stop can take shutdown-timeout). */
  private static final int WORKERS = 4;
  /** Kernel accept queue; administrators' commands arrive one at a time. */
  private static final int BACKLOG = 16;

  private final Path path;
  private final ServerSocketChannel server;
  private final Object fileKey;
  private final Commands commands;
  private final Runnable shutdown;
  private final PeerCheck peers;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final Thread acceptor;
  private volatile boolean closed;

  private ControlServer(Path path, ServerSocketChannel server, Object fileKey, Commands commands,
      Runnable shutdown) {
    this.path = path;
    this.server = server;
    this.fileKey = fileKey;
    this.commands = commands;
    this.shutdown = shutdown;
    this.peers = new PeerCheck(path);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(WORKERS, r -> daemon(r, "porter-control-" + n.incrementAndGet()));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "porter-control-timer"));
    this.acceptor = daemon(this::acceptLoop, "porter-control");
  }

  /**
   * Binds {@code path} (replacing a stale socket file, refusing a live one), sets its mode and
   * group, and starts answering.
   *
   * @param mode file mode bits; {@link #DEFAULT_MODE} unless the configuration says
   * @param owner user to own the file, empty to keep porter's
   * @param group group whose members may use the socket, empty to keep porter's
   * @param reload reloads the configuration file, as SIGHUP does
   * @param shutdown starts porter's shutdown; called after the reply is sent
   */
  public static ControlServer start(Path path, int mode, Optional<String> owner, Optional<String> group,
      Porter porter, Supplier<ReloadOutcome> reload, Runnable shutdown) throws ControlException {
    ServerSocketChannel s = null;
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) Files.createDirectories(dir);
      removeStale(path);
      s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      s.bind(UnixDomainSocketAddress.of(path), BACKLOG);
      Files.setPosixFilePermissions(path, permissions(mode));
      UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
      if (owner.isPresent()) Files.setOwner(path, users.lookupPrincipalByName(owner.get()));
      if (group.isPresent()) {
        GroupPrincipal g = users.lookupPrincipalByGroupName(group.get());
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
      }
      Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      ControlServer c = new ControlServer(path, s, key, new Commands(porter, reload), shutdown);
      c.acceptor.start();
      log.info("control: listening on {} mode={}", path, String.format("%04o", mode));
      return c;
    } catch (IOException e) {
      if (s != null) {
        closeQuietly(s);
        deleteQuietly(path);
      }
      throw new ControlException("cannot listen on " + path + ": " + e.getMessage());
    }
  }

  public Path path() {
    return path;
  }

  // A socket file left by a dead porter refuses connections: remove it. A live one is another porter's.
  private static void removeStale(Path path) throws IOException, ControlException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
    if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
      throw new ControlException("cannot listen on " + path + ": it exists and is not a socket");
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      throw new ControlException("cannot listen on " + path + ": another porter is listening there");
    } catch (ConnectException stale) {
      Files.deleteIfExists(path);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (closed) return;
        log.warn("control: accept failed: {}", e.getMessage());
        continue;
      }
      workers.execute(() -> answer(ch));
    }
  }

  private void answer(SocketChannel ch) {
    boolean stopPorter = false;
    try (ch) {
      // The request is read even from a peer about to be refused: closing a unix socket with
      // unread data resets the connection (unix(7)), and the peer would lose the refusal.
      Optional<String> line = readLine(ch);
      if (line.isEmpty()) return;
      Optional<String> refusal = peers.refusal(ch);
      if (refusal.isPresent()) {
        log.warn("control: refused a peer: {}", refusal.get());
        send(ch, Reply.error(Reply.DENIED, "permission denied: " + refusal.get()));
        return;
      }
      ControlRequest request;
      try {
        request = ControlRequest.parse(line.get());
      } catch (ControlException e) {
        send(ch, Reply.error(Reply.USAGE, e.getMessage()));
        return;
      }
      log.info("control: {}", request.line().trim());
      Map<String, Object> reply = commands.execute(request);
      send(ch, reply);
      stopPorter = request.command() == ControlRequest.Command.SHUTDOWN;
    } catch (IOException e) {
      if (!closed) log.info("control: connection ended early: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("control: request failed", e);
    }
    if (stopPorter) shutdown.run();
  }

  /** The request line, or empty when the client sent nothing usable in time (it was answered). */
  private Optional<String> readLine(SocketChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(ControlRequest.MAX_LINE_BYTES + 1);
    ScheduledFuture<?> deadline = timer.schedule(() -> closeQuietly(ch), REQUEST_TIMEOUT_MILLIS,
        TimeUnit.MILLISECONDS);
    try {
      while (true) {
        int n;
        try {
          n = ch.read(buf);
        } catch (ClosedChannelException e) {
          log.info("control: client sent no request in {} ms", REQUEST_TIMEOUT_MILLIS);
          return Optional.empty();
        }
        for (int i = 0; i < buf.position(); i++) {
          if (buf.get(i) == '\n') return Optional.of(new String(buf.array(), 0, i, StandardCharsets.UTF_8));
        }
        if (!buf.hasRemaining()) {
          send(ch, Reply.error(Reply.USAGE, "request longer than " + ControlRequest.MAX_LINE_BYTES + " bytes"));
          return Optional.empty();
        }
        if (n < 0) {
          if (buf.position() == 0) return Optional.empty();
          // A last line without LF is still a request (printf 'list' | nc -U works).
          return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        }
      }
    } finally {
      deadline.cancel(false);
    }
  }

  private static void send(SocketChannel ch, Map<String, Object> reply) throws IOException {
    ByteBuffer out = ByteBuffer.wrap((Json.write(reply) + "\n").getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) ch.write(out);
  }

  /** Stops answering and removes the socket file, unless another porter has since replaced it. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    closeQuietly(server);
    workers.shutdown();
    timer.shutdownNow();
    try {
      Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (key != null && key.equals(fileKey)) Files.deleteIfExists(path);
    } catch (IOException gone) {
      // already removed
    }
    log.info("control: closed {}", path);
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) if ((mode & (1 << i)) != 0) p.add(order[i]);
    return p;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing: nothing more to do
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort on a failed start
    }
  }
}
