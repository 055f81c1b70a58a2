package dev.porter.supervisor;

import dev.porter.config.Endpoint;
import dev.porter.config.Flag;
import dev.porter.mux.MuxExit;
import dev.porter.net.Connection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presents an exit component (one with {@code mux-link}) to its link: name, ACL, limits, and what
 * serves it. A stream bridged to a socket is admitted and served like a TCPMUX subordinate's
 * connection; a route exit's streams are relayed by the link itself and only take a slot here.
 */
final class MuxExitServer extends SubordinateAdapter implements MuxExit {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.connection");

  MuxExitServer(Serving s, Pipeline pipeline) {
    super(s, pipeline);
  }

  // A stream arrives without a master's session: it gets its own.
  @Override
  public boolean admit(Connection c) {
    OpenConnection oc = new OpenConnection(c, s);
    c.attach(oc);
    if (!pipeline.admit(s, c, Optional.of(oc))) return false;
    pipeline.track(oc);
    return true;
  }

  @Override
  public Optional<Route> route() {
    Optional<Endpoint> to = s.spec().route().filter(r -> r.scheme() != Endpoint.Scheme.MUX);
    return to.map(ep -> new Route(ep, s.spec().connectTimeout(), s.spec().idleTimeout(), s.spec().has(Flag.TCPMUXPLUS)));
  }

  @Override
  public Optional<String> admitStream(String client) {
    Optional<Limit> refusal = s.admission().tryAdmit(System.nanoTime());
    if (refusal.isEmpty()) return Optional.empty();
    log.info("component {}: refused {} ({})", s.name(), client, refusal.get());
    return Optional.of(s.spec().maxInstancesMessage().orElse(refusal.get().reply()));
  }

  @Override
  public void releaseStream() {
    s.admission().release();
  }
}
