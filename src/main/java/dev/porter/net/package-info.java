/**
 * porter's I/O core: event loops (one thread and one NIO selector each, which own the channels
 * registered with them and must never block), listeners (TCP and Unix, the Unix socket file made
 * safe by {@link dev.porter.net.UnixSocketFile} and {@link dev.porter.net.SecureDirectory}),
 * connections with their write queues and half-close, outbound connectors and name resolution off
 * the loops, timers, the PROXY protocol (a sans-I/O decoder and the stage that runs it), log
 * throttling and the rule for a thread that cannot go on ({@link dev.porter.net.Fatal}). Every
 * buffer has a named limit. It may use {@code config} (endpoints, a component's settings) and
 * {@code acl}; nothing here knows what serves a connection.
 */
package dev.porter.net;
