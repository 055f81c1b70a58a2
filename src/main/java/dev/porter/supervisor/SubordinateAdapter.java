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
  final Serving s;
  final Pipeline pipeline;

  SubordinateAdapter(Serving s, Pipeline pipeline) {
    this.s = s;
    this.pipeline = pipeline;
  }

  @Override
  public String service() {
    return s.spec().service();
  }

  @Override
  public String component() {
    return s.name();
  }

  @Override
  public Acl acl() {
    return s.spec().acl();
  }

  @Override
  public boolean admit(Connection c) {
    return pipeline.admit(s, c, Optional.of((OpenConnection) c.attachment()));
  }

  @Override
  public void refusedByAcl() {
    s.admission().refusedByAcl();
  }

  @Override
  public void serve(Connection c, ByteBuffer leftover) {
    s.server().serve(c, leftover, true);
  }
}
