package dev.porter.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.porter.acl.Acl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Builds the model from a resolved configuration tree: globals, named ACLs, components, checks. */
final class ModelBuilder {
  static final List<String> GLOBAL_KEYS =
      List.of(
          "pidfile",
          "shutdown-timeout",
          "qotd-file",
          "control",
          "metrics",
          "acl",
          "acls",
          "components",
          "vars");
  static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_NAME_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A relayed side that takes nothing of what porter queued for it this long is stalled: nginx's
   * send_timeout default; a live peer on the slowest link takes some bytes far sooner.
   */
  static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(60);

  private final Values values;
  private final ConfigObject root;

  private ModelBuilder(Values values, ConfigObject root) {
    this.values = values;
    this.root = root;
  }

  static PorterConfig build(Config config, Problems problems) throws ConfigException {
    return new ModelBuilder(new Values(problems), config.root()).build();
  }

  private Optional<ConfigValue> get(String key) {
    return Optional.ofNullable(root.get(key));
  }

  private PorterConfig build() throws ConfigException {
    values.rejectUnknownKeys(root, "", GLOBAL_KEYS);
    Optional<Path> pidfile = get("pidfile").flatMap(v -> values.path(v, "pidfile"));
    Duration shutdownTimeout =
        get("shutdown-timeout")
            .flatMap(v -> values.duration(v, "shutdown-timeout"))
            .orElse(DEFAULT_SHUTDOWN_TIMEOUT);
    Optional<Path> qotdFile = get("qotd-file").flatMap(v -> values.path(v, "qotd-file"));
    get("vars").ifPresent(v -> values.object(v, "vars")); // the user's own substitution variables
    List<CrossChecks.Listener> listeners = new ArrayList<>();
    Optional<Endpoint> control =
        socketBlock("control", EnumSet.of(Endpoint.Scheme.UNIX), listeners);
    Optional<Endpoint> metrics =
        socketBlock("metrics", EnumSet.of(Endpoint.Scheme.INET), listeners);

    AclTable acls = AclTable.read(get("acls"), values);
    Acl globalAcl = get("acl").flatMap(v -> acls.acl(v, "acl")).orElse(Acl.ALLOW_ALL);

    List<Draft> drafts = new ArrayList<>();
    if (get("components").isPresent()) {
      Optional<ConfigObject> comps = values.object(root.get("components"), "components");
      ComponentReader reader = new ComponentReader(values, acls);
      if (comps.isPresent()) {
        for (String name : values.sortedKeys(comps.get())) {
          ConfigValue v = comps.get().get(name);
          String key = "components." + name;
          if (!isComponentName(name)) {
            values.problem(
                v,
                key,
                "a component name must not be empty or contain spaces, \"/\" or control"
                    + " characters");
            continue;
          }
          values.object(v, key).ifPresent(o -> drafts.add(reader.read(name, o)));
        }
      }
    }
    for (Draft d : drafts) ComponentRules.check(d, values);
    CrossChecks.check(values, drafts, listeners);
    for (Draft d : drafts) TlsFiles.read(d, values); // after the grammar, the files it names
    values.problems().throwIfAny();

    List<ComponentSpec> specs = new ArrayList<>();
    for (Draft d : drafts) specs.add(spec(d, acls, qotdFile));
    for (Draft d : drafts) openLink(d, globalAcl);
    return new PorterConfig(
        values.problems().origins().source(),
        pidfile,
        shutdownTimeout,
        qotdFile,
        control,
        metrics,
        globalAcl,
        List.copyOf(specs),
        values.problems().warnings());
  }

  /**
   * Warns of a link anyone may establish: an inet mux.listen whose ACLs, global and its own, let in
   * addresses they do not name, without mutual TLS to say who the peer is. A peer that connects
   * there uses the link's exits as the far porter would.
   */
  private void openLink(Draft d, Acl globalAcl) {
    if (d.muxListen == null || d.muxListen.scheme() != Endpoint.Scheme.INET) return;
    if (d.muxTls != null && d.muxTls.mutual()) return;
    Acl own = d.acl != null ? d.acl : Acl.ALLOW_ALL;
    if (!globalAcl.allowsUnnamedAddresses() || !own.allowsUnnamedAddresses()) return;
    values
        .problems()
        .warn(
            ((ConfigObject) d.at("mux")).get("listen"),
            d.key("mux.listen"),
            "any address may establish this link, and it has no mutual TLS (mux.tls.ca): whoever"
                + " reaches "
                + d.muxListen
                + " may use its exits; limit acl, or require client certificates");
  }

  // control.socket and metrics.socket: blocks of one statement, so that more can follow.
  private Optional<Endpoint> socketBlock(
      String name, java.util.Set<Endpoint.Scheme> schemes, List<CrossChecks.Listener> listeners) {
    if (!root.containsKey(name)) return Optional.empty();
    Optional<ConfigObject> o = values.object(root.get(name), name);
    if (o.isEmpty()) return Optional.empty();
    values.rejectUnknownKeys(o.get(), name + ".", List.of("socket"));
    if (!o.get().containsKey("socket")) return Optional.empty();
    ConfigValue v = o.get().get("socket");
    Optional<Endpoint> e = values.endpoint(v, name + ".socket", schemes);
    e.ifPresent(ep -> listeners.add(new CrossChecks.Listener(ep, name + ".socket", v)));
    return e;
  }

