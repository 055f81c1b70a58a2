import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The telnet proxy benchmark's two ends (single-file program: java TelnetStream.java ...).
 *
 * <p>echo PORT a one-thread NIO echo server on 127.0.0.1:PORT stream PORT SECONDS IAC% LABEL one
 * connection: a writer streams 16 KiB chunks of well-formed TELNET data (printable ASCII; with IAC%
 * > 0 that share of the data bytes are 0xFF, sent escaped as IAC IAC), a reader counts what comes
 * back; after a 1 s warm-up it reports echoed MB/s over SECONDS, and checks that the echo is
 * byte-identical.
 */
public final class TelnetStream {
  public static void main(String[] a) throws Exception {
    if (a.length >= 2 && a[0].equals("echo")) {
      echo(Integer.parseInt(a[1]));
    } else if (a.length == 5 && a[0].equals("stream")) {
      stream(Integer.parseInt(a[1]), Double.parseDouble(a[2]), Double.parseDouble(a[3]), a[4]);
    } else {
      System.err.println(
          "usage: java TelnetStream.java echo PORT | stream PORT SECONDS IAC% LABEL");
      System.exit(2);
    }
  }

  static byte[] chunk(double iacPercent) {
    Random r = new Random(1);
    byte[] b = new byte[16384];
    int n = 0;
    while (n < b.length) {
      if (n + 1 < b.length && r.nextDouble() * 100 < iacPercent) {
        b[n++] = (byte) 0xff; // one data byte 0xFF, escaped
        b[n++] = (byte) 0xff;
      } else {
        b[n++] = (byte) (' ' + r.nextInt(95));
      }
    }
    return b;
  }

  static void stream(int port, double seconds, double iacPercent, String label) throws Exception {
    byte[] buf = chunk(iacPercent);
    Socket s = new Socket();
    s.setSendBufferSize(1 << 20);
    s.setReceiveBufferSize(1 << 20);
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    AtomicLong rx = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean mismatch = new AtomicBoolean();
    Thread w =
        new Thread(
            () -> {
              try {
                OutputStream out = s.getOutputStream();
                while (!stop.get()) out.write(buf);
              } catch (IOException e) {
                // closed at the end
              }
            });
    Thread rd =
        new Thread(
            () -> {
              byte[] in = new byte[1 << 16];
              long pos = 0;
              try {
                InputStream is = s.getInputStream();
                int n;
                while ((n = is.read(in)) > 0) {
                  // Compare against the repeating chunk in runs (vectorised), not byte by byte.
                  int p = (int) (pos % buf.length);
                  for (int i = 0; i < n; ) {
                    int run = Math.min(n - i, buf.length - p);
                    if (!java.util.Arrays.equals(in, i, i + run, buf, p, p + run))
                      mismatch.set(true);
                    i += run;
                    p = (p + run) % buf.length;
                  }
                  pos += n;
                  rx.addAndGet(n);
                }
              } catch (IOException e) {
                // closed at the end
              }
            });
    w.setDaemon(true);
    rd.setDaemon(true);
    w.start();
    rd.start();
    Thread.sleep(1000);
    long rx0 = rx.get();
    long t0 = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    long rx1 = rx.get();
    long t1 = System.nanoTime();
    stop.set(true);
    s.close();
    rd.join(2000);
    double mbps = (rx1 - rx0) / ((t1 - t0) / 1e9) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "RESULT label=%s iac=%s MBps=%.1f totalMB=%.1f intact=%s%n",
        label,
        iacPercent,
        mbps,
        rx.get() / 1e6,
        !mismatch.get() && rx1 > 0);
    System.exit(0);
  }

  static void echo(int port) throws Exception {
    Selector sel = Selector.open();
    ServerSocketChannel ss = ServerSocketChannel.open();
    ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    ss.bind(new InetSocketAddress("127.0.0.1", port), 1024);
    ss.configureBlocking(false);
    ss.register(sel, SelectionKey.OP_ACCEPT);
    while (true) {
      sel.select();
      Iterator<SelectionKey> it = sel.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey k = it.next();
        it.remove();
        try {
          if (!k.isValid()) continue;
          if (k.isAcceptable()) {
            SocketChannel c;
            while ((c = ss.accept()) != null) {
              c.configureBlocking(false);
              c.setOption(StandardSocketOptions.TCP_NODELAY, true);
              c.register(sel, SelectionKey.OP_READ, ByteBuffer.allocateDirect(1 << 16));
            }
            continue;
          }
          SocketChannel c = (SocketChannel) k.channel();
          ByteBuffer b = (ByteBuffer) k.attachment();
          if (k.isWritable()) {
            c.write(b);
            if (b.hasRemaining()) continue;
            b.clear();
            k.interestOps(SelectionKey.OP_READ);
          }
          if (k.isReadable()) {
            int n = c.read(b);
            if (n < 0) {
              k.cancel();
              c.close();
              continue;
            }
            b.flip();
            c.write(b);
            if (b.hasRemaining()) {
              k.interestOps(SelectionKey.OP_WRITE);
            } else {
              b.clear();
            }
          }
        } catch (IOException e) {
          k.cancel();
          k.channel().close();
        }
      }
    }
  }
}
