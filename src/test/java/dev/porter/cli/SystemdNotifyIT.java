package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.PorterProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** porter tells systemd about itself through NOTIFY_SOCKET, as a real systemd would receive it. */
class SystemdNotifyIT {

  @Test
  void readyReloadingAndStoppingReachAPathSocket(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("notify.sock");
    try (Receiver r = new Receiver(new UnixSocketAddress(socket.toString()))) {
      runThroughALife(dir, socket.toString(), r);
    }
  }

  @Test
  void readyReloadingAndStoppingReachAnAbstractSocket(@TempDir Path dir) throws Exception {
    String name = "porter-test-notify-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (Receiver r = new Receiver(new UnixSocketAddress("\0" + name))) {
      runThroughALife(dir, "@" + name, r);
    }
  }

  private static void runThroughALife(Path dir, String notifySocket, Receiver r) throws Exception {
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        "control.socket = \"unix://"
            + dir.resolve("ctl.sock")
            + "\"\n"
            + "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n");
    try (PorterProcess p =
        PorterProcess.start(Map.of("NOTIFY_SOCKET", notifySocket), "run", "-c", conf.toString())) {
      r.await(1, p);
      String ready = r.messages.get(0);
      assertTrue(ready.startsWith("READY=1\n"), ready);
      assertTrue(ready.contains("\nMAINPID=" + p.process.pid() + "\n"), ready);
      assertTrue(ready.contains("\nSTATUS=serving 1 component(s)"), ready);

      p.signal("HUP");
      r.await(3, p);
      String reloading = r.messages.get(1);
      assertTrue(reloading.startsWith("RELOADING=1\nMONOTONIC_USEC="), reloading);
      long usec = Long.parseLong(reloading.split("\n")[1].substring("MONOTONIC_USEC=".length()));
      assertTrue(usec > 0, reloading);
      assertTrue(r.messages.get(2).startsWith("READY=1\n"), r.messages.toString());

      assertEquals(0, p.terminate());
      r.await(4, p);
      assertTrue(r.messages.get(3).startsWith("STOPPING=1"), r.messages.toString());
      assertEquals(4, r.messages.size(), r.messages.toString());
    }
  }

  /** A datagram socket standing in for systemd's notification socket. */
  private static final class Receiver implements AutoCloseable {
    final List<String> messages = new CopyOnWriteArrayList<>();
    private final UnixDatagramChannel channel;

    Receiver(UnixSocketAddress address) throws IOException {
      channel = UnixDatagramChannel.open();
      channel.bind(address);
      channel.configureBlocking(false);
    }

    void await(int count, PorterProcess p) {
      Await.until(
          () -> count + " notification(s), got " + messages + "; stderr: " + p.stderr,
          Duration.ofSeconds(30),
          () -> {
            poll();
            return messages.size() >= count;
          });
    }

    private void poll() {
      ByteBuffer b = ByteBuffer.allocate(4096);
      try {
        while (channel.receive(b) != null && b.position() > 0) {
          b.flip();
          messages.add(StandardCharsets.UTF_8.decode(b).toString());
          b.clear();
        }
      } catch (IOException e) {
        // jnr-unixsocket reports EAGAIN on an empty non-blocking socket as an exception, not null.
        if (!"Resource temporarily unavailable".equals(e.getMessage()))
          throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
