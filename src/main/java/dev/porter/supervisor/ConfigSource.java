package dev.porter.supervisor;

import dev.porter.config.ConfigException;
import dev.porter.config.PorterConfig;

/** Where a reload gets the new configuration: reading and validating it (a file, often). */
@FunctionalInterface
public interface ConfigSource {
  /** The configuration now; blocking is fine (it runs off the supervisor thread). */
  PorterConfig load() throws ConfigException;
}
