package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Endpoint;
import dev.porter.config.Mode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * What a reload does, worked out before anything is touched: a reconcile keyed by component name
 * (OpenBSD inetd's and pies' rule). A component whose declaration is the same (equal fingerprints)
 * is kept with its processes and socket; one that changed is stopped and started again; one that
 * went away is stopped; a new one is started. A listening socket that the new configuration asks
 * for, and that a stopped component holds now, is handed over rather than bound a second time (a
 * changed component keeps its own, two may swap ports); every other socket the new configuration
 * needs is bound fresh, and those binds are the reload's only steps that can fail.
 *
 * <p>Pure: computed from the specs and two functions, so it is tested without a socket.
 *
 * @param kept unchanged components, in the new configuration's order
 * @param stopped changed and removed components, dependents first (the old start order reversed)
 * @param fresh changed and added components, in the new configuration's order
 * @param started the fresh components to start, in the new start order (startup and shutdown
 *     programs run only at start and at shutdown, not on a reload)
 * @param handOver for a fresh component, the stopped component whose listener it takes
 * @param bind fresh components that need a socket bound
 * @param released stopped components whose listener nobody takes: closed once they are stopped
 * @param changes one line per change, as the log and {@code porter ctl reload} say them
 */
record ReloadPlan(
    List<String> kept,
    List<String> stopped,
    List<String> fresh,
    List<String> started,
    Map<String, String> handOver,
    List<String> bind,
    List<String> released,
    List<String> changes) {

  /**
   * @param running the components running now, in their configuration's order
   * @param next the new configuration's components, in its order
   * @param listensOn where a component listens, if it does (its socket, or a link's mux.listen)
   * @param boundAt whether the running component named listens where the endpoint says
   */
  static ReloadPlan of(
      List<ComponentSpec> running,
      List<ComponentSpec> next,
      Function<ComponentSpec, Optional<Endpoint>> listensOn,
      BiPredicate<String, Endpoint> boundAt) {
    Map<String, ComponentSpec> before = byName(running);
    Map<String, ComponentSpec> after = byName(next);
    List<String> kept = new ArrayList<>();
    List<String> fresh = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    for (ComponentSpec s : next) {
      ComponentSpec old = before.get(s.name());
      if (old != null && old.fingerprint().equals(s.fingerprint())) kept.add(s.name());
      else fresh.add(s.name());
    }
    List<String> stopped = new ArrayList<>();
    List<ComponentSpec> order = StartOrder.of(running);
    Collections.reverse(order);
    for (ComponentSpec old : order) {
      if (kept.contains(old.name())) continue;
      stopped.add(old.name());
      changes.add((after.containsKey(old.name()) ? "changed " : "removed ") + old.name());
    }
    for (String name : fresh) {
      if (!before.containsKey(name)) changes.add("added " + name);
    }

    // Sockets: a fresh component first looks among the listeners being let go (its own first).
    List<String> releasable = new ArrayList<>();
    for (String name : stopped) {
      if (listensOn.apply(before.get(name)).isPresent()) releasable.add(name);
    }
    Map<String, String> handOver = new LinkedHashMap<>();
    List<String> bind = new ArrayList<>();
    for (String name : fresh) {
      Optional<Endpoint> at = listensOn.apply(after.get(name));
      if (at.isEmpty()) continue;
      Optional<String> holder =
          releasable.contains(name) && boundAt.test(name, at.get())
              ? Optional.of(name)
              : releasable.stream().filter(h -> boundAt.test(h, at.get())).findFirst();
      if (holder.isPresent()) {
        releasable.remove(holder.get());
        handOver.put(name, holder.get());
      } else {
        bind.add(name);
      }
    }

    List<String> started = new ArrayList<>();
    for (ComponentSpec s : StartOrder.of(next)) {
      if (fresh.contains(s.name()) && s.mode() != Mode.STARTUP && s.mode() != Mode.SHUTDOWN)
        started.add(s.name());
    }
    return new ReloadPlan(
        List.copyOf(kept),
        List.copyOf(stopped),
        List.copyOf(fresh),
        List.copyOf(started),
        Collections.unmodifiableMap(handOver),
        List.copyOf(bind),
        List.copyOf(releasable),
        List.copyOf(changes));
  }

  private static Map<String, ComponentSpec> byName(List<ComponentSpec> specs) {
    Map<String, ComponentSpec> m = new LinkedHashMap<>();
    for (ComponentSpec s : specs) m.put(s.name(), s);
    return m;
  }
}
