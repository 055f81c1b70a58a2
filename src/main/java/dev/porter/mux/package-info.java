/**
 * Mux links: persistent yamux sessions between two porters, each carrying many connections. {@link
 * dev.porter.mux.Yamux} is the sans-I/O framing engine (memory contract in its Javadoc); around it
 * live the link's I/O (plain, TLS or a process's stdin and stdout), how a link comes up and stays
 * up ({@code mux.listen}, {@code mux.connect}, {@code mux.command}, backoff, the proof a new
 * connection on {@code mux.listen} must give), its streams with their TCPMUX name exchange, the
 * entrances that send local connections over the link and the exits that serve the far end's. A
 * link and all its streams live on one event loop. It may use {@code net}, {@code config} and
 * {@code tcpmux} (for the name exchange), and nothing above them.
 */
package dev.porter.mux;
