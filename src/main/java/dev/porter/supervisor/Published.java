package dev.porter.supervisor;

/**
 * An immutable value the supervisor thread publishes for the threads that read it (event loops
 * serving connections, links naming exits): only the supervisor sets it, anyone may read the
 * latest. The state it is derived from stays the supervisor's own; what crosses threads is a
 * finished value, never something half built.
 */
final class Published<T> {
  private volatile T value;

  Published(T initial) {
    this.value = initial;
  }

  T get() {
    return value;
  }

  /** Publishes {@code next}; call on the supervisor thread. */
  void set(T next) {
    value = next;
  }
}
