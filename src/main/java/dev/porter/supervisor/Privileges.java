package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.config.PorterConfig;
import dev.porter.process.Processes;
import java.util.ArrayList;
import java.util.List;

/**
 * What a configuration asks that porter's own privileges cannot give: changing a child's user or
 * group needs root. Reported like configuration errors, before anything starts or reloads.
 */
public final class Privileges {
  private Privileges() {}

  /**
   * One {@code FILE:LINE: key: problem} line per component that needs root when porter lacks it.
   */
  public static List<String> problems(PorterConfig cfg) {
    return problems(cfg, Processes.effectiveUid());
  }

  static List<String> problems(PorterConfig cfg, int euid) {
    List<String> out = new ArrayList<>();
    if (euid == 0) return out;
    for (ComponentSpec c : cfg.components()) {
      String key = c.user().isPresent() ? "user" : c.group().isPresent() ? "group" : null;
      if (key == null) continue;
      out.add(
          c.origin()
              + ": components."
              + c.name()
              + "."
              + key
              + ": changing a child's user or group needs"
              + " porter to run as root; it runs as uid "
              + euid);
    }
    return out;
  }
}
