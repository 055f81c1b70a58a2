package dev.porter.mux;

/**
 * A link as {@code porter ctl list} shows it. Read across threads, so the figures are approximate.
 *
 * @param state {@code up}, {@code down}, {@code connecting} or {@code closed}
 * @param peer the far end's address while up, else empty
 * @param bytesIn payload bytes received over the link's sessions so far
 * @param tls whether the link runs over TLS ({@code mux.tls})
 */
public record LinkStatus(
    String name,
    String state,
    String peer,
    int streams,
    long bytesIn,
    long bytesOut,
    long sessions,
    boolean tls) {}
