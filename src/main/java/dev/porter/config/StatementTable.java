package dev.porter.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of one kind of block (a component, or its {@code env}, {@code mux} or {@code
 * mux.tls}): each key and how its value is read into a {@code T}. The table is the block's only
 * list of keys, so the keys accepted, the keys porter.conf(5) must document and the keys read
 * cannot disagree.
 */
final class StatementTable<T> {
  /** Reads one statement's value into {@code into}; {@code key} is its full name, for problems. */
  @FunctionalInterface
  interface Statement<T> {
    void read(ComponentReader reader, T into, ConfigValue value, String key);
  }

  private final Map<String, Statement<T>> statements = new LinkedHashMap<>();

  /** Adds a statement; the order of the calls is the order of {@link #keys()}. */
  StatementTable<T> add(String name, Statement<T> statement) {
    if (statements.putIfAbsent(name, statement) != null) {
      throw new IllegalArgumentException("statement " + name + " is in the table twice");
    }
    return this;
  }

  /** The keys, in the order they were added (the order "did you mean" hints prefer). */
  List<String> keys() {
    return List.copyOf(statements.keySet());
  }

  /**
   * Reports each unknown key of {@code block}, then reads each known statement in the order it was
   * written.
   *
   * @param prefix the block's full key and a dot, e.g. {@code components.date.}
   */
  void read(ComponentReader reader, Values values, ConfigObject block, String prefix, T into) {
    values.rejectUnknownKeys(block, prefix, statements.keySet());
    for (String k : values.sortedKeys(block)) {
      Statement<T> s = statements.get(k);
      if (s != null) s.read(reader, into, block.get(k), prefix + k);
    }
  }
}
