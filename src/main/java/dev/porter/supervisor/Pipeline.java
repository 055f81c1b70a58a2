package dev.porter.supervisor;

import dev.porter.config.ProxyProtocol;
import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
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
 */
final class Pipeline {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.connection");

  private final Porter porter;

  Pipeline(Porter porter) {
    this.porter = porter;
  }

  /** Called on the listener's loop for each accepted channel. */
  void accepted(ComponentRuntime rt, Server server, SocketChannel channel) {
    Connection.open(porter.loops().next(), channel, new Entry(rt, server));
  }

  /** Runs the checks once the connection is registered on its own loop. */
  private final class Entry implements ConnectionHandler {
    private final ComponentRuntime rt;
    private final Server server;

    Entry(ComponentRuntime rt, Server server) {
      this.rt = rt;
      this.server = server;
    }

    @Override
    public void onOpen(Connection c) {
      // PROXY protocol: the balancer's header names the real client, which the checks must see.
      if (rt.spec.proxyProtocol() == ProxyProtocol.ACCEPT) {
        ProxyHeaderReader.read(c, new ProxyHeaderReader.Policy(rt.name(), rt.spec.proxyProtocolFrom(),
            server.takesSocket()), this::checked);
      } else {
        checked(c, ByteBuffer.allocate(0));
      }
    }

    private void checked(Connection c, ByteBuffer early) {
      Optional<String> layer = rt.acls.refusingLayer(c.remoteAddress());
      if (layer.isPresent()) {
        log.info("component {}: refused {} (acl {})", rt.name(), c.client(), layer.get());
        rt.admission.refusedByAcl();
        if (rt.spec.isTcpmuxMaster()) TcpmuxMaster.refuse(c, "access denied");
        else c.close();
        return;
      }
      if (!admit(rt, c, Optional.empty())) return;
      server.serve(c, early, false);
    }

    @Override
    public void onData(Connection c, ByteBuffer data) {
      // Not reached: onOpen always installs the next handler or closes.
      data.position(data.limit());
    }
  }

  /**
   * Applies the component's limits; on success records the session and its close log line, on
   * refusal logs it and answers (TCPMUX reply when {@code tcpmuxReply} says so). Returns admitted.
   */
  boolean admit(ComponentRuntime rt, Connection c, Optional<Session> viaMaster) {
    Optional<Limit> refusal = rt.admission.tryAdmit(System.nanoTime());
    if (refusal.isPresent()) {
      log.info("component {}: refused {} ({})", rt.name(), c.client(), refusal.get());
      if (viaMaster.isPresent()) {
        TcpmuxMaster.refuse(c, rt.spec.maxInstancesMessage().orElse(refusal.get().reply()));
      } else {
        rt.spec.maxInstancesMessage().ifPresent(m -> c.write(line(m)));
        LingeringClose.start(c);
      }
      return false;
    }
    c.onClose(x -> rt.admission.release());
    if (viaMaster.isPresent()) {
      viaMaster.get().component = rt.name();
    } else {
      Session s = new Session(c, rt.name());
      track(s);
      c.attach(s);
    }
    return true;
  }

  /** Lists the session among the open connections until it closes, then logs its close line. */
  void track(Session s) {
    porter.addSession(s);
    s.connection.onClose(x -> {
      porter.traffic(s.component).add(s.connection.bytesIn(), s.connection.bytesOut());
      porter.removeSession(s);
      logClose(s);
    });
  }


  private static byte[] line(String message) {
    String m = message.endsWith("\n") ? message : message + "\r\n";
    return m.getBytes(StandardCharsets.UTF_8);
  }

  private static void logClose(Session s) {
    Connection c = s.connection;
    // A child serves a handed-over connection: its exit is logged instead.
    if (c.isDetached() || !log.isInfoEnabled()) return;
    long micros = (System.nanoTime() - c.openedNanos()) / 1000;
    log.info("component {}: closed {} in={} out={} duration={}ms", s.component, c.client(), c.bytesIn(),
        c.bytesOut(), millis(micros));
  }

  /** Microseconds as milliseconds with three decimals, without String.format on the hot path. */
  static String millis(long micros) {
    long frac = micros % 1000;
    return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
  }
}
