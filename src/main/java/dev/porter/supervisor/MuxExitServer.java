package dev.porter.supervisor;

import dev.porter.acl.Acl;
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
final class MuxExitServer implements MuxExit {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.connection");

  private final ComponentRuntime rt;
  private final Server server;
  private final Pipeline pipeline;

  MuxExitServer(ComponentRuntime rt, Server server, Pipeline pipeline) {
    this.rt = rt;
    this.server = server;
    this.pipeline = pipeline;
  }

  @Override
  public String service() {
    return rt.spec.service();
  }

  @Override
  public String component() {
    return rt.name();
  }

  @Override
  public void refusedByAcl() {
    rt.admission.refusedByAcl();
  }

  @Override
  public Acl acl() {
    return rt.spec.acl();
  }

  @Override
  public boolean admit(Connection c) {
    Session s = new Session(c, rt.name());
    c.attach(s);
    if (!pipeline.admit(rt, c, Optional.of(s))) return false;
    pipeline.track(s);
    return true;
  }

  @Override
  public void serve(Connection c, ByteBuffer leftover) {
    server.serve(c, leftover, true);
  }

  @Override
  public Optional<Route> route() {
    Optional<Endpoint> to = rt.spec.route().filter(r -> r.scheme() != Endpoint.Scheme.MUX);
    return to.map(ep -> new Route(ep, rt.spec.connectTimeout(), rt.spec.idleTimeout(), rt.spec.has(Flag.TCPMUXPLUS)));
  }

  @Override
  public Optional<String> admitStream(String client) {
    Optional<String> refusal = rt.admission.tryAdmit(System.nanoTime());
    if (refusal.isEmpty()) return Optional.empty();
    log.info("component {}: refused {} ({})", rt.name(), client, refusal.get());
    return Optional.of(rt.spec.maxInstancesMessage()
        .orElse(refusal.get().equals("max-rate") ? "too many connections, try again later" : "service busy"));
  }

  @Override
  public void releaseStream() {
    rt.admission.release();
  }
}
