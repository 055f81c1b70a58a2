package dev.porter.config;

/** How a component runs (GNU pies modes, plus {@code mux} for mux links). */
public enum Mode {
  INETD,
  ACCEPT,
  RESPAWN,
  PASS_FD,
  STARTUP,
  SHUTDOWN,
  MUX;

  /** The name as written in the configuration. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
