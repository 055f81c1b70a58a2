package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.process.Descriptors;
import dev.porter.process.FdPassing;
import dev.porter.testing.Client;
import dev.porter.testing.RunningPorter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pass-fd mode: porter accepts and hands the descriptor to a running daemon over SCM_RIGHTS. */
class PassFdIT {
  @Test
  void theDaemonReceivesTheClientsConnectionAndServesIt(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("daemon.sock");
    try (ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      daemon.bind(UnixDomainSocketAddress.of(sock));
      // The "daemon": takes one descriptor from porter and greets the client on it.
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel fromPorter = daemon.accept()) {
                  int fd = FdPassing.receive(Descriptors.fdOf(fromPorter));
                  byte[] hello = "served by the daemon\n".getBytes(StandardCharsets.US_ASCII);
                  POSIXFactory.getNativePOSIX().write(fd, hello, hello.length);
                  Descriptors.close(fd);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      try (RunningPorter p =
              RunningPorter.start(
                  String.join(
                      "\n",
                      "components { passed {",
                      "  socket = \"inet://127.0.0.1:0\"",
                      "  pass-fd-socket = \"unix://" + sock + "\"",
                      "} }"));
          Client c = Client.to(p.port("passed"))) {
        assertEquals("served by the daemon\n", c.readAll());
        served.get(10, TimeUnit.SECONDS);
      }
    }
  }
}
