package dev.porter.control;

import static dev.porter.net.Closeables.closeQuietly;

import dev.porter.net.UnixSocketFile;
import dev.porter.supervisor.Porter;
import dev.porter.supervisor.ReloadOutcome;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket: a Unix stream socket on which each connection carries one request line and
 * gets one JSON reply, then porter closes it. This binds the socket and runs a {@link ControlLoop}
 * on its own thread, never an event loop's: answering waits for the supervisor.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  /** The socket's default mode: readable and writable by its owner (root) and its group. */
  public static final int DEFAULT_MODE = 0660;

  /** Kernel accept queue; porter accepts without waiting on anything, so it stays short. */
  private static final int BACKLOG = 16;

  private final UnixSocketFile file;
  private final ControlLoop loop;
  private final Thread thread;
  private boolean closed;

  private ControlServer(UnixSocketFile file, ControlLoop loop) {
    this.file = file;
    this.loop = loop;
    // Without it nobody can reload or stop porter by its socket: its death is fatal.
    this.thread = dev.porter.net.Fatal.essential(new Thread(loop, "porter-control"));
    thread.setDaemon(true);
  }

  /**
   * Binds {@code path} (see {@link UnixSocketFile}: a safe directory, a stale socket replaced, a
   * live one refused), with its mode, group and owner, and starts answering.
   *
   * @param mode file mode bits; {@link #DEFAULT_MODE} unless the configuration says
   * @param owner user to own the file, empty to keep porter's
   * @param group group whose members may use the socket, empty to keep porter's
   * @param reload reloads the configuration file, as SIGHUP does
   * @param shutdown starts porter's shutdown; called after the reply is sent
   */
  public static ControlServer start(
      Path path,
      int mode,
      Optional<String> owner,
      Optional<String> group,
      Porter porter,
      Supplier<ReloadOutcome> reload,
      Runnable shutdown)
      throws ControlException {
    UnixSocketFile f = null;
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      }
      f = UnixSocketFile.bind(path, BACKLOG, Optional.of(mode), owner, group);
      f.channel().configureBlocking(false);
      Selector selector = Selector.open();
      f.channel().register(selector, SelectionKey.OP_ACCEPT);
      ControlServer c =
          new ControlServer(
              f,
              new ControlLoop(
                  f.channel(),
                  selector,
                  new Commands(porter, reload),
                  shutdown,
                  new PeerCheck(f.path())));
      c.thread.start();
      log.info("control: listening on {} mode={}", path, String.format("%04o", mode));
      return c;
    } catch (IOException e) {
      if (f != null) {
        closeQuietly(f.channel());
        deleteQuietly(f);
      }
      throw new ControlException("cannot listen on " + path + ": " + e.getMessage());
    }
  }

  public Path path() {
    return file.path();
  }

  /** Stops answering and removes the socket file, unless another porter has since replaced it. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    loop.stop();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    deleteQuietly(file);
    log.info("control: closed {}", file.path());
  }

  private static void deleteQuietly(UnixSocketFile f) {
    try {
      f.delete();
    } catch (IOException ignored) {
      // already removed, or not ours to remove
    }
  }
}
