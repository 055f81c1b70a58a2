package dev.porter.relay;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the telnet proxy writes decoded events ({@code telnet-log}): a file per connection named
 * {@code PREFIX.<client>.<n>.log}, or standard output for {@code telnet-log = "-"}. Event loops
 * only queue finished lines; one writer thread does the I/O, so a slow disk or a stalled terminal
 * never holds a relay up. Lines are dropped rather than waited for: when the writer is behind
 * ({@link #QUEUE_LIMIT} for all connections, {@link #SESSION_QUEUE_LIMIT} for one), a turn's lines
 * are dropped and counted, a {@code # dropped N bytes} line marks the gap where the log goes on,
 * and the total is logged when the connection closes. Backpressure instead would let a full disk or
 * a paused terminal stop every session it logs.
 *
 * <p>Memory per connection: the lines of one turn of its loop, gathered before they are queued (the
 * proxy bounds a turn's work; past {@link #SESSION_BUFFER_LIMIT} they are queued early), and at
 * most {@link #SESSION_QUEUE_LIMIT} queued.
 */
public final class TelnetLog {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.relay");

  /**
   * Bytes of lines waiting for the writer, all connections together: 8 MiB, room for about 64 fully
   * logged 64 KiB reads (hex doubles them), which a disk drains in milliseconds.
   */
  static final long QUEUE_LIMIT = 8L << 20;

  /**
   * Bytes of one connection's lines waiting for the writer: 1 MiB, several turns of a busy session
   * (a turn logs at most about 400 KiB: 64 KiB of data, six characters per byte in the telnet-proxy
   * style), so that one connection cannot take the whole queue from the others.
   */
  static final long SESSION_QUEUE_LIMIT = 1L << 20;

  /** Lines one connection gathers before they are handed on even within a turn: 1 MiB. */
  static final int SESSION_BUFFER_LIMIT = 1 << 20;

  /** The special {@code telnet-log} value for standard output. */
  public static final String STDOUT = "-";

  private static final Writer WRITER = new Writer(true);

  private final Path prefix;
  private final boolean stdout;
  private final Writer writer;
  private final AtomicLong sequence = new AtomicLong();

  /** A log written by {@code writer} (tests give one whose thread does not run). */
  TelnetLog(Path prefix, Writer writer) {
    this.prefix = prefix;
    this.stdout = prefix.toString().equals(STDOUT);
    this.writer = writer;
  }

  /** The log for a {@code telnet-log} value: a path prefix, or {@code -} for standard output. */
  public static TelnetLog of(Path prefix) {
    return new TelnetLog(prefix, WRITER);
  }

  /** True when events go to standard output (in libtelnet's telnet-proxy style). */
  boolean isStdout() {
    return stdout;
  }

  /** Starts the log of one connection; call on its loop. */
  Session open(String client) {
    return new Session(this, client, sequence.incrementAndGet());
  }

  /**
   * The file a connection's log goes to: the prefix, the client (made file-name safe), a number.
   */
  /**
   * Tries for a new file at {@code file}, then {@code file.1}, {@code file.2} ...: porter runs as
   * root and the log directory is the administrator's choice, so it never opens a file that is
   * there already (a link planted under the name it will use, or a log of an earlier run).
   */
  static java.io.OutputStream create(Path file) throws IOException {
    for (int i = 0; i < MAX_NAME_TRIES; i++) {
      Path p = i == 0 ? file : Path.of(file + "." + i);
      try {
        return Files.newOutputStream(
            p,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE,
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // the next name
      }
    }
    throw new IOException(file + " and " + (MAX_NAME_TRIES - 1) + " names after it exist already");
  }

  /**
   * Names tried for one connection's log before giving up on it (the log only, not the connection).
   */
  static final int MAX_NAME_TRIES = 100;

  static Path fileFor(Path prefix, String client, long n) {
    String safe = client.replaceAll("[^A-Za-z0-9.-]", "_");
    return Path.of(prefix + "." + safe + "." + n + ".log");
  }

  /** One connection's log: lines gathered on the loop during a read, then queued as one record. */
  static final class Session {
    private final TelnetLog owner;
    private final String client;
    private final long n;
    private byte[] buf = new byte[256];
    private int len;

    /** Bytes of lines dropped in all, and since the last gap marker was written. */
    private long dropped;

    private long droppedUnmarked;

    /** Bytes of this session's lines in the writer's queue. */
    private final AtomicLong queued = new AtomicLong();

    // Writer thread only.
    private OutputStream out;
    private boolean failed;

    private Session(TelnetLog owner, String client, long n) {
      this.owner = owner;
      this.client = client;
      this.n = n;
    }

    /**
     * A stream that turns each {@code write} call (one line, e.g. OracleFormatPrinter's) into a
     * prefixed line.
     */
    OutputStream lines(String prefix) {
      byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
      return new OutputStream() {
        @Override
        public void write(int b) {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) {
          append(p, 0, p.length);
          append(b, off, n);
        }
      };
    }

    /** Adds one whole line (its newline included). */
    void line(String text) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      append(b, 0, b.length);
    }

    void append(byte[] b, int off, int n) {
      if (len > 0 && len + n > SESSION_BUFFER_LIMIT) flush();
      if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    /** The lines gathered and not yet handed on (for tests). */
    String pending() {
      return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    /**
     * Hands the lines gathered so far to the writer, or drops and counts them when it is behind.
     */
    void flush() {
      if (len == 0) return;
      byte[] lines = withGapMarker(Arrays.copyOf(buf, len));
      if (queued.get() + lines.length > SESSION_QUEUE_LIMIT
          || !owner.writer.offer(this, lines, false)) {
        dropped += len;
        droppedUnmarked += len;
      } else {
        droppedUnmarked = 0;
      }
      len = 0;
      if (buf.length > 1 << 16) buf = new byte[256]; // an idle connection keeps no large buffer
    }

    /** The lines, after a line saying how much was dropped just before them, if anything was. */
    private byte[] withGapMarker(byte[] lines) {
      if (droppedUnmarked == 0) return lines;
      byte[] mark = gapMarker(droppedUnmarked);
      byte[] out = Arrays.copyOf(mark, mark.length + lines.length);
      System.arraycopy(lines, 0, out, mark.length, lines.length);
      return out;
    }

    private static byte[] gapMarker(long n) {
      return ("# dropped " + n + " bytes of log lines (writer behind)\n")
          .getBytes(StandardCharsets.US_ASCII);
    }

    /** Queues the last lines and the end of this log (always accepted: it is small). */
    void close() {
      if (dropped > 0) {
        log.warn(
            "telnet-log: dropped {} bytes of {}'s event log: the writer fell behind",
            dropped,
            client);
      }
      byte[] rest = withGapMarker(Arrays.copyOf(buf, len));
      len = 0;
      droppedUnmarked = 0;
      owner.writer.offer(this, rest, true);
    }

    private void write(byte[] b, boolean last) {
      if (owner.stdout) {
        System.out.write(b, 0, b.length);
        return;
      }
      if (failed) return;
      try {
        if (out == null) {
          out = new BufferedOutputStream(create(fileFor(owner.prefix, client, n)), 1 << 16);
        }
        out.write(b);
        if (last) {
          out.close();
          out = null;
        }
      } catch (IOException e) {
        failed = true;
        log.warn("telnet-log: cannot write {}'s event log: {}", client, e.toString());
      }
    }

    private void flushOut() {
      try {
        if (owner.stdout) System.out.flush();
        else if (out != null) out.flush();
      } catch (IOException e) {
        failed = true;
        log.warn("telnet-log: cannot write {}'s event log: {}", client, e.toString());
      }
    }
  }

  /** The one thread that writes every log, and the bounded queue the loops feed it through. */
  static final class Writer {
    private record Entry(Session session, byte[] bytes, boolean last) {}

    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final boolean autostart;
    private Thread thread;

    /**
     * A writer whose thread starts with the first line; without {@code autostart}, see {@link
     * #drain}.
     */
    Writer(boolean autostart) {
      this.autostart = autostart;
    }

    /**
     * Writes what is queued on the calling thread (for tests: a writer that is behind, catching
     * up).
     */
    void drain() {
      for (Entry e; (e = queue.poll()) != null; ) {
        write(e);
        if (!e.last) e.session.flushOut();
      }
    }

    boolean offer(Session s, byte[] bytes, boolean last) {
      if (!last && queued.get() + bytes.length > QUEUE_LIMIT) return false;
      queued.addAndGet(bytes.length);
      s.queued.addAndGet(bytes.length);
      start();
      queue.add(new Entry(s, bytes, last));
      return true;
    }

    private synchronized void start() {
      if (thread != null || !autostart) return;
      // Sessions queue their lines for this thread alone: were it gone, their logs would stop.
      thread = dev.porter.net.Fatal.essential(new Thread(this::run, "porter-telnet-log"));
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      Set<Session> dirty = new LinkedHashSet<>();
      while (true) {
        Entry e;
        try {
          e = queue.poll();
          if (e == null) {
            // Caught up: push what the buffers hold to the files, then wait for more.
            for (Session s : dirty) s.flushOut();
            dirty.clear();
            e = queue.take();
          }
        } catch (InterruptedException ie) {
          return;
        }
        write(e);
        if (e.last) dirty.remove(e.session);
        else dirty.add(e.session);
      }
    }

    private void write(Entry e) {
      e.session.write(e.bytes, e.last);
      queued.addAndGet(-e.bytes.length);
      e.session.queued.addAndGet(-e.bytes.length);
      if (e.last && e.session.owner.stdout) System.out.flush();
    }
  }
}
