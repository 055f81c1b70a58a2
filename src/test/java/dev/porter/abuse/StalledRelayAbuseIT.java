package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A backend that accepts and never reads: porter stops reading the client once the backend's queue
 * is full, so it would never see the client leave. send-timeout ends such a relay; a slow backend
 * that keeps taking bytes is left alone.
 */
class StalledRelayAbuseIT {
  @Test
  void aBackendThatNeverReadsLosesItsRelayAfterSendTimeout() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
        LogCapture logs = new LogCapture();
        RunningPorter p =
            RunningPorter.start(
                "shutdown-timeout = 1s\ncomponents { r { socket = \"inet://127.0.0.1:0\","
                    + " route = \"inet://127.0.0.1:"
                    + backend.getLocalPort()
                    + "\", send-timeout = 1s } }")) {
      backend.setReceiveBufferSize(4096);
      CompletableFuture<Socket> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return backend.accept();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      try (Client c = Client.to(p.port("r"))) {
        // More than the kernel buffers between porter and the backend hold.
        CompletableFuture<Void> writer =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 256; i++) c.out().write(chunk);
                  } catch (java.io.IOException expected) {
                    // porter closed the relay
                  }
                });
        try (Socket b = accepted.get(10, TimeUnit.SECONDS)) {
          logs.awaitLine(
              "component r: closing 127.0.0.1:", "the backend took nothing of", "(send-timeout)");
          assertTrue(c.closedByServer(), "the client's side is closed with the backend's");
          assertEquals(
              -1,
              readAfterDrain(b.getInputStream()),
              "porter closed its connection to the backend");
        }
        writer.get(10, TimeUnit.SECONDS);
      }
      Await.until("the relay to be gone", () -> p.porter().activeConnections() == 0);
    }
  }

  @Test
  void aSlowBackendThatKeepsReadingIsNotCutOff() throws Exception {
    int total = 512 * 1024;
    try (ServerSocket backend = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
        LogCapture logs = new LogCapture();
        RunningPorter p =
            RunningPorter.start(
                "shutdown-timeout = 1s\ncomponents { r { socket = \"inet://127.0.0.1:0\","
                    + " route = \"inet://127.0.0.1:"
                    + backend.getLocalPort()
                    + "\", send-timeout = 1s } }")) {
      backend.setReceiveBufferSize(4096);
      CompletableFuture<Long> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket b = backend.accept();
                    InputStream in = b.getInputStream()) {
                  byte[] buf = new byte[16 * 1024];
                  long n = 0;
                  int r;
                  // 16 KiB every 50 ms: a slow reader (320 KB/s), never a stalled one.
                  while ((r = in.read(buf)) >= 0) {
                    n += r;
                    Thread.sleep(50);
                  }
                  return n;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (Client c = Client.to(p.port("r"))) {
        c.out().write(new byte[total]);
        c.shutdownOutput();
        assertEquals(total, received.get(60, TimeUnit.SECONDS));
      }
      assertTrue(
          logs.lines().stream().noneMatch(l -> l.contains("send-timeout")),
          logs.lines().toString());
    }
  }

  /** Reads what is buffered until EOF (or a reset): -1 once porter has closed its side. */
  private static int readAfterDrain(InputStream in) throws java.io.IOException {
    byte[] buf = new byte[64 * 1024];
    try {
      while (in.read(buf) >= 0) {}
    } catch (java.net.SocketException reset) {
      // closed with data unread: the same end
    }
    return -1;
  }
}
