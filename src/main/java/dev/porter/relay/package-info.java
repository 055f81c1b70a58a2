/**
 * Routes: a byte relay between a client and a backend connection on one event loop ({@link
 * dev.porter.relay.Relay}: half-close, backpressure, idle and send timeouts), the connecting of a
 * route's backend with an optional PROXY header ({@link dev.porter.relay.Route}), and the telnet
 * proxy, which relays TELNET through two codecs and can log the events of each connection ({@link
 * dev.porter.relay.TelnetProxy}, {@link dev.porter.relay.TelnetLog}). It may use {@code net},
 * {@code config} and the {@code telnet} codec; it knows nothing of {@code service}, {@code tcpmux}
 * or {@code process}.
 */
package dev.porter.relay;
