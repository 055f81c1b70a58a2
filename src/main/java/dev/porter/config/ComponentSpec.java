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
 * @param origin where the block was first declared
 * @param mode as written, or the default (DESIGN.md §4)
 * @param service the name TCPMUX clients ask for (default: the component's key)
 * @param flags a tcpmux subordinate or mux exit always has exactly one of {@code TCPMUX} and {@code
 *     TCPMUXPLUS} ({@code TCPMUXPLUS} when the configuration names neither)
 * @param acl the component's own ACL; {@link Acl#ALLOW_ALL} when it has none
 * @param command argv, ready to spawn: a string was split here like sh(1) words, or, with flag
 *     {@code shell}, became {@code /bin/sh -c STRING}; {@code expandenv} is left to the spawner;
 *     empty when the component runs no program
 * @param maxInstances concurrent connections or children; 0 means unlimited
 * @param maxRate connections per minute; 0 means unlimited
 * @param nameTimeout masters and mux links: how long a client may take to name a service (10s)
 * @param idleTimeout routes: no bytes either way this long closes both; zero means none
 * @param sendTimeout routes: a side that takes nothing of what is queued for it this long closes
 *     both (60s); zero means none
 * @param connectTimeout routes and mux.connect (10s)
 * @param umask octal as written, e.g. {@code 022} is 18
 * @param limits rlimit name (lower case, as prlimit(1), e.g. {@code nofile}) to value; -1 is
 *     unlimited
 * @param muxCommand mode mux: the program whose stdin/stdout carries the link (argv)
 * @param muxLink an exit: the mux component whose streams it serves
 * @param fingerprint equal for two loads exactly when the declaration (the block, and the named
 *     ACLs and the qotd-file it depends on) is the same: reload restarts a component when it
 *     changes
 * @param muxTls mode mux over inet: TLS on the link ({@code mux.tls}), its PEM files read
 * @param proxyProtocolFrom {@code proxy-protocol = accept}: the senders (load balancers) whose
 *     PROXY header is believed, checked against the socket's real peer before the header is read;
 *     {@link Acl#DENY_ALL} for a component that reads no header
 * @param muxReplace {@code mux.replace = allow}: on mux.listen, a new connection that proves itself
 *     replaces the link's session even while that one answers (default false: it is refused then)
 * @param muxMaxStreams {@code mux.max-streams}: the most streams a link's session carries at once;
 *     empty for the link's default
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
    Duration sendTimeout,
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
    boolean telnetCompressFromClient,
    Optional<Endpoint> muxListen,
    Optional<Endpoint> muxConnect,
    List<String> muxCommand,
    Optional<String> muxLink,
    String fingerprint,
    Optional<TlsSpec> muxTls,
    Acl proxyProtocolFrom,
    boolean muxReplace,
    Optional<Integer> muxMaxStreams) {

  public boolean has(Flag f) {
    return flags.contains(f);
  }

  /** True for a TCPMUX master ({@code builtin = tcpmux}). */
  public boolean isTcpmuxMaster() {
    return builtin.filter(b -> b == Builtin.TCPMUX).isPresent();
  }
}
