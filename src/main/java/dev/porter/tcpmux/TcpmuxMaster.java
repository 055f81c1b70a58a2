package dev.porter.tcpmux;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.LingeringClose;
import dev.porter.net.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 1078 master's handler for one connection: reads the name line under a deadline, answers
 * {@code help}, refuses with {@code -reason}, or hands the connection to a subordinate together
 * with every byte the client sent after the line.
 */
public final class TcpmuxMaster implements ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.tcpmux");

  private final String component;
  private final Supplier<Directory> directory;
  private final long nameTimeoutNanos;
  private final NameLine line = new NameLine();
  private Timer deadline;
  private boolean decided;

  /**
   * @param component the master's component name, for logs
   * @param directory the current subordinate table (read when the name arrives, so reloads apply)
   */
  public TcpmuxMaster(String component, Supplier<Directory> directory, long nameTimeoutNanos) {
    this.component = component;
    this.directory = directory;
    this.nameTimeoutNanos = nameTimeoutNanos;
  }

  @Override
  public void onOpen(Connection c) {
    // Never read past the name line: a spawned subordinate reads the rest from the socket itself.
    c.setReadLimit(1);
    deadline = c.loop().schedule(nameTimeoutNanos, () -> {
      if (decided || !c.isOpen()) return;
      decided = true;
      log.info("component {}: client {} sent no service name in time", component, c.client());
      refuse(c, "timeout");
    });
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    if (decided) {
      data.position(data.limit());
      return;
    }
    switch (line.feed(data)) {
      case NEED_MORE:
        return;
      case TOO_LONG:
        finish();
        unlimited(c);
        data.position(data.limit());
        log.info("component {}: client {} sent a name line over {} bytes", component, c.client(),
            NameLine.MAX_LENGTH);
        refuse(c, "service name too long");
        return;
      case INVALID:
        finish();
        unlimited(c);
        data.position(data.limit());
        log.info("component {}: client {} sent a malformed name line", component, c.client());
        refuse(c, "invalid service name");
        return;
      case DONE:
        finish();
        unlimited(c);
        dispatch(c, line.name(), data);
        return;
      default:
        throw new AssertionError();
    }
  }

  @Override
  public void onInputClosed(Connection c) {
    // A client that closes before finishing its name line gets nothing more.
    c.close();
  }

  @Override
  public void onClosed(Connection c) {
    if (deadline != null) deadline.cancel();
  }

  private void finish() {
    decided = true;
    deadline.cancel();
  }

  private static void unlimited(Connection c) {
    c.setReadLimit(0);
  }

  private void dispatch(Connection c, String name, ByteBuffer leftover) {
    TcpmuxDecision d = TcpmuxDecision.decide(name, directory.get(), c.remoteAddress());
    if (d instanceof TcpmuxDecision.Help help) {
      c.write(help.text().getBytes(StandardCharsets.US_ASCII));
      c.closeWhenFlushed();
    } else if (d instanceof TcpmuxDecision.Unknown unknown) {
      log.info("component {}: client {} asked for unknown service \"{}\"", component, c.client(),
          unknown.name());
      refuse(c, unknown.reply());
    } else if (d instanceof TcpmuxDecision.Denied denied) {
      Subordinate s = denied.subordinate();
      log.info("component {}: refused {} (acl subordinate)", s.component(), c.client());
      s.refusedByAcl();
      refuse(c, denied.reply());
    } else {
      Subordinate s = ((TcpmuxDecision.Serve) d).subordinate();
      if (s.admit(c)) s.serve(c, leftover);
    }
  }

  /** Sends {@code -reason CRLF}, then closes without losing the reply (see {@link LingeringClose}). */
  public static void refuse(Connection c, String reason) {
    c.write(("-" + reason + "\r\n").getBytes(StandardCharsets.US_ASCII));
    LingeringClose.start(c);
  }
}
