package dev.porter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A connection-rate load driver: N client threads, each repeating connect → [TCPMUX name line,
 * {@code +} reply] → 64 bytes → their echo → close, for a bounded time after a warm-up. Prints
 * connections/s, latency percentiles and errors, then one {@code RESULT key=value ...} line.
 *
 * <p>Not a test and not run by CI: {@code bench/connect-rate.sh} compiles and runs it against
 * porter and xinetd. Loopback targets only, every socket has timeouts, every loop ends by itself.
 *
 * <pre>
 * java -cp DIR dev.porter.bench.ConnectLoad --port 7007 [--name echo] [--clients 8]
 *      [--duration 10] [--warmup 2] [--payload 64] [--timeout-ms 5000] [--label porter-echo]
 *      [--server-pid PID]
 * </pre>
 *
 * <p>With {@code --server-pid}, the server's CPU time (its own plus that of children it has reaped,
 * from {@code /proc/PID/stat}) over the measured window is reported per connection, next to this
 * driver's own: on a small machine the client's share of the CPU caps what any server can show. The
 * server's figure is also split into its own CPU and its reaped children's (for a spawning server:
 * the per-connection programs), so a spawn benchmark shows where the time goes.
 */
public final class ConnectLoad {
  /** Longest TCPMUX reply line read; RFC 1078 replies are one short line. */
  private static final int MAX_REPLY_LINE = 512;

  /** Latency samples kept per client thread; at 1 per ~50 µs this covers minutes of load. */
  private static final int MAX_SAMPLES_PER_CLIENT = 4 << 20;

  /** Pause after a failed iteration, so a refused port cannot spin a client at 100% CPU. */
  private static final long ERROR_PAUSE_MILLIS = 1;

  /** Longest run accepted, so a typo cannot keep the machine busy for hours. */
  private static final double MAX_SECONDS = 600;

