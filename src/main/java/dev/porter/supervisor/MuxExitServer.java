package dev.porter.supervisor;

import dev.porter.config.Endpoint;
import dev.porter.config.Flag;
import dev.porter.mux.MuxExit;
import dev.porter.net.Connection;
import java.nio.ByteBuffer;
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

  private final Pipeline pipeline;

  MuxExitServer(Serving s, Pipeline pipeline) {
    super(s);
    this.pipeline = pipeline;
  }

  // A bridged stream takes the same path as any connection, as a subordinate's.
  @Override
  public void enter(Connection c, ByteBuffer leftover) {
    pipeline.enter(Arrival.stream(c, s), leftover);
  }

  @Override
  public Optional<Route> route() {
    Optional<Endpoint> to = s.spec().route().filter(r -> r.scheme() != Endpoint.Scheme.MUX);
    return to.map(
        ep ->
            new Route(
                ep,
                s.spec().connectTimeout(),
                s.spec().idleTimeout(),
                s.spec().has(Flag.TCPMUXPLUS)));
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
