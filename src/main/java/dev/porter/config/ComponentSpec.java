package dev.porter.config;

import dev.porter.acl.Acl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One component as declared, validated and with defaults applied. Exactly one of {@code command},
 * {@code builtin}, {@code route} or {@code passFdSocket} says what serves it (none for mux links).
 *
 * @param service the name TCPMUX clients ask for (default: the component's key)
 * @param acl the component's own ACL; {@link Acl#ALLOW_ALL} when it has none
 * @param maxInstances concurrent connections or children; 0 means unlimited
 * @param maxRate connections per minute; 0 means unlimited
 * @param idleTimeout routes: no bytes either way this long closes both; zero means none
 * @param limits rlimit name (lower case, e.g. {@code nofile}) to value
 */
public record ComponentSpec(
    String name,
    Origin origin,
    Mode mode,
    Optional<Endpoint> socket,
    Optional<String> tcpmuxMaster,
    String service,
    Set<Flag> flags,
    Acl acl,
    Optional<Builtin> builtin,
    List<String> command,
    Optional<Endpoint> route,
    Optional<Endpoint> passFdSocket,
    int maxInstances,
    Optional<String> maxInstancesMessage,
    int maxRate,
    Duration nameTimeout,
    Duration idleTimeout,
    Duration connectTimeout,
    ProxyProtocol proxyProtocol,
    Optional<String> user,
    Optional<String> group,
    Optional<Integer> umask,
    Optional<Path> chdir,
    EnvSpec env,
    Map<String, Long> limits,
    List<String> prerequisites,
    Optional<OutputSpec> stdout,
    Optional<OutputSpec> stderr,
    List<ReturnCodeAction> returnCodes,
    Optional<Path> telnetLog,
    Optional<Endpoint> muxListen,
    Optional<Endpoint> muxConnect,
    List<String> muxCommand,
    Optional<String> muxLink,
    String fingerprint) {

  public boolean has(Flag f) {
    return flags.contains(f);
  }

  /** True for a TCPMUX master ({@code builtin = tcpmux}). */
  public boolean isTcpmuxMaster() {
    return builtin.filter(b -> b == Builtin.TCPMUX).isPresent();
  }
}
