package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Flag;
import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.process.Descriptors;
import dev.porter.process.ExitStatus;
import dev.porter.process.SocketEnv;
import dev.porter.process.SpawnException;
import dev.porter.process.Stdio;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * inetd-style service: each connection is handed to a new child as its fds 0, 1 and 2. The child
 * holds the component's instance slot until it exits.
 */
final class SpawnServer implements Server {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.connection");
  private static final byte[] PLUS = "+\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ComponentRuntime rt;
  private final ComponentSpec spec;
  private final Children children;

  SpawnServer(ComponentRuntime rt, Children children) {
    this.rt = rt;
    this.spec = rt.spec;
    this.children = children;
  }

  @Override
  public boolean takesSocket() {
    return true;
  }

  @Override
  public void serve(Arrival a, ByteBuffer leftover) {
    Connection c = a.connection();
    if (leftover.hasRemaining()) {
      // The master reads no further than the name line, so this cannot happen; if it did, the
      // child would miss bytes: refuse rather than corrupt the stream.
      log.error(
          "component {}: {} bytes after the name line were read; closing {}",
          spec.name(),
          leftover.remaining(),
          c.client());
      c.close();
      return;
    }
    if (a.throughMaster() && spec.has(Flag.TCPMUXPLUS) && !c.write(PLUS)) {
      // The kernel took only part of "+\r\n": hand over once it is all out.
      c.setHandler(
          new ConnectionHandler() {
            @Override
            public void onData(Connection x, ByteBuffer data) {
              throw new IllegalStateException("reads are suspended");
            }

            @Override
            public void onWritable(Connection x) {
              handOver(x);
            }
          });
      c.suspendReads();
      return;
    }
    handOver(c);
  }

  private void handOver(Connection c) {
    SocketAddress local = c.localAddress();
    SocketAddress remote = c.remoteAddress();
    String client = c.client();
    rt.admission.retain();
    c.detach(ch -> children.onSpawnThread(() -> spawn(ch, local, remote, client)));
  }

  private void spawn(SocketChannel ch, SocketAddress local, SocketAddress remote, String client) {
    long start = System.nanoTime();
    // The slot taken in handOver belongs to the child from here; until it runs, to this task,
    // which gives it back whatever ends the task (an Error too: nothing leaks).
    boolean childHoldsSlot = false;
    try {
      int fd = Descriptors.fdOf(ch);
      Map<String, String> env = Map.of();
      if (spec.has(Flag.SOCKENV)
          && local instanceof InetSocketAddress
          && remote instanceof InetSocketAddress) {
        env =
            SocketEnv.of(
                (InetSocketAddress) local, (InetSocketAddress) remote, spec.has(Flag.RESOLVE));
      }
      Launch.Prepared launch =
          Launch.prepare(spec, Stdio.inherit(fd), Stdio.inherit(fd), Stdio.inherit(fd), env);
      int pid;
      try {
        pid =
            children.spawn(
                spec.name(), launch.request(), (p, status) -> exited(p, status, client, start));
      } catch (SpawnException | RuntimeException e) {
        launch.failed();
        throw e;
      }
      childHoldsSlot = true;
      launch.started(pid);
      log.debug("component {}: started pid {} for {}", spec.name(), pid, client);
    } catch (SpawnException e) {
      log.error(
          "component {}: cannot start for {}: {} (exit {})",
          spec.name(),
          client,
          e.getMessage(),
          e.exitCode());
    } catch (RuntimeException e) {
      log.error("component {}: cannot start for {}: {}", spec.name(), client, e.toString());
    } finally {
      if (!childHoldsSlot) rt.admission.release();
      try {
        ch.close();
      } catch (IOException ignored) {
        // porter's copy of the socket: the child has its own
      }
    }
  }

  private void exited(int pid, ExitStatus status, String client, long startNanos) {
    rt.admission.release();
    if (!log.isInfoEnabled()) return;
    long micros = (System.nanoTime() - startNanos) / 1000;
    log.info(
        "component {}: {} served by pid {} ({}) duration={}ms",
        spec.name(),
        client,
        pid,
        status,
        Pipeline.millis(micros));
  }
}
