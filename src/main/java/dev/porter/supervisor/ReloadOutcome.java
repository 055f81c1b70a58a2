package dev.porter.supervisor;

import java.util.List;

/**
 * What a reload did: {@code applied} with one line per change, or refused with every problem found
 * in the file (the running configuration stays).
 */
public record ReloadOutcome(boolean applied, List<String> lines) {
  public static ReloadOutcome applied(List<String> changes) {
    return new ReloadOutcome(true, List.copyOf(changes));
  }

  public static ReloadOutcome refused(List<String> problems) {
    return new ReloadOutcome(false, List.copyOf(problems));
  }
}
