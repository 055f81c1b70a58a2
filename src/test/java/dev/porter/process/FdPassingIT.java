package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdPassingIT {
  @TempDir Path tmp;

  @Test
  void aConnectionPassedOverAUnixSocketIsServedByTheReceiver() throws Exception {
    UnixDomainSocketAddress path = UnixDomainSocketAddress.of(tmp.resolve("pass.sock"));
    try (ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ServerSocketChannel tcp = ServerSocketChannel.open()) {
      daemon.bind(path);
      tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel porterSide = SocketChannel.open(path);
          SocketChannel daemonSide = daemon.accept();
          SocketChannel client = SocketChannel.open(tcp.getLocalAddress())) {
        int passFd = Descriptors.fdOf(porterSide);
        int recvFd = Descriptors.fdOf(daemonSide);
        Descriptors.setBlocking(passFd, true);
        Descriptors.setBlocking(recvFd, true);

        SocketChannel accepted = tcp.accept();
        String inode = ProcFs.fdTarget(ProcessHandle.current().pid(), Descriptors.fdOf(accepted));
        FdPassing.send(passFd, Descriptors.fdOf(accepted));
        accepted.close(); // porter's copy: the daemon owns the connection now

        int received = FdPassing.receive(recvFd);
        assertNotEquals(recvFd, received);
        assertEquals(inode, ProcFs.fdTarget(ProcessHandle.current().pid(), received));
        byte[] hello = "hello from the daemon\n".getBytes(StandardCharsets.US_ASCII);
        POSIX posix = POSIXFactory.getNativePOSIX();
        assertEquals(hello.length, posix.write(received, hello, hello.length));
        Descriptors.close(received);

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(256);
        int n;
        while ((n = client.read(buf.clear())) >= 0) got.write(buf.array(), 0, n);
        assertEquals("hello from the daemon\n", got.toString(StandardCharsets.US_ASCII));
      }
    }
  }
}
