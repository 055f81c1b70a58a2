package dev.porter.supervisor;

import java.util.Optional;

/**
 * One component as {@code porter ctl list} shows it.
 *
 * @param state listening, running, sleeping, stopped, disabled, finished or idle
 * @param pid the daemon's pid, 0 when none runs
 */
public record ComponentStatus(
    String name,
    String mode,
    String state,
    int pid,
    String socket,
    int connections,
    long total,
    long refused,
    int restarts,
    Optional<String> lastExit) {

  static ComponentStatus of(ComponentRuntime rt) {
    String state;
    int pid = 0;
    int restarts = 0;
    Optional<String> lastExit = Optional.empty();
    if (rt.daemon.isPresent()) {
      Daemon d = rt.daemon.get();
      state = d.state().name().toLowerCase(java.util.Locale.ROOT);
      pid = d.pid();
      restarts = d.restarts();
      lastExit = d.lastExit().map(Object::toString);
    } else if (rt.spec.has(dev.porter.config.Flag.DISABLE)) {
      state = "disabled";
    } else if (rt.listener.isPresent()) {
      state = "listening";
    } else if (rt.spec.tcpmuxMaster().isPresent()) {
      state = "subordinate";
    } else {
      state = "idle";
    }
    String socket =
        rt.listener
            .map(l -> dev.porter.net.Addresses.format(l.localAddress()))
            .orElse(rt.spec.tcpmuxMaster().map(m -> "tcpmux:" + m).orElse("-"));
    return new ComponentStatus(
        rt.name(),
        rt.spec.mode().configName(),
        state,
        pid,
        socket,
        rt.admission.active(),
        rt.admission.total(),
        rt.admission.refused(),
        restarts,
        lastExit);
  }
}
