package dev.porter.mux;

import static dev.porter.net.Closeables.closeQuietly;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a link on a process's own stdin and stdout ({@code porter mux --stdio}), which may be
 * pipes (ssh) that no selector can watch: two threads copy between them and one end of a socket
 * pair, and the link gets the other end like any connection.
 */
public final class StdioBridge {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.mux");

  /** One copy's buffer: a full yamux data frame and its header fit. */
  private static final int BUFFER = Yamux.MAX_DATA_FRAME + Yamux.HEADER_LENGTH;

  private StdioBridge() {}

  /**
   * Starts copying {@code in} to the returned channel and the channel to {@code out}. EOF on {@code
   * in} half-closes the channel; EOF on the channel closes {@code out}.
   */
  public static SocketChannel start(InputStream in, OutputStream out) throws IOException {
    SocketChannel[] pair = SocketPair.open();
    SocketChannel mine = pair[1];
    Thread up =
        new Thread(
            () -> {
              byte[] buf = new byte[BUFFER];
              try {
                int n;
                while ((n = in.read(buf)) > 0) {
                  ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                  while (b.hasRemaining()) mine.write(b);
                }
                mine.shutdownOutput();
              } catch (IOException e) {
                log.debug("mux stdio: stdin: {}", e.toString());
                closeQuietly(mine);
              }
            },
            "porter-stdin");
    Thread down =
        new Thread(
            () -> {
              ByteBuffer b = ByteBuffer.allocate(BUFFER);
              try {
                while (mine.read(b.clear()) > 0) {
                  out.write(b.array(), 0, b.position());
                  out.flush();
                }
              } catch (IOException e) {
                log.debug("mux stdio: stdout: {}", e.toString());
                closeQuietly(mine);
              }
              closeQuietly(out); // the reader of our stdout may be gone
            },
            "porter-stdout");
    up.setDaemon(true);
    down.setDaemon(true);
    up.start();
    down.start();
    return pair[0];
  }
}
