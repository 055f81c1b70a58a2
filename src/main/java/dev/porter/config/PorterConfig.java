package dev.porter.config;

import dev.porter.acl.Acl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A whole validated configuration: global settings and the components in declaration order.
 *
 * @param source the file it was read from, or {@code <embedded default>}
 */
public record PorterConfig(
    String source,
    Optional<Path> pidfile,
    Duration shutdownTimeout,
    Optional<Path> qotdFile,
    Optional<Endpoint> controlSocket,
    Optional<Endpoint> metricsSocket,
    Acl globalAcl,
    List<ComponentSpec> components) {

  public Optional<ComponentSpec> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