  private static boolean isComponentName(String name) {
    return !name.isEmpty() && name.chars().allMatch(c -> c > ' ' && c != 127 && c != '/');
  }

  private ComponentSpec spec(Draft d, AclTable acls, Optional<Path> qotdFile) {
    return new ComponentSpec(
        d.name,
        d.origin,
        d.mode,
        Optional.ofNullable(d.socket),
        Optional.ofNullable(d.master),
        d.service != null ? d.service : d.name,
        Collections.unmodifiableSet(EnumSet.copyOf(d.flags)),
        d.acl != null ? d.acl : Acl.ALLOW_ALL,
        Optional.ofNullable(d.builtin),
        d.command != null ? List.copyOf(d.command) : List.of(),
        Optional.ofNullable(d.route),
        Optional.ofNullable(d.passFdSocket),
        d.maxInstances != null ? d.maxInstances : 0,
        Optional.ofNullable(d.maxInstancesMessage),
        d.maxRate != null ? d.maxRate : 0,
        d.nameTimeout != null ? d.nameTimeout : DEFAULT_NAME_TIMEOUT,
        d.idleTimeout != null ? d.idleTimeout : Duration.ZERO,
        d.sendTimeout != null ? d.sendTimeout : DEFAULT_SEND_TIMEOUT,
        d.connectTimeout != null ? d.connectTimeout : DEFAULT_CONNECT_TIMEOUT,
        d.proxyProtocol != null ? d.proxyProtocol : ProxyProtocol.NONE,
        Optional.ofNullable(d.user),
        Optional.ofNullable(d.group),
        Optional.ofNullable(d.umask),
        Optional.ofNullable(d.chdir),
        d.env != null ? d.env : EnvSpec.INHERIT,
        d.limits != null ? d.limits : java.util.Map.of(),
        d.prerequisites != null ? d.prerequisites : List.of(),
        Optional.ofNullable(d.stdout),
        Optional.ofNullable(d.stderr),
        d.returnCodes != null ? d.returnCodes : List.of(),
        Optional.ofNullable(d.telnetLog),
        Boolean.TRUE.equals(d.telnetCompressFromClient),
        Optional.ofNullable(d.muxListen),
        Optional.ofNullable(d.muxConnect),
        d.muxCommand != null ? List.copyOf(d.muxCommand) : List.of(),
        Optional.ofNullable(d.muxLink),
        fingerprint(d, acls, qotdFile),
        Optional.ofNullable(d.muxTls),
        d.proxyProtocolFrom != null ? d.proxyProtocolFrom : Acl.DENY_ALL,
        d.muxReplace != null && d.muxReplace,
        Optional.ofNullable(d.muxMaxStreams));
  }

  /**
   * Differs exactly when the component's declaration differs: its block rendered canonically, plus
   * the global statements it depends on (the named ACLs it uses, the qotd file of qotd).
   */
  private static String fingerprint(Draft d, AclTable acls, Optional<Path> qotdFile) {
    StringBuilder text = new StringBuilder();
    canonical(d.decl, text);
    text.append('\n');
    if (d.has("acl")) text.append(acls.usedText(d.at("acl")));
    if (d.has("proxy-protocol-from")) text.append(acls.usedText(d.at("proxy-protocol-from")));
    if (d.muxTls != null) text.append("tls=").append(d.muxTls.digest()).append('\n');
    if (d.builtin == Builtin.QOTD)
      text.append("qotd-file=").append(qotdFile.map(Path::toString).orElse("")).append('\n');
    try {
      byte[] sum =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sum);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  // Keys sorted, comments and positions left out: the same declaration always renders the same.
  private static void canonical(ConfigValue v, StringBuilder out) {
    switch (v.valueType()) {
      case OBJECT:
        {
          ConfigObject o = (ConfigObject) v;
          List<String> keys = new ArrayList<>(o.keySet());
          Collections.sort(keys);
          out.append('{');
          for (String k : keys) {
            out.append(quote(k)).append(':');
            canonical(o.get(k), out);
            out.append(',');
          }
          out.append('}');
          break;
        }
      case LIST:
        {
          out.append('[');
          for (ConfigValue e : (ConfigList) v) {
            canonical(e, out);
            out.append(',');
          }
          out.append(']');
          break;
        }
      default:
        out.append(v.render(ConfigRenderOptions.concise()));
    }
  }

  /** JSON-quotes a key the way Typesafe Config renders strings. */
  private static String quote(String s) {
    return com.typesafe.config.ConfigValueFactory.fromAnyRef(s)
        .render(ConfigRenderOptions.concise());
  }
}
