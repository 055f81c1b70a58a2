package dev.porter.process;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.posix.CmsgHdr;
import jnr.posix.MsgHdr;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Passes a descriptor over a connected unix stream socket with SCM_RIGHTS (unix(7)), and receives
 * one: what porter's {@code pass-fd} mode does with accepted connections, and what the daemon at
 * the other end does to get them. Both sides block; call them from a worker thread. A stream socket
 * carries ancillary data only along with real data, so each descriptor rides on one zero byte.
 */
public final class FdPassing {
  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
  private static final int SOL_SOCKET = 1;
  private static final int SCM_RIGHTS = 1;

  /** The received descriptor is close-on-exec, like every descriptor the JDK opens. */
  private static final int MSG_CMSG_CLOEXEC = 0x40000000;

  private FdPassing() {}

  /**
   * Sends {@code fd} over {@code unixSocket} (a connected AF_UNIX stream socket, blocking), with
   * one zero byte as the data the descriptor rides on. The caller still owns {@code fd} and closes
   * its copy afterwards.
   */
  public static void send(int unixSocket, int fd) {
    if (fd < 0) throw new IllegalArgumentException("fd must be >= 0, got " + fd);
    MsgHdr msg = POSIX.allocateMsgHdr();
    // jnr-posix passes the iov buffers' addresses as they are: they must be direct.
    ByteBuffer data = ByteBuffer.allocateDirect(1).put(0, (byte) 0);
    msg.setIov(new ByteBuffer[] {data});
    CmsgHdr c = msg.allocateControl(Integer.BYTES);
    c.setLevel(SOL_SOCKET);
    c.setType(SCM_RIGHTS);
    c.setData(ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(0, fd));
    int n = POSIX.sendmsg(unixSocket, msg, 0);
    if (n < 0) {
      throw new IllegalStateException(
          "cannot pass fd "
              + fd
              + " over fd "
              + unixSocket
              + ": "
              + Native.strerror(POSIX.errno()));
    }
  }

  /**
   * Receives one descriptor sent by {@link #send} (or any SCM_RIGHTS sender that sends one byte
   * with it). Returns the new descriptor, which the caller owns.
   *
   * @throws IllegalStateException the peer closed, or sent bytes without a descriptor
   */
  public static int receive(int unixSocket) {
    MsgHdr msg = POSIX.allocateMsgHdr();
    msg.setIov(new ByteBuffer[] {ByteBuffer.allocateDirect(1)});
    msg.allocateControl(Integer.BYTES);
    int n = POSIX.recvmsg(unixSocket, msg, MSG_CMSG_CLOEXEC);
    if (n < 0) {
      throw new IllegalStateException(
          "cannot receive a fd on fd " + unixSocket + ": " + Native.strerror(POSIX.errno()));
    }
    if (n == 0) throw new IllegalStateException("fd " + unixSocket + ": peer closed, no fd");
    for (CmsgHdr c : msg.getControls()) {
      if (c.getLevel() == SOL_SOCKET && c.getType() == SCM_RIGHTS) {
        return c.getData().order(ByteOrder.nativeOrder()).getInt(0);
      }
    }
    throw new IllegalStateException("fd " + unixSocket + ": message carried no descriptor");
  }
}
