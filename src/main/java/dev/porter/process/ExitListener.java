package dev.porter.process;

/**
 * Told once that a child was reaped. Called on the reaper thread: hand the event to your own queue
 * and return quickly; every other child's exit waits behind this call.
 */
@FunctionalInterface
public interface ExitListener {
  void exited(int pid, ExitStatus status);
}
