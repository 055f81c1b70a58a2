package dev.porter.mux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP forwarder between two porters whose connections a test can cut, like a network failure. */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Object frozenLock = new Object();
  private volatile boolean closed;
  private boolean frozen;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "test-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  int connections() {
    return open.size() / 2;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket a = server.accept();
        Socket b = new Socket();
        b.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        open.add(a);
        open.add(b);
        pump(a, b);
        pump(b, a);
      } catch (IOException e) {
        if (!closed) e.printStackTrace();
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[65536];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  awaitThaw();
                  out.write(buf, 0, n);
                }
              } catch (IOException ignored) {
                // cut
              } finally {
                cutQuietly(from);
                cutQuietly(to);
              }
            },
            "test-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Stops forwarding without closing anything, as a path that silently drops every packet: both
   * ends keep a connection that looks alive, and nothing more arrives on it.
   */
  void freeze() {
    synchronized (frozenLock) {
      frozen = true;
    }
  }

  private void awaitThaw() throws IOException {
    synchronized (frozenLock) {
      while (frozen && !closed) {
        try {
          frozenLock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while frozen");
        }
      }
    }
  }

  /**
   * Cuts every forwarded connection abruptly (RST), as a dying network path or a killed peer would.
   */
  void cut() {
    for (Socket s : open) cutQuietly(s);
  }

  private void cutQuietly(Socket s) {
    open.remove(s);
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    synchronized (frozenLock) {
      frozenLock.notifyAll();
    }
    server.close();
    cut();
  }
}
