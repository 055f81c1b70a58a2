package dev.porter.supervisor;

import dev.porter.acl.AclChain;
import dev.porter.config.ComponentSpec;

/**
 * What the event loops need to serve one component's connections, as of the last start or reload:
 * its declaration, its ACL chain (global, then its own), its limits and counters, and the server
 * behind it. Immutable; a reload builds a new one for every component and installs it where
 * connections arrive (its listener, its master's directory, its link's exits).
 */
record Serving(
    ComponentSpec spec, AclChain acls, Admission admission, Traffic traffic, Server server) {
  String name() {
    return spec.name();
  }
}
