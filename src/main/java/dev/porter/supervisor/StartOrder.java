package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Components ordered so that each comes after its prerequisites (configuration refuses cycles). The
 * walks keep their own stacks: a chain of prerequisites thousands long, which the configuration
 * accepts, must not overflow the supervisor thread's.
 */
final class StartOrder {
  private StartOrder() {}

  /** One component on the walk's stack, and how far through its list the walk is. */
  private static final class Frame {
    final ComponentSpec spec;
    int next;

    Frame(ComponentSpec spec) {
      this.spec = spec;
    }
  }

  /** Every component after its prerequisites; otherwise in the configuration's order. */
  static List<ComponentSpec> of(List<ComponentSpec> specs) {
    Map<String, ComponentSpec> byName = new LinkedHashMap<>();
    for (ComponentSpec s : specs) byName.put(s.name(), s);
    List<ComponentSpec> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    for (ComponentSpec root : specs) {
      if (!seen.add(root.name())) continue;
      stack.push(new Frame(root));
      while (!stack.isEmpty()) {
        Frame f = stack.peek();
        if (f.next < f.spec.prerequisites().size()) {
          ComponentSpec pre = byName.get(f.spec.prerequisites().get(f.next++));
          if (pre != null && seen.add(pre.name())) stack.push(new Frame(pre));
        } else {
          out.add(stack.pop().spec);
        }
      }
    }
    return out;
  }

  /** The components that depend on {@code name}, directly or not, dependents' dependents first. */
  static List<String> dependentsOf(String name, List<ComponentSpec> specs) {
    // Who names whom as a prerequisite, each list in the configuration's order.
    Map<String, List<String>> dependents = new HashMap<>();
    for (ComponentSpec s : specs) {
      for (String p : s.prerequisites())
        dependents.computeIfAbsent(p, k -> new ArrayList<>()).add(s.name());
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<String> path = new ArrayDeque<>();
    Deque<int[]> next = new ArrayDeque<>();
    path.push(name);
    next.push(new int[1]);
    while (!path.isEmpty()) {
      List<String> of = dependents.getOrDefault(path.peek(), List.of());
      int[] i = next.peek();
      String dependent = null;
      while (i[0] < of.size() && dependent == null) {
        String d = of.get(i[0]++);
        if (seen.add(d)) dependent = d;
      }
      if (dependent != null) {
        path.push(dependent);
        next.push(new int[1]);
      } else {
        String done = path.pop();
        next.pop();
        if (!path.isEmpty()) out.add(done);
      }
    }
    return out;
  }
}
