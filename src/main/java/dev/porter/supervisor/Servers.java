package dev.porter.supervisor;

import dev.porter.config.Builtin;
import dev.porter.config.ComponentSpec;
import dev.porter.config.Endpoint;
import dev.porter.config.Flag;
import dev.porter.config.Mode;
import dev.porter.service.Builtins;
import dev.porter.service.Qotd;
import dev.porter.tcpmux.TcpmuxMaster;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what serves a component's connections: a built-in, a TCPMUX master, a child per
 * connection, a daemon reached by descriptor passing, a route, or a mux link's entrance.
 */
final class Servers {
  private static final Logger log = LoggerFactory.getLogger("dev.porter");

  private final Children children;
  private final MuxLinks muxLinks;
  private final Clock clock;
  private final Supplier<Qotd> qotd;
  private final Pipeline pipeline;

  /**
   * @param qotd the quotes as the last start or reload read them
   */
  Servers(
      Children children, MuxLinks muxLinks, Clock clock, Supplier<Qotd> qotd, Pipeline pipeline) {
    this.children = children;
    this.muxLinks = muxLinks;
    this.clock = clock;
    this.qotd = qotd;
    this.pipeline = pipeline;
  }

  /** What serves the connections of a component that takes them. */
  Server forConnections(ComponentRuntime rt) {
    ComponentSpec spec = rt.spec;
    if (spec.builtin().isPresent()) {
      Builtin b = spec.builtin().get();
      switch (b) {
        case TCPMUX:
          {
            long timeout = spec.nameTimeout().toNanos();
            String name = spec.name();
            return new Server() {
              @Override
              public void serve(Arrival a, java.nio.ByteBuffer leftover) {
                // A named subordinate takes the connection the same way in, as the master's arrival
                // handed on.
                a.connection()
                    .setHandler(
                        new TcpmuxMaster<>(
                            name,
                            rt.directory::get,
                            timeout,
                            (sub, c, rest) -> pipeline.enter(a.handedTo(sub.serving()), rest)),
                        leftover);
              }

              @Override
              public boolean takesSocket() {
                return true; // a subordinate may be a program that reads the socket itself
              }
            };
          }
        case TELNET_PROXY:
          if (spec.route().filter(r -> r.scheme() == Endpoint.Scheme.MUX).isPresent()) {
            return unavailable(spec, "builtin telnet-proxy over a mux route");
          }
          return new TelnetProxyServer(spec);
        default:
          return new BuiltinServer(Builtins.handler(b, qotd, clock));
      }
    }
    if (spec.has(Flag.WAIT)) {
      // Connections never reach porter: the child accepts on the listening socket itself.
      return (a, leftover) -> a.connection().close();
    }
    if (!spec.command().isEmpty() && (spec.mode() == Mode.INETD || spec.mode() == Mode.ACCEPT)) {
      return new SpawnServer(rt, children);
    }
    if (spec.passFdSocket().isPresent()) return new PassFdServer(rt, children);
    // A mux entrance; a route exit, whose streams its link relays itself.
    if (spec.route().filter(r -> r.scheme() == Endpoint.Scheme.MUX).isPresent())
      return muxLinks.entrance(spec);
    if (spec.route().isPresent() && spec.muxLink().isPresent())
      return (a, leftover) -> a.connection().close();
    if (RouteServer.serves(spec)) return new RouteServer(spec);
    if (spec.route().isPresent()) return unavailable(spec, "route " + spec.route().get());
    return unavailable(spec, "mode " + spec.mode().configName());
  }

  // Refuses connections of a kind this build cannot serve, saying so once when it is set up.
  private static Server unavailable(ComponentSpec spec, String what) {
    log.error(
        "component {}: {} is not available in this version of porter; its connections are refused",
        spec.name(),
        what);
    return (a, leftover) -> a.refuse("service unavailable");
  }
}
