package dev.porter.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The one walk for reference cycles among the named things of a configuration (named ACLs that
 * refer to each other, components' prerequisites), and the one wording of the problem. The walk is
 * depth-first with its own stack, not the thread's: a chain as long as the file allows cannot
 * overflow it.
 */
final class Cycles {
  private Cycles() {}

  /**
   * The cycles met walking depth-first from each of {@code names} in order, each as the names along
   * it from the one met again, that name repeated at the end: {@code [a, b, a]}. References to
   * names outside {@code names} are not followed (they are reported as unknown elsewhere).
   */
  static List<List<String>> find(
      Set<String> names, Function<String, ? extends Collection<String>> refs) {
    List<List<String>> cycles = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> onPath = new HashSet<>();
    List<String> path = new ArrayList<>();
    Deque<Iterator<String>> next = new ArrayDeque<>();
    for (String start : names) {
      if (done.contains(start)) continue;
      enter(start, refs, path, onPath, next);
      while (!next.isEmpty()) {
        Iterator<String> it = next.peek();
        if (!it.hasNext()) {
          String left = path.remove(path.size() - 1);
          onPath.remove(left);
          done.add(left);
          next.pop();
          continue;
        }
        String ref = it.next();
        if (!names.contains(ref) || done.contains(ref)) continue;
        if (onPath.contains(ref)) {
          List<String> cycle = new ArrayList<>(path.subList(path.indexOf(ref), path.size()));
          cycle.add(ref);
          cycles.add(cycle);
        } else {
          enter(ref, refs, path, onPath, next);
        }
      }
    }
    return cycles;
  }

  private static void enter(
      String name,
      Function<String, ? extends Collection<String>> refs,
      List<String> path,
      Set<String> onPath,
      Deque<Iterator<String>> next) {
    path.add(name);
    onPath.add(name);
    next.push(refs.apply(name).iterator());
  }

  /** The problem's wording, e.g. {@code prerequisite cycle a -> b -> a}. */
  static String describe(String what, List<String> cycle) {
    return what + " cycle " + String.join(" -> ", cycle);
  }
}
