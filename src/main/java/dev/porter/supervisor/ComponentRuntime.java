package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.net.Listener;
import dev.porter.tcpmux.Directory;
import java.util.Optional;

/**
 * A component as porter runs it: its declaration, limits and counters, socket, the server behind it
 * and the daemon that runs its program. The supervisor's own: the fields that change are touched on
 * the supervisor thread only. The final ones (declaration, limits, counters) are safe anywhere;
 * what the event loops read is the {@link Serving} built from it.
 */
final class ComponentRuntime {
  final ComponentSpec spec;

  /** Limits and counts; a changed declaration's runtime counts on from the old one's. */
  final Admission admission;

  /** Bytes of closed connections, kept across reloads. */
  final Traffic traffic;

  /** A TCPMUX master's subordinates as its connections see them (empty for other components). */
  final Published<Directory<SubordinateAdapter>> directory = new Published<>(Directory.empty());

  Optional<Listener> listener = Optional.empty();
  Optional<Server> server = Optional.empty();
  Optional<Daemon> daemon = Optional.empty();

  /**
   * What its connections are served with, since the last start or reload; empty if it takes none.
   */
  Optional<Serving> serving = Optional.empty();

  ComponentRuntime(ComponentSpec spec, Admission admission, Traffic traffic) {
    this.spec = spec;
    this.admission = admission;
    this.traffic = traffic;
  }

  String name() {
    return spec.name();
  }
}
