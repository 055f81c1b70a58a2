package dev.porter.supervisor;

import dev.porter.acl.AclChain;
import dev.porter.config.ComponentSpec;
import dev.porter.net.Listener;
import java.util.Optional;

/**
 * A component as porter runs it: its declaration, limits and counters, socket, and the daemon
 * that runs its program. Owned by the supervisor thread; event loops read the final fields and
 * the volatile ACL chain.
 */
final class ComponentRuntime {
  final ComponentSpec spec;
  final Admission admission;
  /** Global ACL then the component's own; subordinates add theirs in the master. */
  volatile AclChain acls;
  Optional<Listener> listener = Optional.empty();
  Optional<Server> server = Optional.empty();
  Optional<Daemon> daemon = Optional.empty();

  ComponentRuntime(ComponentSpec spec, AclChain acls, Admission admission) {
    this.spec = spec;
    this.acls = acls;
    this.admission = admission;
  }

  String name() {
    return spec.name();
  }
}
