package dev.porter.config;

/** The services porter serves itself. */
public enum Builtin {
  TCPMUX,
  ECHO,
  DISCARD,
  DAYTIME,
  TIME,
  CHARGEN,
  QOTD,
  TELNET_PROXY;

  /** The name as written in the configuration. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
