package dev.porter.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A backend for routes: accepts on loopback TCP or a Unix socket and runs a script per connection.
 */
final class Backend implements AutoCloseable {
  /** One accepted connection, TCP or Unix, as blocking streams. */
  static final class Conn implements AutoCloseable {
    final SocketChannel channel;
    final InputStream in;
    final OutputStream out;

    Conn(SocketChannel channel) {
      this.channel = channel;
      this.in = Channels.newInputStream(channel);
      this.out = Channels.newOutputStream(channel);
    }

    void shutdownOutput() throws IOException {
      channel.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** What the backend does with each connection, on a thread of its own. */
  interface Script {
    void run(Conn c) throws Exception;
  }

  private final ServerSocketChannel server;
  private final Path unixPath;
  private final Thread acceptor;
  private final List<Conn> accepted = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

  private Backend(ServerSocketChannel server, Path unixPath, Script script) {
    this.server = server;
    this.unixPath = unixPath;
    this.acceptor = new Thread(() -> acceptLoop(script), "test-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static Backend tcp(Script script) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.bind(new InetSocketAddress("127.0.0.1", 0));
    return new Backend(s, null, script);
  }

  static Backend unix(Path path, Script script) throws IOException {
    Files.deleteIfExists(path);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(path));
    return new Backend(s, path, script);
  }

  int port() throws IOException {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /** The route URL that reaches this backend. */
  String url() throws IOException {
    return unixPath != null ? "unix://" + unixPath : "inet://127.0.0.1:" + port();
  }

  List<Conn> accepted() {
    return accepted;
  }

  /** Rethrows the first failure of a script, if any, waiting briefly for scripts still running. */
  void assertNoFailure() throws Exception {
    Throwable t = failures.poll(50, TimeUnit.MILLISECONDS);
    if (t instanceof Exception) throw (Exception) t;
    if (t instanceof Error) throw (Error) t;
  }

  private void acceptLoop(Script script) {
    while (server.isOpen()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        return;
      }
      Conn c = new Conn(ch);
      accepted.add(c);
      Thread t =
          new Thread(
              () -> {
                try {
                  script.run(c);
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "test-backend-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Conn c : accepted) c.close();
    if (unixPath != null) Files.deleteIfExists(unixPath);
  }
}
