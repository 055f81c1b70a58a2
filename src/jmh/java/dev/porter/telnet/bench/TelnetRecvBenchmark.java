package dev.porter.telnet.bench;

import dev.porter.telnet.Telnet;
import dev.porter.telnet.TelnetHandler;
import dev.porter.telnet.TeloptTable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Receive throughput of {@link Telnet} on bench.c's three streams, fed like bench.c does: a fresh
 * connection per pass, the option table {1,3,24,31: WILL/DO}, 4096-byte {@code recv} calls, and a
 * handler that only counts events and DATA/SEND bytes. One operation is one pass over the whole
 * stream, timed on average (a pass takes up to a second, too long for ops/s to be precise): MB/s =
 * stream size / time per pass = 67.108864 MB / (ms/op / 1000) for the default 64 MiB.
 *
 * <p>{@link #recvBestPass} times single passes instead, so that the fastest one can be compared
 * with bench.c's "best of 5" on a machine shared with other work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
public class TelnetRecvBenchmark {

  @Param({"plain", "iac1pct", "neg"})
  public String stream;

  /** bench.c's default: 64 MiB per stream. */
  @Param({"64"})
  public int mib;

  /** bench.c's default chunk, like one socket read. */
  @Param({"4096"})
  public int chunk;

  private byte[] input;
  private static final TeloptTable TABLE =
      TeloptTable.builder()
          .entry(1, Telnet.WILL, Telnet.DO)
          .entry(3, Telnet.WILL, Telnet.DO)
          .entry(24, Telnet.WILL, Telnet.DO)
          .entry(31, Telnet.WILL, Telnet.DO)
          .build();

  /** bench.c's event handler: counts events, and bytes of DATA and SEND. */
  static final class Counter implements TelnetHandler {
    long events;
    long bytes;

    @Override
    public void onData(byte[] buf, int off, int len) {
      events++;
      bytes += len;
    }

    @Override
    public void onSend(byte[] buf, int off, int len) {
      events++;
      bytes += len;
    }

    @Override
    public void onIac(int command) {
      events++;
    }

    @Override
    public void onNegotiate(int command, int option) {
      events++;
    }

    @Override
    public void onSubnegotiation(int option, byte[] buf, int off, int len) {
      events++;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    input = BenchStreams.generate(stream, mib);
  }

  @Benchmark
  public long recv() {
    return onePass();
  }

  /** One pass per iteration; the minimum over the iterations is the best pass. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 10)
  @Measurement(iterations = 40)
  public long recvBestPass() {
    return onePass();
  }

  private long onePass() {
    Counter counter = new Counter();
    Telnet t = new Telnet(TABLE, counter, 0);
    byte[] in = input;
    int n = in.length;
    for (int off = 0; off < n; off += chunk) {
      t.recv(in, off, Math.min(chunk, n - off));
    }
    return counter.events + counter.bytes;
  }
}
