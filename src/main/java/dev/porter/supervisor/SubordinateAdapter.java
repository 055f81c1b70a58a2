package dev.porter.supervisor;

import dev.porter.acl.Acl;
import dev.porter.net.Connection;
import dev.porter.tcpmux.Subordinate;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Presents a component to its TCPMUX master: name, ACL, limits, and the server behind it. A mux
 * link's exits are presented the same way ({@link MuxExitServer}).
 */
class SubordinateAdapter implements Subordinate {
  final ComponentRuntime rt;
  final Server server;
  final Pipeline pipeline;

  SubordinateAdapter(ComponentRuntime rt, Server server, Pipeline pipeline) {
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
  public Acl acl() {
    return rt.spec.acl();
  }

  @Override
  public boolean admit(Connection c) {
    return pipeline.admit(rt, c, Optional.of((Session) c.attachment()));
  }

  @Override
  public void refusedByAcl() {
    rt.admission.refusedByAcl();
  }

  @Override
  public void serve(Connection c, ByteBuffer leftover) {
    server.serve(c, leftover, true);
  }
}
