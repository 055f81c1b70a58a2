/**
 * Children: spawning with exact descriptor plumbing, environment, credentials, rlimits, reaping.
 *
 * <p>Threads: {@link dev.porter.process.Reaper#instance()} starts the one {@code waitpid(-1)}
 * thread; exit listeners run on it and must only hand the event over. {@link
 * dev.porter.process.Spawner#spawn} and {@link dev.porter.process.FdPassing} block briefly: call them
 * from a worker thread, never an event loop. {@link dev.porter.process.CommandLine}, {@link
 * dev.porter.process.Environment} and {@link dev.porter.process.SocketEnv} (without {@code resolve})
 * are pure. Nothing in porter may use {@code ProcessBuilder}: the reaper would steal its children.
 */
package dev.porter.process;
