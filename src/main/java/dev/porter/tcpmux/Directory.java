package dev.porter.tcpmux;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A master's subordinates by name; RFC 1078: service names are case-insensitive. */
public final class Directory {
  private final Map<String, Subordinate> byName;
  private final List<Subordinate> order;

  public Directory(Collection<Subordinate> subordinates) {
    Map<String, Subordinate> m = new LinkedHashMap<>();
    for (Subordinate s : subordinates) {
      if (m.putIfAbsent(key(s.service()), s) != null) {
        throw new IllegalArgumentException("duplicate TCPMUX service name " + s.service());
      }
    }
    byName = Map.copyOf(m);
    order = List.copyOf(m.values());
  }

  public Optional<Subordinate> find(String name) {
    return Optional.ofNullable(byName.get(key(name)));
  }

  /** Subordinates in declaration order. */
  public List<Subordinate> all() {
    return order;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
