package dev.porter.supervisor;

import dev.porter.acl.Acl;
import dev.porter.tcpmux.Subordinate;

/**
 * Presents a component to its TCPMUX master: its name and its own ACL layer, for the name exchange;
 * the {@link Serving} the master hands an admitted client on with. A mux link's exits are presented
 * the same way ({@link MuxExitServer}).
 */
class SubordinateAdapter implements Subordinate {
  final Serving s;

  SubordinateAdapter(Serving s) {
    this.s = s;
  }

  Serving serving() {
    return s;
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
  public void refusedByAcl() {
    s.admission().refusedByAcl();
  }
}
