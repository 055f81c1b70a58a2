/**
 * Children: spawning with exact descriptor plumbing, environment, credentials, rlimits, reaping.
 * glibc's {@code posix_spawnp} and friends are bound with jnr-ffi ({@code GlibcFunctions}, loaded
 * once in {@code Native}), since jnr-posix's own spawn leaks the JVM's descriptors into children.
 *
 * <p>Threads: {@link dev.porter.process.Reaper#instance()} starts the one {@code waitpid(-1)}
 * thread; exit listeners run on it and must only hand the event over. {@link
 * dev.porter.process.Spawner#spawn} and {@link dev.porter.process.FdPassing} block briefly: call
 * them from a worker thread, never an event loop. {@link dev.porter.process.Environment}, {@link
 * dev.porter.process.Expansion} and {@link dev.porter.process.SocketEnv} (without {@code resolve})
 * are pure; splitting a command line into words is {@code config}'s. Nothing in porter may use
 * {@code ProcessBuilder}: the reaper would steal its children. It may use {@code config} and {@code
 * net}; it knows nothing of {@code service}, {@code tcpmux} or {@code relay}.
 */
package dev.porter.process;
