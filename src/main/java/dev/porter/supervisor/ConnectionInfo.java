package dev.porter.supervisor;

/** One open client connection as {@code porter ctl connections} shows it. */
public record ConnectionInfo(
    String client, String component, long ageMillis, long bytesIn, long bytesOut) {}
