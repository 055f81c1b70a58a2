package dev.porter.supervisor;

/**
 * One component's counters as the metrics endpoint exports them. Connection counts restart from
 * zero when a reload replaces the component; bytes and spawns are kept by name across reloads.
 *
 * @param bytesIn bytes read from clients, closed and open connections together
 * @param spawns programs started for the component: per-connection children and daemon runs
 */
public record ComponentCounters(
    String name,
    long accepted,
    long refusedAcl,
    long refusedMaxInstances,
    long refusedMaxRate,
    int active,
    long bytesIn,
    long bytesOut,
    long spawns,
    int restarts) {}
