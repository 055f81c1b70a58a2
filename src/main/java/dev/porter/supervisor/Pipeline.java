package dev.porter.supervisor;

import dev.porter.config.ProxyProtocol;
import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.EventLoopGroup;
import dev.porter.net.ProxyHeaderReader;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of every accepted connection, in one place: accept → ACL chain → limits → server (which
 * for a TCPMUX master continues with the name line, subordinate ACL, limits, service). Runs on the
 * event loops, from the {@link Serving} each component's listener was given.
 */
final class Pipeline {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.connection");

  private final EventLoopGroup loops;
  private final OpenConnections open;

  Pipeline(EventLoopGroup loops, OpenConnections open) {
    this.loops = loops;
    this.open = open;
  }

  /** Called on the listener's loop for each accepted channel. */
  void accepted(Serving s, SocketChannel channel) {
    Connection.open(loops.next(), channel, new Entry(s));
  }

  /** Reads a PROXY header first where the component says so, then enters the connection. */
  private final class Entry implements ConnectionHandler {
    private final Serving s;

    Entry(Serving s) {
      this.s = s;
    }

    @Override
    public void onOpen(Connection c) {
      // PROXY protocol: the balancer's header names the real client, which the checks must see.
      if (s.spec().proxyProtocol() == ProxyProtocol.ACCEPT) {
        ProxyHeaderReader.read(
            c,
            new ProxyHeaderReader.Policy(
                s.name(), s.spec().proxyProtocolFrom(), s.server().takesSocket()),
            (conn, early) -> enter(Arrival.accepted(conn, s), early));
      } else {
        enter(Arrival.accepted(c, s), ByteBuffer.allocate(0));
      }
    }

    @Override
    public void onData(Connection c, ByteBuffer data) {
      // Not reached: onOpen always installs the next handler or closes.
      data.position(data.limit());
    }
  }

  /**
   * The path of a connection into its component, the one place it is written: the ACL chain, the
   * limits, the record of the open connection, the server. A TCPMUX master and a mux link's exits
   * come back here for the subordinate a client named, with the subordinate's own ACL layer already
   * decided by the name (RFC 1078: {@code help} lists only what the client may use). Every refusal
   * is logged with the client and the component, and answered as the client expects ({@link
   * Arrival#refuse}).
   *
   * @param early what the client sent already (after a PROXY header or a name line)
   */
  void enter(Arrival a, ByteBuffer early) {
    Serving s = a.serving();
    Connection c = a.connection();
    if (!a.throughMaster()) {
      Optional<String> layer = s.acls().refusingLayer(c.remoteAddress());
      if (layer.isPresent()) {
        log.info("component {}: refused {} (acl {})", s.name(), c.client(), layer.get());
        s.admission().refusedByAcl();
        a.refuse("access denied");
        return;
      }
    }
    Optional<Limit> refusal = s.admission().tryAdmit(System.nanoTime());
    if (refusal.isPresent()) {
      log.info("component {}: refused {} ({})", s.name(), c.client(), refusal.get());
      a.refuse(refusal.get());
      return;
    }
    Admission admission = s.admission();
    c.onClose(x -> admission.release());
    Arrival admitted;
    if (a.record().isPresent()) {
      a.record().get().serving = s; // a master's connection now counts for its subordinate
      admitted = a;
    } else {
      OpenConnection oc = new OpenConnection(c, s);
      track(oc);
      admitted = a.recorded(oc);
    }
    s.server().serve(admitted, early);
  }

  /** Lists the connection among the open ones until it closes, then logs its close line. */
  private void track(OpenConnection oc) {
    open.add(oc);
    oc.connection.onClose(
        x -> {
          oc.serving.traffic().add(oc.connection.bytesIn(), oc.connection.bytesOut());
          open.remove(oc);
          logClose(oc);
        });
  }

  private static void logClose(OpenConnection oc) {
    Connection c = oc.connection;
    // A child serves a handed-over connection: its exit is logged instead.
    if (c.isDetached() || !log.isInfoEnabled()) return;
    long micros = (System.nanoTime() - c.openedNanos()) / 1000;
    log.info(
        "component {}: closed {} in={} out={} duration={}ms",
        oc.component(),
        c.client(),
        c.bytesIn(),
        c.bytesOut(),
        millis(micros));
  }

  /** Microseconds as milliseconds with three decimals, without String.format on the hot path. */
  static String millis(long micros) {
    long frac = micros % 1000;
    return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
  }
}
