package dev.porter.config;

import java.util.List;
import java.util.Map;

/**
 * A child's environment: start empty ({@code clear}) or from porter's, keep, set, unset.
 *
 * @param keep names to keep from porter's environment when {@code clear}; glob patterns such as
 *     {@code LC_*} are allowed
 * @param set in declaration order
 */
public record EnvSpec(
    boolean clear, List<String> keep, Map<String, String> set, List<String> unset) {
  public static final EnvSpec INHERIT = new EnvSpec(false, List.of(), Map.of(), List.of());
}
