package dev.porter.supervisor;

import dev.porter.config.ProxyProtocol;
import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.EventLoopGroup;
import dev.porter.net.LingeringClose;
import dev.porter.net.ProxyHeaderReader;
import dev.porter.tcpmux.TcpmuxMaster;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of every accepted connection, in one place: accept → ACL chain → limits → server
 * (which for a TCPMUX master continues with the name line, subordinate ACL, limits, service).
 * Runs on the event loops, from the {@link Serving} each component's listener was given.
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

  /** Runs the checks once the connection is registered on its own loop. */
  private final class Entry implements ConnectionHandler {
    private final Serving s;

    Entry(Serving s) {
      this.s = s;
    }

    @Override
    public void onOpen(Connection c) {
      // PROXY protocol: the balancer's header names the real client, which the checks must see.
      if (s.spec().proxyProtocol() == ProxyProtocol.ACCEPT) {
        ProxyHeaderReader.read(c, new ProxyHeaderReader.Policy(s.name(), s.spec().proxyProtocolFrom(),
            s.server().takesSocket()), this::checked);
      } else {
        checked(c, ByteBuffer.allocate(0));
      }
    }

    private void checked(Connection c, ByteBuffer early) {
      Optional<String> layer = s.acls().refusingLayer(c.remoteAddress());
      if (layer.isPresent()) {
        log.info("component {}: refused {} (acl {})", s.name(), c.client(), layer.get());
        s.admission().refusedByAcl();
        if (s.spec().isTcpmuxMaster()) TcpmuxMaster.refuse(c, "access denied");
        else c.close();
        return;
      }
      if (!admit(s, c, Optional.empty())) return;
      s.server().serve(c, early, false);
    }

    @Override
    public void onData(Connection c, ByteBuffer data) {
      // Not reached: onOpen always installs the next handler or closes.
      data.position(data.limit());
    }
  }

  /**
   * Applies the component's limits; on success records the connection and its close log line, on
   * refusal logs it and answers (a TCPMUX reply when it came through a master). Returns admitted.
   */
  boolean admit(Serving s, Connection c, Optional<OpenConnection> viaMaster) {
    Optional<Limit> refusal = s.admission().tryAdmit(System.nanoTime());
    if (refusal.isPresent()) {
      log.info("component {}: refused {} ({})", s.name(), c.client(), refusal.get());
      if (viaMaster.isPresent()) {
        TcpmuxMaster.refuse(c, s.spec().maxInstancesMessage().orElse(refusal.get().reply()));
      } else {
        s.spec().maxInstancesMessage().ifPresent(m -> c.write(line(m)));
        LingeringClose.start(c);
      }
      return false;
    }
    Admission admission = s.admission();
    c.onClose(x -> admission.release());
    if (viaMaster.isPresent()) {
      viaMaster.get().serving = s;
    } else {
      OpenConnection oc = new OpenConnection(c, s);
      track(oc);
      c.attach(oc);
    }
    return true;
  }

  /** Lists the connection among the open ones until it closes, then logs its close line. */
  void track(OpenConnection oc) {
    open.add(oc);
    oc.connection.onClose(x -> {
      oc.serving.traffic().add(oc.connection.bytesIn(), oc.connection.bytesOut());
      open.remove(oc);
      logClose(oc);
    });
  }

  private static byte[] line(String message) {
    String m = message.endsWith("\n") ? message : message + "\r\n";
    return m.getBytes(StandardCharsets.UTF_8);
  }

  private static void logClose(OpenConnection oc) {
    Connection c = oc.connection;
    // A child serves a handed-over connection: its exit is logged instead.
    if (c.isDetached() || !log.isInfoEnabled()) return;
    long micros = (System.nanoTime() - c.openedNanos()) / 1000;
    log.info("component {}: closed {} in={} out={} duration={}ms", oc.component(), c.client(), c.bytesIn(),
        c.bytesOut(), millis(micros));
  }

  /** Microseconds as milliseconds with three decimals, without String.format on the hot path. */
  static String millis(long micros) {
    long frac = micros % 1000;
    return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
  }
}
