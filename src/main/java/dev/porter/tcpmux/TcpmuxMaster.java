package dev.porter.tcpmux;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.LingeringClose;
import dev.porter.net.OneShotReader;
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
public final class TcpmuxMaster<S extends Subordinate> implements ConnectionHandler {
  /**
   * What happens to a connection once a subordinate that admits its client is named: the rest of
   * the connection's path (the subordinate's limits, then its service), with what the client sent
   * after the name line.
   */
  @FunctionalInterface
  public interface Handoff<S> {
    void enter(S subordinate, Connection c, ByteBuffer leftover);
  }

  private static final Logger log = LoggerFactory.getLogger("dev.porter.tcpmux");

  /** After the help list: what the client still sends is read and dropped until the list is out. */
  private static final ConnectionHandler DRAIN = (c, data) -> data.position(data.limit());

  private final String component;
  private final Supplier<Directory<S>> directory;
  private final Handoff<S> handoff;
  private final NameLineDecoder line = new NameLineDecoder();
  private final OneShotReader reader;
  private Connection connection;

  /**
   * @param component the master's component name, for logs
   * @param directory the current subordinate table (read when the name arrives, so reloads apply)
   * @param handoff what serves the connection once a subordinate is named and allows the client
   */
  public TcpmuxMaster(
      String component,
      Supplier<Directory<S>> directory,
      long nameTimeoutNanos,
      Handoff<S> handoff) {
    this.component = component;
    this.directory = directory;
    this.handoff = handoff;
    // Never read past the name line (exact): a spawned subordinate reads the rest from the socket.
    String subject = "component " + component + ": the TCPMUX name reader";
    this.reader =
        new OneShotReader(subject, line, true, nameTimeoutNanos, this::named, this::refused);
  }

  @Override
  public void onOpen(Connection c) {
    connection = c;
    reader.start(OneShotReader.source(c));
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    reader.feed(data);
  }

  @Override
  public void onInputClosed(Connection c) {
    reader.inputEnded();
  }

  @Override
  public void onClosed(Connection c) {
    reader.closed();
  }

  private void refused(OneShotReader.Refusal why) {
    Connection c = connection;
    if (why == OneShotReader.Refusal.ENDED) {
      // A client that closes before finishing its name line gets nothing more.
      c.close();
      return;
    }
    log.info("component {}: client {} {}", component, c.client(), line.problem(why));
    refuse(c, line.reply(why));
  }

  private void named(ByteBuffer leftover) {
    Connection c = connection;
    TcpmuxDecision<S> d = TcpmuxDecision.decide(line.name(), directory.get(), c.remoteAddress());
    if (d instanceof TcpmuxDecision.Help<S> help) {
      c.write(help.text().getBytes(StandardCharsets.US_ASCII));
      c.setHandler(DRAIN);
      c.closeWhenFlushed();
    } else if (d instanceof TcpmuxDecision.Unknown<S> unknown) {
      log.info(
          "component {}: client {} asked for unknown service \"{}\"",
          component,
          c.client(),
          unknown.name());
      refuse(c, unknown.reply());
    } else if (d instanceof TcpmuxDecision.Denied<S> denied) {
      S s = denied.subordinate();
      log.info("component {}: refused {} (acl subordinate)", s.component(), c.client());
      s.refusedByAcl();
      refuse(c, denied.reply());
    } else {
      handoff.enter(((TcpmuxDecision.Serve<S>) d).subordinate(), c, leftover);
    }
  }

  /**
   * Sends {@code -reason CRLF}, then closes without losing the reply (see {@link LingeringClose}).
   */
  public static void refuse(Connection c, String reason) {
    c.write(("-" + reason + "\r\n").getBytes(StandardCharsets.US_ASCII));
    LingeringClose.start(c);
  }
}
