package dev.porter.control;

import static dev.porter.net.Closeables.closeQuietly;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the control protocol: sends one request, returns the reply object. Uses only
 * the JDK (no native library), so {@code porter ctl} works for any user in any directory.
 */
public final class ControlClient {
  /**
   * How long to wait for a reply: a stop or restart waits up to shutdown-timeout per daemon and a
   * reload may restart several, so this is generous; a hung porter still gets a clear message.
   */
  private static final long REPLY_TIMEOUT_SECONDS = 120;

  /** Largest reply read: a list of thousands of components fits. */
  private static final int MAX_REPLY_BYTES = 16 << 20;

  private ControlClient() {}

  /** Sends {@code request} to the porter listening on {@code socket}. */
  public static Map<String, Object> send(Path socket, ControlRequest request)
      throws ControlException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) throw notRunning(socket);
    SocketChannel ch;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      throw new ControlException("cannot open a unix socket: " + e.getMessage());
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "porter-ctl-timeout");
              t.setDaemon(true);
              return t;
            });
    try (ch) {
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (ConnectException e) {
        throw notRunning(socket);
      } catch (IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Permission denied")) {
          throw new ControlException(
              "permission denied on " + socket + " (root and the socket's group may use it)");
        }
        throw new ControlException("cannot reach porter on " + socket + ": " + m);
      }
      // The reader below sees the close.
      timer.schedule(() -> closeQuietly(ch), REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      ByteBuffer out = ByteBuffer.wrap(request.line().getBytes(StandardCharsets.UTF_8));
      try {
        while (out.hasRemaining()) ch.write(out);
      } catch (IOException refusedEarly) {
        // porter may have answered (a refusal) and closed before taking the request: the reply is
        // still there to read, and tells more than EPIPE.
      }
      // The reply is one line: read up to its LF. A reset after it (porter closed with bytes of
      // ours unread, unix(7)) loses nothing.
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(8192);
      boolean complete = false;
      while (!complete) {
        int n;
        try {
          n = ch.read(in);
        } catch (AsynchronousCloseException e) {
          throw e;
        } catch (IOException e) {
          if (reply.size() == 0) throw e;
          break;
        }
        if (n < 0) break;
        for (int i = 0; i < in.position(); i++) complete |= in.get(i) == '\n';
        reply.write(in.array(), 0, in.position());
        in.clear();
        if (reply.size() > MAX_REPLY_BYTES)
          throw new ControlException("reply longer than " + MAX_REPLY_BYTES + " bytes");
      }
      String text = reply.toString(StandardCharsets.UTF_8).trim();
      if (text.isEmpty())
        throw new ControlException("porter on " + socket + " closed without a reply");
      if (!complete)
        throw new ControlException("porter on " + socket + " closed in the middle of its reply");
      Object v = Json.parse(text);
      if (!(v instanceof Map))
        throw new ControlException("porter's reply is not a JSON object: " + text);
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      return m;
    } catch (AsynchronousCloseException e) {
      throw new ControlException(
          "porter on " + socket + " did not answer within " + REPLY_TIMEOUT_SECONDS + " s");
    } catch (IOException e) {
      throw new ControlException("cannot talk to porter on " + socket + ": " + e.getMessage());
    } finally {
      timer.shutdownNow();
    }
  }

  private static ControlException notRunning(Path socket) {
    return new ControlException("no porter is listening on " + socket + " (is porterd running?)");
  }
}
