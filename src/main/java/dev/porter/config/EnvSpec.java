package dev.porter.config;

import java.util.List;
import java.util.Map;

/** A child's environment: start empty ({@code clear}) or from porter's, keep, set, unset. */
public record EnvSpec(boolean clear, List<String> keep, Map<String, String> set, List<String> unset) {
  public static final EnvSpec INHERIT = new EnvSpec(false, List.of(), Map.of(), List.of());
}
