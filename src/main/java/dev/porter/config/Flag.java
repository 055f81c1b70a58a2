package dev.porter.config;

/** Component flags, named as in GNU pies. */
public enum Flag {
  WAIT,
  TCPMUX,
  TCPMUXPLUS,
  SOCKENV,
  RESOLVE,
  PRECIOUS,
  DISABLE,
  SHELL,
  EXPANDENV,
  NULLINPUT;

  /** The name as written in the configuration. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
