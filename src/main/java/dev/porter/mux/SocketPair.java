package dev.porter.mux;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two connected Unix stream sockets, like socketpair(2), from the JDK alone: a listener bound in a
 * fresh private (0700) directory is connected to, accepted from, and removed. A stream served by a
 * built-in or a program gets one end; the link relays the other.
 */
public final class SocketPair {
  private SocketPair() {}

  /** Returns two blocking channels connected to each other; the caller owns both. */
  public static SocketChannel[] open() throws IOException {
    Path dir = Files.createTempDirectory("porter-mux-");
    Path path = dir.resolve("s");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path), 1);
      SocketChannel a = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        a.connect(UnixDomainSocketAddress.of(path));
        SocketChannel b = server.accept();
        return new SocketChannel[] {a, b};
      } catch (IOException e) {
        a.close();
        throw e;
      }
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(dir);
    }
  }
}
