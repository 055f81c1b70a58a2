package dev.porter.supervisor;

/**
 * A component limit that refused a connection or held a start back, named as in the configuration.
 */
enum Limit {
  MAX_INSTANCES("max-instances", "service busy"),
  MAX_RATE("max-rate", "too many connections, try again later");

  private final String configName;
  private final String reply;

  Limit(String configName, String reply) {
    this.configName = configName;
    this.reply = reply;
  }

  /** The statement's name, as logs show it: {@code max-instances}. */
  String configName() {
    return configName;
  }

  /**
   * What a client is told (after {@code -} through a master) unless {@code max-instances-message}
   * says otherwise.
   */
  String reply() {
    return reply;
  }

  @Override
  public String toString() {
    return configName;
  }
}