  /** USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux architecture porter targets. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final InetSocketAddress target;
  private final byte[] request;
  private final byte[] payload;
  private final int timeoutMillis;
  private final long serverPid;
  private volatile long measureFromNanos;
  private volatile long stopAtNanos;

  private ConnectLoad(
      InetSocketAddress target, String name, int payloadSize, int timeoutMillis, long serverPid) {
    this.target = target;
    this.serverPid = serverPid;
    this.request =
        name.isEmpty() ? new byte[0] : (name + "\r\n").getBytes(StandardCharsets.US_ASCII);
    this.payload = new byte[payloadSize];
    // Printable, never NUL: xinetd's TCPMUX sends "+Go\r\n" and a stray NUL before the service's
    // bytes.
    for (int i = 0; i < payloadSize; i++) payload[i] = (byte) ('A' + i % 26);
    this.timeoutMillis = timeoutMillis;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = parse(args);
    String host = opt.getOrDefault("host", "127.0.0.1");
    InetAddress addr = InetAddress.getByName(host);
    if (!addr.isLoopbackAddress()) throw usage("--host must be a loopback address, got " + host);
    int port = intOpt(opt, "port", -1);
    if (port < 1 || port > 65535) throw usage("--port must be 1..65535, got " + port);
    int clients = intOpt(opt, "clients", 8);
    if (clients < 1 || clients > 4096) throw usage("--clients must be 1..4096, got " + clients);
    double duration = Double.parseDouble(opt.getOrDefault("duration", "10"));
    double warmup = Double.parseDouble(opt.getOrDefault("warmup", "2"));
    if (duration <= 0 || warmup < 0 || duration + warmup > MAX_SECONDS) {
      throw usage("--duration must be > 0 and duration + warmup at most " + MAX_SECONDS + " s");
    }
    int payloadSize = intOpt(opt, "payload", 64);
    if (payloadSize < 1 || payloadSize > 65536)
      throw usage("--payload must be 1..65536, got " + payloadSize);
    int timeout = intOpt(opt, "timeout-ms", 5000);
    String name = opt.getOrDefault("name", "");
    String label =
        opt.getOrDefault("label", host + ":" + port + (name.isEmpty() ? "" : "/" + name));
    long serverPid = intOpt(opt, "server-pid", 0);

    ConnectLoad load =
        new ConnectLoad(new InetSocketAddress(addr, port), name, payloadSize, timeout, serverPid);
    Result r = load.run(clients, warmup, duration);
    r.print(label, clients);
  }

  private Result run(int clients, double warmupSeconds, double durationSeconds)
      throws InterruptedException {
    long start = System.nanoTime();
    measureFromNanos = start + (long) (warmupSeconds * 1e9);
    stopAtNanos = measureFromNanos + (long) (durationSeconds * 1e9);
    List<Client> all = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      Client c = new Client(done);
      all.add(c);
      Thread t = new Thread(c, "client-" + i);
      t.setDaemon(true);
      t.start();
    }
    sleepUntil(measureFromNanos);
    long[] server0 = serverCpuNanos();
    long client0 = clientCpuNanos();
    sleepUntil(stopAtNanos);
    long[] server1 = serverCpuNanos();
    long client1 = clientCpuNanos();
    // Every iteration is bounded by the socket timeouts, so this wait is too; the margin covers
    // one.
    long graceMillis = 2L * timeoutMillis + 1000;
    if (!done.await(graceMillis, TimeUnit.MILLISECONDS)) {
      System.err.println(
          "note: some clients did not finish in time; their last iteration is not counted");
    }
    Result r = Result.merge(all, (stopAtNanos - measureFromNanos) / 1e9);
    boolean known = server0 != null && server1 != null;
    r.serverSelfCpuNanos = known ? server1[0] - server0[0] : -1;
    r.serverChildCpuNanos = known ? server1[1] - server0[1] : -1;
    r.serverCpuNanos = known ? r.serverSelfCpuNanos + r.serverChildCpuNanos : -1;
    r.clientCpuNanos = client0 < 0 || client1 < 0 ? -1 : client1 - client0;
    return r;
  }

  /**
   * The server's own user + system time and that of the children it has reaped (a spawning server's
   * per-connection programs), in that order; null when not known.
   */
  private long[] serverCpuNanos() {
    if (serverPid <= 0) return null;
    try {
      String stat =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + serverPid + "/stat"));
      // Fields after the parenthesised command name: state is field 3; utime, stime are 14, 15;
      // cutime, cstime (reaped children) are 16, 17.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long self = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
      long children = Long.parseLong(f[16 - 3]) + Long.parseLong(f[17 - 3]);
      long tick = 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
      return new long[] {self * tick, children * tick};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long clientCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
        : -1;
  }

  private static void sleepUntil(long deadlineNanos) throws InterruptedException {
    long left;
    while ((left = deadlineNanos - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(left);
  }

  /** One client thread: iterations back to back until the stop time. */
  private final class Client implements Runnable {
    private final CountDownLatch done;
    private final byte[] echo = new byte[payload.length];
    private long[] samples = new long[1024];
    private int count;
    private final TreeMap<String, Long> errors = new TreeMap<>();
    private long nulSkipped;

    Client(CountDownLatch done) {
      this.done = done;
    }

    @Override
    public void run() {
      try {
        while (true) {
          long t0 = System.nanoTime();
          if (t0 >= stopAtNanos) return;
          String error = iteration();
          long t1 = System.nanoTime();
          boolean counted = t0 >= measureFromNanos && t1 <= stopAtNanos;
          if (error == null) {
            if (counted) record(t1 - t0);
          } else {
            if (counted) errors.merge(error, 1L, Long::sum);
            sleepQuietly(ERROR_PAUSE_MILLIS);
          }
        }
      } finally {
        done.countDown();
      }
    }

    /** One connection; returns null on success, else a short error kind. */
    private String iteration() {
      try (Socket s = new Socket()) {
        s.setTcpNoDelay(true);
        s.setSoTimeout(timeoutMillis);
        s.connect(target, timeoutMillis);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        if (request.length > 0) {
          out.write(request);
          String reply = readLine(in);
          if (reply == null) return "eof-before-reply";
          if (!reply.startsWith("+")) return "refused-reply";
        }
        out.write(payload);
        int got = 0;
        while (got < echo.length) {
          int n = in.read(echo, got, echo.length - got);
          if (n < 0) return "short-echo";
          // xinetd's TCPMUX: a NUL after "+Go\r\n"; payload bytes are never NUL.
          if (got == 0 && n > 0 && echo[0] == 0) {
            System.arraycopy(echo, 1, echo, 0, n - 1);
            n--;
            nulSkipped++;
          }
          got += n;
        }
        if (!Arrays.equals(echo, payload)) return "wrong-echo";
        return null;
      } catch (java.net.SocketTimeoutException e) {
        return "timeout";
      } catch (java.net.ConnectException e) {
        return "connect";
      } catch (IOException e) {
        return "io:" + e.getClass().getSimpleName();
      }
    }

    private void record(long nanos) {
      if (count == samples.length) {
        if (count >= MAX_SAMPLES_PER_CLIENT) return;
        samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES_PER_CLIENT, count * 2));
      }
      samples[count++] = nanos;
    }
  }

  /** Reads one line ending in LF (CR dropped); null on EOF before any byte; bounded in length. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < MAX_REPLY_LINE; i++) {
      int b = in.read();
      if (b < 0) return sb.length() == 0 ? null : sb.toString();
      if (b == '\n') return sb.toString();
      if (b != '\r') sb.append((char) b);
    }
    return sb.toString();
  }

  /** The merged figures of all clients over the measured window. */
  private static final class Result {
    long connections;
    double seconds;
    long[] sorted;
    TreeMap<String, Long> errors = new TreeMap<>();
    long nulSkipped;
    long serverCpuNanos = -1;
    long serverSelfCpuNanos = -1;
    long serverChildCpuNanos = -1;
    long clientCpuNanos = -1;

    static Result merge(List<Client> clients, double seconds) {
      Result r = new Result();
      r.seconds = seconds;
      int total = 0;
      for (Client c : clients) total += c.count;
      r.sorted = new long[total];
      int at = 0;
      for (Client c : clients) {
        System.arraycopy(c.samples, 0, r.sorted, at, c.count);
        at += c.count;
        c.errors.forEach((k, v) -> r.errors.merge(k, v, Long::sum));
        r.nulSkipped += c.nulSkipped;
      }
      Arrays.sort(r.sorted);
      r.connections = total;
      return r;
    }

    double percentileMillis(double p) {
      if (sorted.length == 0) return 0;
      int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    void print(String label, int clients) {
      long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
      double cps = connections / seconds;
      double p50 = percentileMillis(50), p99 = percentileMillis(99), max = percentileMillis(100);
      System.out.println(
          String.format(
              Locale.ROOT,
              "%-16s clients=%-4d %9.0f conn/s  p50 %7.3f ms  p99 %7.3f ms  max %8.3f ms  errors"
                  + " %d%s",
              label,
              clients,
              cps,
              p50,
              p99,
              max,
              errorCount,
              errors.isEmpty() ? "" : " " + errors));
      double serverUs = perConnectionMicros(serverCpuNanos),
          clientUs = perConnectionMicros(clientCpuNanos);
      if (serverUs >= 0 || clientUs >= 0) {
        System.out.println(
            String.format(
                Locale.ROOT,
                "  cpu per connection: server %s, client %s (cores: server %s, client %s)",
                micros(serverUs),
                micros(clientUs),
                cores(serverCpuNanos),
                cores(clientCpuNanos)));
        if (serverChildCpuNanos > 0) {
          System.out.println(
              String.format(
                  Locale.ROOT,
                  "  server cpu per connection: itself %s, its reaped children %s",
                  micros(perConnectionMicros(serverSelfCpuNanos)),
                  micros(perConnectionMicros(serverChildCpuNanos))));
        }
      }
      if (nulSkipped > 0) {
        System.out.println(
            "  note: skipped a NUL after the '+' reply on " + nulSkipped + " connections (xinetd)");
      }
      System.out.println(
          String.format(
              Locale.ROOT,
              "RESULT label=%s clients=%d seconds=%.2f conns=%d cps=%.1f p50_ms=%.3f p99_ms=%.3f"
                  + " max_ms=%.3f errors=%d server_cpu_us=%.1f client_cpu_us=%.1f"
                  + " server_self_cpu_us=%.1f server_child_cpu_us=%.1f",
              label,
              clients,
              seconds,
              connections,
              cps,
              p50,
              p99,
              max,
              errorCount,
              serverUs,
              clientUs,
              perConnectionMicros(serverSelfCpuNanos),
              perConnectionMicros(serverChildCpuNanos)));
    }

    /** CPU microseconds per measured connection, or -1 when unknown. */
    private double perConnectionMicros(long cpuNanos) {
      return cpuNanos < 0 || connections == 0 ? -1 : cpuNanos / 1e3 / connections;
    }

    private String cores(long cpuNanos) {
      return cpuNanos < 0 ? "?" : String.format(Locale.ROOT, "%.2f", cpuNanos / 1e9 / seconds);
    }

    private static String micros(double us) {
      return us < 0 ? "?" : String.format(Locale.ROOT, "%.1f us", us);
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length)
        throw usage("expected --key value, got " + args[i]);
      m.put(args[i].substring(2), args[++i]);
    }
    return m;
  }

  private static int intOpt(Map<String, String> opt, String key, int dflt) {
    String v = opt.get(key);
    try {
      return v == null ? dflt : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw usage("--" + key + " must be a number, got " + v);
    }
  }

  private static IllegalArgumentException usage(String message) {
    return new IllegalArgumentException(
        message
            + "\n"
            + "usage: ConnectLoad --port N [--host 127.0.0.1] [--name SERVICE] [--clients 8]"
            + " [--duration 10] [--warmup 2] [--payload 64] [--timeout-ms 5000] [--label TEXT]");
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
