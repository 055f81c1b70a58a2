package dev.porter.process;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.Channel;

/**
 * Raw descriptors of JDK channels, and their blocking mode.
 *
 * <p>Before a socket is handed to a child: cancel its selection key (the JDK channel must no longer
 * be registered with any selector) and call {@code setBlocking(fd, true)}. O_NONBLOCK lives on the
 * open file, which the child shares, and programs like {@code cat} fail with EAGAIN on a
 * non-blocking stdin. Doing both is the caller's job: this class does not touch selectors.
 */
public final class Descriptors {
  private static final Class<?> SEL_CH_IMPL = selChImpl();
  private static final MethodHandle GET_FD_VAL = lookupGetFdVal();

  private Descriptors() {}

  /**
   * The descriptor of a JDK socket channel ({@code SocketChannel}, {@code ServerSocketChannel},
   * {@code DatagramChannel}, and their unix-domain forms), via {@code sun.nio.ch.SelChImpl}.
   *
   * @throws IllegalStateException the JVM was started without {@code
   *     --add-exports=java.base/sun.nio.ch=ALL-UNNAMED} (the porter jar's manifest has it)
   * @throws IllegalArgumentException the channel is not one of the JDK's selectable channels
   */
  public static int fdOf(Channel channel) {
    if (GET_FD_VAL == null) {
      throw new IllegalStateException(
          "cannot read a channel's descriptor: java.base/sun.nio.ch is not exported; run with"
              + " --add-exports=java.base/sun.nio.ch=ALL-UNNAMED (porter.jar's manifest has"
              + " Add-Exports for java -jar)");
    }
    if (!SEL_CH_IMPL.isInstance(channel)) {
      throw new IllegalArgumentException(
          "not a JDK selectable channel: " + channel.getClass().getName());
    }
    try {
      return (int) GET_FD_VAL.invoke(channel);
    } catch (Throwable t) {
      throw new IllegalStateException("SelChImpl.getFDVal failed on " + channel, t);
    }
  }

  /** Sets or clears O_NONBLOCK on {@code fd} with fcntl. */
  public static void setBlocking(int fd, boolean blocking) {
    int flags = Native.C.fcntl(fd, Native.F_GETFL, 0);
    if (flags < 0) throw fcntlFailed(fd, "F_GETFL");
    int wanted = blocking ? flags & ~Native.O_NONBLOCK : flags | Native.O_NONBLOCK;
    if (wanted != flags && Native.C.fcntl(fd, Native.F_SETFL, wanted) < 0) {
      throw fcntlFailed(fd, "F_SETFL");
    }
  }

  /** True when O_NONBLOCK is clear on {@code fd}. */
  public static boolean isBlocking(int fd) {
    int flags = Native.C.fcntl(fd, Native.F_GETFL, 0);
    if (flags < 0) throw fcntlFailed(fd, "F_GETFL");
    return (flags & Native.O_NONBLOCK) == 0;
  }

  /** Closes a raw descriptor porter owns (one received with {@link FdPassing#receive}). */
  public static void close(int fd) {
    if (Native.C.close(fd) < 0) {
      int errno = Native.errno();
      throw new IllegalStateException("close(" + fd + ") failed: " + Native.strerror(errno));
    }
  }

  private static IllegalStateException fcntlFailed(int fd, String cmd) {
    int errno = Native.errno();
    return new IllegalStateException(
        "fcntl(" + fd + ", " + cmd + ") failed: " + Native.strerror(errno));
  }

  private static Class<?> selChImpl() {
    try {
      return Class.forName("sun.nio.ch.SelChImpl");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("this JDK has no sun.nio.ch.SelChImpl", e);
    }
  }

  /** Null when the package is not exported to us; {@link #fdOf} then explains. */
  private static MethodHandle lookupGetFdVal() {
    try {
      return MethodHandles.lookup()
          .findVirtual(SEL_CH_IMPL, "getFDVal", MethodType.methodType(int.class));
    } catch (IllegalAccessException | NoSuchMethodException e) {
      return null;
    }
  }
}
