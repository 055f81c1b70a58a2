package dev.porter.tcpmux;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A master's subordinates by name (or a link's exits); RFC 1078: service names are
 * case-insensitive. {@code S} is what its owner hands connections to.
 */
public final class Directory<S extends Subordinate> {
  private final Map<String, S> byName;
  private final List<S> order;

  public Directory(Collection<? extends S> subordinates) {
    Map<String, S> m = new LinkedHashMap<>();
    for (S s : subordinates) {
      if (m.putIfAbsent(key(s.service()), s) != null) {
        throw new IllegalArgumentException("duplicate TCPMUX service name " + s.service());
      }
    }
    byName = Map.copyOf(m);
    order = List.copyOf(m.values());
  }

  /** A directory with no subordinate. */
  public static <S extends Subordinate> Directory<S> empty() {
    return new Directory<>(List.of());
  }

  public Optional<S> find(String name) {
    return Optional.ofNullable(byName.get(key(name)));
  }

  /** Subordinates in declaration order. */
  public List<S> all() {
    return order;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
