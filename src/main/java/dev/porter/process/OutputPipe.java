package dev.porter.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A pipe that carries a child's stdout or stderr to porter's log: the child writes to {@link
 * #writeFd()}, a small daemon thread reads lines from the other end until every writer is gone.
 */
public final class OutputPipe {
  /** O_CLOEXEC (Linux): porter's own copies never leak into other children. */
  private static final int O_CLOEXEC = 02000000;

  /** Longest line kept whole; a longer one is logged in pieces of this size. */
  static final int MAX_LINE = 4096;

  private final int readFd;
  private final int writeFd;

  private OutputPipe(int readFd, int writeFd) {
    this.readFd = readFd;
    this.writeFd = writeFd;
  }

  public static OutputPipe open() {
    int[] fds = new int[2];
    if (Native.C.pipe2(fds, O_CLOEXEC) != 0) {
      throw new IllegalStateException(
          "pipe2 failed: " + Native.C.strerror(Native.RUNTIME.getLastError()));
    }
    return new OutputPipe(fds[0], fds[1]);
  }

  /** The end to give the child (as {@code Stdio.inherit(writeFd())}). */
  public int writeFd() {
    return writeFd;
  }

  /**
   * Closes porter's copy of the write end (call after the spawn) and starts the reader, which hands
   * each line to {@code lines} and closes the read end at EOF.
   */
  public void pumpLines(String threadName, Consumer<String> lines) {
    Native.C.close(writeFd);
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              ByteArrayOutputStream line = new ByteArrayOutputStream();
              try {
                long n;
                while ((n = Native.C.read(readFd, buf, buf.length)) != 0) {
                  if (n < 0) {
                    if (Native.RUNTIME.getLastError() == Native.EINTR) continue;
                    break;
                  }
                  for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n' || line.size() == MAX_LINE) {
                      lines.accept(text(line));
                      line.reset();
                      if (b == '\n') continue;
                    }
                    line.write(b);
                  }
                }
                if (line.size() > 0) lines.accept(text(line));
              } finally {
                Native.C.close(readFd);
              }
            },
            threadName);
    t.setDaemon(true);
    t.start();
  }

  /** Closes both ends (when the spawn failed). */
  public void abandon() {
    Native.C.close(writeFd);
    Native.C.close(readFd);
  }

  private static String text(ByteArrayOutputStream line) {
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
