package dev.porter.mux;

import dev.porter.config.Endpoint;
import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.EventLoopGroup;
import dev.porter.net.Listener;
import dev.porter.testing.RunningPorter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mux link throughput (not run by CI; see bench/mux-bench.sh and docs/mux-benchmark.md). Clients
 * write as fast as they can to a sink through (a) one direct relay hop on porter's event loops, the
 * same I/O a route uses, and (b) two in-process porters joined by a mux link: an entrance on one, a
 * route exit on the other. Reports MB/s, and for many streams each stream's share.
 */
public final class MuxBench {
  private static final int CHUNK = 64 * 1024;
  private static final int ROUNDS = 5;

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    int many = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    try (Sink sink = new Sink()) {
      int relay = directRelay(sink.port());
      double direct;
      try (RunningPorter receptor =
              RunningPorter.start(
                  "shutdown-timeout = 1s\ncomponents {\n"
                      + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\" }\n"
                      + "  sink { mux-link = link, route = \"inet://127.0.0.1:"
                      + sink.port()
                      + "\" }\n}\n");
          RunningPorter connector =
              RunningPorter.start(
                  "shutdown-timeout = 1s\ncomponents {\n"
                      + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:"
                      + receptor.port("link")
                      + "\" }\n"
                      + "  to-sink { socket = \"inet://127.0.0.1:0\", route = \"mux://link/sink\""
                      + " }\n"
                      + "}\n")) {
        while (!connector.porter().link("link").orElseThrow().isUp()) Thread.sleep(10);
        int entrance = connector.port("to-sink");
        // Warm-up: both paths once, so that neither is measured with a cold JIT.
        run("(warm-up) direct relay", relay, 1, 2, sink);
        run("(warm-up) mux link", entrance, 1, 2, sink);
        // Alternating rounds, medians: the machine's other load moves single runs a lot.
        double[] d = new double[ROUNDS];
        double[] m = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
          d[i] = run("direct relay, 1 stream", relay, 1, seconds, sink);
          m[i] = run("mux link, 1 stream", entrance, 1, seconds, sink);
        }
        Arrays.sort(d);
        Arrays.sort(m);
        direct = d[ROUNDS / 2];
        double one = m[ROUNDS / 2];
        System.out.printf(
            Locale.ROOT,
            "median of %d: direct %.1f MB/s, mux %.1f MB/s; ratio mux/direct (1 stream): %.2f%n",
            ROUNDS,
            direct,
            one,
            one / direct);
        run("direct relay, " + many + " streams", relay, many, seconds, sink);
        run("mux link, " + many + " streams", entrance, many, seconds, sink);
      }
    }
    System.exit(0);
  }

  /**
   * Runs {@code streams} writers for a warm-up second and {@code seconds}; prints and returns MB/s.
   */
  private static double run(String name, int port, int streams, double seconds, Sink sink)
      throws Exception {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port));
      sockets.add(s);
    }
    sink.awaitConnections(streams);
    List<AtomicLong> counters = sink.takeCounters();
    List<Thread> writers = new ArrayList<>();
    byte[] chunk = new byte[CHUNK];
    for (Socket s : sockets) {
      Thread t =
          new Thread(
              () -> {
                try (OutputStream out = s.getOutputStream()) {
                  while (!Thread.currentThread().isInterrupted()) out.write(chunk);
                } catch (IOException ignored) {
                  // closed at the end of the run
                }
              });
      t.setDaemon(true);
      t.start();
      writers.add(t);
    }
    Thread.sleep(1000);
    long[] before = counters.stream().mapToLong(AtomicLong::get).toArray();
    long start = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    long[] after = counters.stream().mapToLong(AtomicLong::get).toArray();
    double elapsed = (System.nanoTime() - start) / 1e9;
    for (Thread t : writers) t.interrupt();
    for (Socket s : sockets) s.close();
    long[] per = new long[streams];
    long total = 0;
    for (int i = 0; i < streams; i++) {
      per[i] = after[i] - before[i];
      total += per[i];
    }
    double mbps = total / elapsed / 1e6;
    if (streams == 1) {
      System.out.printf(Locale.ROOT, "%-32s %8.1f MB/s%n", name, mbps);
    } else {
      Arrays.sort(per);
      double fair = (double) total / streams;
      System.out.printf(
          Locale.ROOT,
          "%-32s %8.1f MB/s total; per stream min %.2f median %.2f max %.2f MB/s;"
              + " min/fair share %.2f%n",
          name,
          mbps,
          per[0] / elapsed / 1e6,
          per[streams / 2] / elapsed / 1e6,
          per[streams - 1] / elapsed / 1e6,
          per[0] / fair);
    }
    Thread.sleep(300);
    return mbps;
  }

  /** One hop through porter's event loops: the I/O of a route, without a mux link. */
  private static int directRelay(int backendPort) throws IOException {
    EventLoopGroup loops = new EventLoopGroup(2);
    Listener l = Listener.bind(loops.next(), Endpoint.inet("127.0.0.1", 0));
    l.start(
        ch -> {
          try {
            SocketChannel back =
                SocketChannel.open(new InetSocketAddress("127.0.0.1", backendPort));
            var loop = loops.next();
            Pipe a = new Pipe();
            Pipe b = new Pipe();
            a.other = b;
            b.other = a;
            Connection.open(loop, ch, a);
            Connection.open(loop, back, b);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    return l.port();
  }

  /**
   * One direction of a relay: writes what it reads to the other side, pausing while that is full.
   */
  private static final class Pipe implements ConnectionHandler {
    Pipe other;
    Connection self;

    @Override
    public void onOpen(Connection c) {
      self = c;
    }

    @Override
    public void onData(Connection c, ByteBuffer data) {
      if (other.self == null) {
        data.position(data.limit());
        return;
      }
      if (!other.self.write(data)) c.suspendReads();
    }

    @Override
    public void onWritable(Connection c) {
      if (other.self != null) other.self.resumeReads();
    }

    @Override
    public void onInputClosed(Connection c) {
      if (other.self != null) other.self.shutdownOutput();
    }

    @Override
    public void onClosed(Connection c) {
      if (other.self != null) other.self.close();
    }
  }

  /** Reads and counts, one thread per connection. */
  private static final class Sink implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 1000);
    private final List<AtomicLong> counters = new ArrayList<>();

    Sink() throws IOException {
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    AtomicLong n = new AtomicLong();
                    synchronized (this) {
                      counters.add(n);
                    }
                    Thread r =
                        new Thread(
                            () -> {
                              byte[] buf = new byte[CHUNK];
                              try (InputStream in = s.getInputStream()) {
                                int k;
                                while ((k = in.read(buf)) > 0) n.addAndGet(k);
                              } catch (IOException ignored) {
                                // the writer went away
                              }
                            });
                    r.setDaemon(true);
                    r.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    void awaitConnections(int n) throws InterruptedException {
      // Connections that reach the sink are counted from the last takeCounters() on.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        synchronized (this) {
          if (counters.size() >= n) return;
        }
        if (System.nanoTime() > deadline)
          throw new IllegalStateException(
              "only " + counters.size() + " of " + n + " reached the sink");
        Thread.sleep(5);
      }
    }

    synchronized List<AtomicLong> takeCounters() {
      List<AtomicLong> c = new ArrayList<>(counters);
      counters.clear();
      return c;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
