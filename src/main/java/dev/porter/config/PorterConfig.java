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
 * @param warnings what is valid but probably not meant (a mux.listen anyone may use), in file and
 *     line order; printed by {@code porter check}, logged by {@code porter run}
 */
public record PorterConfig(
    String source,
    Optional<Path> pidfile,
    Duration shutdownTimeout,
    Optional<Path> qotdFile,
    Optional<Endpoint> controlSocket,
    Optional<Endpoint> metricsSocket,
    Acl globalAcl,
    List<ComponentSpec> components,
    List<PorterConfig.Warning> warnings) {

  public Optional<ComponentSpec> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * One warning: where ({@code FILE:LINE}), the key, and what is probably wrong; it prints as
   * {@code FILE:LINE: warning: key: message}.
   */
  public record Warning(String location, String key, String message) {
    @Override
    public String toString() {
      return location + ": warning: " + key + ": " + message;
    }
  }
}
