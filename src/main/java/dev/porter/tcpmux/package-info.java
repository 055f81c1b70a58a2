/**
 * The TCPMUX master of RFC 1078: the sans-I/O reader of the service-name line ({@link
 * dev.porter.tcpmux.NameLine}, one-shot: the bytes after the line go on to the service), the
 * directory of a master's subordinates by case-insensitive name, {@code help}, the {@code +} and
 * {@code -reason} replies, and the subordinate's ACL layered on the master's. The supervisor hands
 * each master a table of {@link dev.porter.tcpmux.Subordinate}s; mux links reuse the name exchange
 * for their streams. It may use {@code net} and {@code acl}; it knows nothing of {@code service},
 * {@code relay} or {@code process}.
 */
package dev.porter.tcpmux;
