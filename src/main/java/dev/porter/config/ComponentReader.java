package dev.porter.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.porter.acl.AclException;
import dev.porter.acl.Cidr;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The grammar of one {@code components.NAME { ... }} block: reads its statements into a {@link
 * Draft}, each by its entry in a {@link StatementTable}. It reads no file; the PEM files that
 * {@code mux.tls} names are {@link TlsFiles}' step, after it.
 */
final class ComponentReader {
  /** The ways a mux link comes up: exactly one of them. */
  static final List<String> MUX_WAYS = List.of("listen", "connect", "command");

  /**
   * {@code mux.replace}: whether a new connection on mux.listen may replace a session that still
   * answers.
   */
  static final Map<String, Boolean> MUX_REPLACE =
      new TreeMap<>(Map.of("refuse", false, "allow", true));

  /**
   * The largest {@code mux.max-streams}: the mux engine's limit
   * (dev.porter.mux.Yamux.MAX_STREAMS_LIMIT).
   */
  static final int MUX_MAX_STREAMS = 8192;

  /** The resource limits prlimit(1) knows, by its names. */
  static final List<String> LIMITS =
      List.of(
          "as",
          "core",
          "cpu",
          "data",
          "fsize",
          "locks",
          "memlock",
          "msgqueue",
          "nice",
          "nofile",
          "nproc",
          "rss",
          "rtprio",
          "rttime",
          "sigpending",
          "stack");

  /** The limits counted in bytes, which may be written as sizes ({@code 512M}). */
  static final Set<String> BYTE_LIMITS =
      Set.of("as", "core", "data", "fsize", "memlock", "msgqueue", "rss", "stack");

  static final Map<String, Mode> MODES = names(Mode.values(), Mode::configName);
  static final Map<String, Builtin> BUILTINS = names(Builtin.values(), Builtin::configName);
  static final Map<String, Flag> FLAGS = names(Flag.values(), Flag::configName);
  static final Map<String, ProxyProtocol> PROXY =
      names(ProxyProtocol.values(), p -> p.name().toLowerCase(Locale.ROOT).replace('_', '-'));

  /** {@code telnet-compress-from-client}: whether a client may start MCCP2 toward the server. */
  static final Map<String, Boolean> COMPRESS_FROM_CLIENT =
      names(new Boolean[] {false, true}, b -> b ? "allow" : "deny");

  private static final Set<Endpoint.Scheme> LISTEN =
      EnumSet.of(Endpoint.Scheme.INET, Endpoint.Scheme.UNIX);
  private static final Set<Endpoint.Scheme> ROUTE = EnumSet.allOf(Endpoint.Scheme.class);
  private static final Set<Endpoint.Scheme> UNIX = EnumSet.of(Endpoint.Scheme.UNIX);

  /** A component's statements (GNU pies names where pies has one). */
  private static final StatementTable<Draft> STATEMENTS =
      new StatementTable<Draft>()
          .add("socket", (r, d, v, k) -> d.socket = r.values.endpoint(v, k, LISTEN).orElse(null))
          .add(
              "builtin",
              (r, d, v, k) -> d.builtin = r.values.choice(v, k, "builtin", BUILTINS).orElse(null))
          .add("tcpmux-master", (r, d, v, k) -> d.master = r.values.word(v, k).orElse(null))
          .add("service", (r, d, v, k) -> d.service = r.service(v, k))
          .add("flags", (r, d, v, k) -> r.flags(d, v, k))
          .add("acl", (r, d, v, k) -> d.acl = r.acls.acl(v, k).orElse(null))
          .add(
              "max-instances",
              (r, d, v, k) -> d.maxInstances = r.values.intAtLeast(v, k, 1).orElse(null))
          .add(
              "max-instances-message",
              (r, d, v, k) -> d.maxInstancesMessage = r.values.string(v, k).orElse(null))
          .add("max-rate", (r, d, v, k) -> d.maxRate = r.values.intAtLeast(v, k, 1).orElse(null))
          .add("name-timeout", (r, d, v, k) -> d.nameTimeout = r.positive(v, k))
          .add("command", (r, d, v, k) -> d.commandValue = v) // split once flags are known (shell)
          .add("route", (r, d, v, k) -> d.route = r.values.endpoint(v, k, ROUTE).orElse(null))
          .add(
              "pass-fd-socket",
              (r, d, v, k) -> d.passFdSocket = r.values.endpoint(v, k, UNIX).orElse(null))
          .add("mode", (r, d, v, k) -> d.mode = r.values.choice(v, k, "mode", MODES).orElse(null))
          .add("user", (r, d, v, k) -> d.user = r.values.word(v, k).orElse(null))
          .add("group", (r, d, v, k) -> d.group = r.values.word(v, k).orElse(null))
          .add("umask", (r, d, v, k) -> d.umask = r.umask(v, k))
          .add("chdir", (r, d, v, k) -> d.chdir = r.values.path(v, k).orElse(null))
          .add("env", (r, d, v, k) -> d.env = r.env(v, k))
          .add("limits", (r, d, v, k) -> d.limits = r.limits(v, k))
          .add(
              "prerequisites",
              (r, d, v, k) -> d.prerequisites = r.values.words(v, k, true).orElse(null))
          .add("stdout", (r, d, v, k) -> d.stdout = r.output(v, k))
          .add("stderr", (r, d, v, k) -> d.stderr = r.output(v, k))
          .add(
              "return-code",
              (r, d, v, k) -> d.returnCodes = ReturnCodes.read(v, k, r.values).orElse(null))
          .add("idle-timeout", (r, d, v, k) -> d.idleTimeout = r.values.duration(v, k).orElse(null))
          .add("send-timeout", (r, d, v, k) -> d.sendTimeout = r.values.duration(v, k).orElse(null))
          .add("connect-timeout", (r, d, v, k) -> d.connectTimeout = r.positive(v, k))
          .add(
              "proxy-protocol",
              (r, d, v, k) ->
                  d.proxyProtocol = r.values.choice(v, k, "proxy-protocol", PROXY).orElse(null))
          .add(
              "proxy-protocol-from",
              (r, d, v, k) -> d.proxyProtocolFrom = r.acls.acl(v, k).orElse(null))
          .add("telnet-log", (r, d, v, k) -> d.telnetLog = r.values.path(v, k).orElse(null))
          .add(
              "telnet-compress-from-client",
              (r, d, v, k) ->
                  d.telnetCompressFromClient =
                      r.values.choice(v, k, "value", COMPRESS_FROM_CLIENT).orElse(null))
          .add("mux", (r, d, v, k) -> r.mux(d, v, k))
          .add("mux-link", (r, d, v, k) -> d.muxLink = r.values.word(v, k).orElse(null));

  /** {@code env { ... }}. */
  private static final StatementTable<EnvDraft> ENV =
      new StatementTable<EnvDraft>()
          .add("clear", (r, e, v, k) -> e.clear = r.values.bool(v, k).orElse(false))
          .add("keep", (r, e, v, k) -> e.keep = r.envNames(v, k, true))
          .add("set", (r, e, v, k) -> r.envSet(v, k, e.set))
          .add("unset", (r, e, v, k) -> e.unset = r.envNames(v, k, false));

  /** {@code mux { ... }}: how the link comes up ({@link #MUX_WAYS}) and how it is kept. */
  private static final StatementTable<Draft> MUX =
      new StatementTable<Draft>()
          .add("listen", (r, d, v, k) -> d.muxListen = r.values.endpoint(v, k, LISTEN).orElse(null))
          .add(
              "connect",
              (r, d, v, k) -> d.muxConnect = r.values.endpoint(v, k, LISTEN).orElse(null))
          .add("command", (r, d, v, k) -> d.muxCommandValue = v)
          .add("tls", (r, d, v, k) -> d.muxTlsDeclared = r.tls(v, k))
          .add(
              "replace",
              (r, d, v, k) ->
                  d.muxReplace = r.values.choice(v, k, "mux.replace", MUX_REPLACE).orElse(null))
          .add("max-streams", (r, d, v, k) -> d.muxMaxStreams = r.maxStreams(v, k));

  /** {@code mux.tls { ... }}: the files are only named here; {@link TlsFiles} reads them. */
  private static final StatementTable<TlsDeclaration> TLS =
      new StatementTable<TlsDeclaration>()
          .add("cert", (r, t, v, k) -> r.pemFile(t, TlsDeclaration.Role.CERT, v, k))
          .add("key", (r, t, v, k) -> r.pemFile(t, TlsDeclaration.Role.KEY, v, k))
          .add("ca", (r, t, v, k) -> r.pemFile(t, TlsDeclaration.Role.CA, v, k))
          .add(
              "server-name",
              (r, t, v, k) -> {
                t.serverName = r.values.word(v, k);
                t.wellFormed &= t.serverName.isPresent();
              })
          .add(
              "peers",
              (r, t, v, k) -> {
                Optional<List<TlsSpec.Peer>> parsed = r.peers(v, k);
                t.wellFormed &= parsed.isPresent();
                t.peers = parsed.orElse(List.of());
              });

  /** The keys each block accepts, from its table (ManPagesIT: porter.conf(5) names every one). */
  static final List<String> KEYS = STATEMENTS.keys();

  static final List<String> ENV_KEYS = ENV.keys();
  static final List<String> MUX_KEYS = MUX.keys();
  static final List<String> TLS_KEYS = TLS.keys();

  private final Values values;
  private final AclTable acls;

  ComponentReader(Values values, AclTable acls) {
    this.values = values;
    this.acls = acls;
  }

  Draft read(String name, ConfigObject decl) {
    Draft d = new Draft(name, decl, values.origin(decl));
    STATEMENTS.read(this, values, decl, "components." + name + ".", d);
    d.command = command(d, d.commandValue, d.key("command"), d.flags.contains(Flag.SHELL));
    d.muxCommand = command(d, d.muxCommandValue, d.key("mux.command"), false);
    return d;
  }

  private String service(ConfigValue v, String key) {
    Optional<String> s = values.word(v, key);
    // RFC 1078: the name line, CRLF included, must fit the master's 256-byte line limit.
    if (s.isPresent() && s.get().length() > 254) {
      values.problem(v, key, "a service name can be at most 254 characters long");
      return null;
    }
    return s.orElse(null);
  }

  private java.time.Duration positive(ConfigValue v, String key) {
    Optional<java.time.Duration> d = values.duration(v, key);
    if (d.isPresent() && d.get().isZero()) {
      values.problem(v, key, "must be longer than 0");
      return null;
    }
    return d.orElse(null);
  }

  private void flags(Draft d, ConfigValue v, String key) {
    // One flag alone may be written without brackets: flags = wait.
    List<? extends ConfigValue> items =
        v.valueType() == ConfigValueType.LIST ? (com.typesafe.config.ConfigList) v : List.of(v);
    for (ConfigValue item : items) {
      values.choice(item, key, "flag", FLAGS).ifPresent(d.flags::add);
    }
  }

  private Integer umask(ConfigValue v, String key) {
    // Written like umask(1): octal digits, whether quoted ("022") or not (022).
    Optional<String> s = values.string(v, key);
    if (s.isEmpty()) return null;
    String t = s.get().trim();
    if (t.isEmpty()
        || t.length() > 4
        || !t.chars().allMatch(c -> c >= '0' && c <= '7')
        || Integer.parseInt(t, 8) > 0777) {
      values.problem(v, key, "umask must be octal from 000 to 777, got \"" + t + "\"");
      return null;
    }
    return Integer.parseInt(t, 8);
  }

  /** {@code env { ... }} while it is read. */
  private static final class EnvDraft {
    boolean clear;
    List<String> keep = List.of();
    final Map<String, String> set = new LinkedHashMap<>();
    List<String> unset = List.of();
  }

  private EnvSpec env(ConfigValue v, String key) {
    Optional<ConfigObject> obj = values.object(v, key);
    if (obj.isEmpty()) return null;
    EnvDraft e = new EnvDraft();
    ENV.read(this, values, obj.get(), key + ".", e);
    return new EnvSpec(e.clear, e.keep, Collections.unmodifiableMap(e.set), e.unset);
  }

  private void envSet(ConfigValue v, String key, Map<String, String> set) {
    values
        .object(v, key)
        .ifPresent(
            s -> {
              for (String name : values.sortedKeys(s)) {
                ConfigValue val = s.get(name);
                String k = key + "." + name;
                if (!isEnvName(name, false)) {
                  values.problem(val, k, "not an environment variable name: \"" + name + "\"");
                } else if (val.valueType() == ConfigValueType.OBJECT) {
                  values.problem(
                      val, k, "must be a string (put a name with dots in quotes: \"A.B\" = ...)");
                } else {
                  values.string(val, k).ifPresent(str -> set.put(name, str));
                }
              }
            });
  }

  private List<String> envNames(ConfigValue v, String key, boolean patterns) {
    List<String> names = values.words(v, key, false).orElse(List.of());
    for (String n : names) {
      if (!isEnvName(n, patterns))
        values.problem(v, key, "not an environment variable name: \"" + n + "\"");
    }
    return names;
  }

  // POSIX names are [A-Za-z_][A-Za-z0-9_]*; "keep" also takes glob patterns such as LC_*.
  private static boolean isEnvName(String n, boolean patterns) {
    if (n.isEmpty() || n.indexOf('=') >= 0) return false;
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      boolean ok =
          c == '_'
              || (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (i > 0 && c >= '0' && c <= '9')
              || (patterns && (c == '*' || c == '?'));
      if (!ok) return false;
    }
    return true;
  }

  private Map<String, Long> limits(ConfigValue v, String key) {
    Optional<ConfigObject> obj = values.object(v, key);
    if (obj.isEmpty()) return null;
    values.rejectUnknownKeys(obj.get(), key + ".", LIMITS);
    Map<String, Long> out = new TreeMap<>();
    for (String name : values.sortedKeys(obj.get())) {
      if (!LIMITS.contains(name)) continue;
      ConfigValue val = obj.get().get(name);
      String text =
          val.valueType() == ConfigValueType.STRING ? ((String) val.unwrapped()).trim() : "";
      if (text.equalsIgnoreCase("unlimited")) {
        out.put(name, -1L);
      } else if (BYTE_LIMITS.contains(name)
          && !text.isEmpty()
          && Character.isLetter(text.charAt(text.length() - 1))) {
        bytes(val, key + "." + name, text).ifPresent(n -> out.put(name, n));
      } else if (val.valueType() == ConfigValueType.NUMBER
          || val.valueType() == ConfigValueType.STRING) {
        values.number(val, key + "." + name, 0).ifPresent(n -> out.put(name, n));
      } else {
        values.problem(
            val,
            key + "." + name,
            "must be a number or \"unlimited\", got " + Values.describe(val));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  // Sizes as HOCON writes them: 64M and 64MiB are 2^20 multiples, 64MB 10^6 (Typesafe Config).
  private Optional<Long> bytes(ConfigValue v, String key, String text) {
    try {
      return Optional.of(
          com.typesafe.config.ConfigValueFactory.fromAnyRef(text).atKey("b").getBytes("b"));
    } catch (com.typesafe.config.ConfigException e) {
      values.problem(
          v,
          key,
          "must be a number, a size such as \"64M\", or \"unlimited\", got \"" + text + "\"");
      return Optional.empty();
    }
  }

  private OutputSpec output(ConfigValue v, String key) {
    Optional<String> s = values.string(v, key);
    if (s.isEmpty()) return null;
    String t = s.get().trim();
    if (t.equals("log")) return new OutputSpec(OutputSpec.Kind.LOG, Optional.empty());
    if (t.startsWith("file ") || t.startsWith("file\t")) {
      String path = t.substring(5).trim();
      if (!path.isEmpty())
        return new OutputSpec(OutputSpec.Kind.FILE, Optional.of(java.nio.file.Path.of(path)));
    }
    String first = t.split("\\s+")[0];
    values.problem(
        v,
        key,
        "must be \"file PATH\" or \"log\", got \""
            + t
            + "\""
            + (first.equals("file") ? "" : Suggest.didYouMean(first, List.of("file", "log"))));
    return null;
  }

  private void mux(Draft d, ConfigValue v, String key) {
    Optional<ConfigObject> obj = values.object(v, key);
    if (obj.isEmpty()) return;
    ConfigObject o = obj.get();
    MUX.read(this, values, o, key + ".", d);
    if (o.containsKey("replace") && !o.containsKey("listen")) {
      values.problem(
          o.get("replace"),
          key + ".replace",
          "replace is for mux.listen: it says"
              + " whether a new connection there may replace a link that still works");
    }
    if (d.muxTlsDeclared != null) tlsFitsTheLink(d.muxTlsDeclared, o);
  }

  private Integer maxStreams(ConfigValue v, String key) {
    Optional<Integer> n = values.intAtLeast(v, key, 1);
    if (n.isPresent() && n.get() > MUX_MAX_STREAMS) {
      values.problem(v, key, "must be at most " + MUX_MAX_STREAMS + ", got " + n.get());
      return null;
    }
    return n.orElse(null);
  }

  /** {@code mux.tls { cert, key, ca, server-name, peers }}, its files named, not yet read. */
  private TlsDeclaration tls(ConfigValue v, String key) {
    Optional<ConfigObject> obj = values.object(v, key);
    if (obj.isEmpty()) return null;
    TlsDeclaration t = new TlsDeclaration(obj.get(), key);
    TLS.read(this, values, t.block, key + ".", t);
    if (t.has("cert") != t.has("key")) {
      String given = t.has("cert") ? "cert" : "key";
      values.problem(
          t.block.get(given),
          key + "." + given,
          "cert and key go together: the key" + " is the private key of the certificate");
      t.wellFormed = false;
    }
    return t;
  }

  private void pemFile(TlsDeclaration t, TlsDeclaration.Role role, ConfigValue v, String key) {
    Optional<java.nio.file.Path> path = values.path(v, key);
    if (path.isPresent()) {
      t.files.add(new TlsDeclaration.PemFile(role, path.get(), v, key));
    } else {
      t.wellFormed = false;
    }
  }

  /** What {@code mux.tls} asks of the rest of {@code mux}: an inet link, each key on its side. */
  private void tlsFitsTheLink(TlsDeclaration t, ConfigObject mux) {
    ConfigValue v = mux.get("tls");
    String key = t.key;
    if (mux.containsKey("command")) {
      values.problem(
          v,
          key,
          "TLS is for links over mux.listen and mux.connect; a mux.command link is"
              + " as private as its program makes it (ssh, say)");
      t.wellFormed = false;
    }
    for (String way : List.of("listen", "connect")) {
      if (!mux.containsKey(way)) continue;
      ConfigValue at = mux.get(way);
      if (at.valueType() == ConfigValueType.STRING
          && !((String) at.unwrapped()).startsWith("inet:")) {
        values.problem(
            v, key, "TLS is for inet links; mux." + way + " is \"" + at.unwrapped() + "\"");
        t.wellFormed = false;
      }
    }
    if (mux.containsKey("listen") && !t.has("cert") && !t.has("key")) {
      values.problem(v, key, "a receptor (mux.listen) needs cert and key to prove who it is");
      t.wellFormed = false;
    }
    if (t.has("server-name") && !mux.containsKey("connect")) {
      values.problem(
          t.block.get("server-name"),
          key + ".server-name",
          "server-name is for"
              + " mux.connect: it is the name the connector expects in the receptor's certificate");
      t.wellFormed = false;
    }
    if (t.has("peers") && (!mux.containsKey("listen") || !t.has("ca"))) {
      values.problem(
          t.block.get("peers"),
          key + ".peers",
          "peers is for a receptor (mux.listen)"
              + " with ca: the names a client certificate signed by ca must hold");
      t.wellFormed = false;
    }
  }

  /** {@code mux.tls.peers}: a list of {@code DNS:name}, {@code IP:address} or {@code CN=name}. */
  private Optional<List<TlsSpec.Peer>> peers(ConfigValue v, String key) {
    Optional<List<String>> items = values.strings(v, key);
    if (items.isEmpty()) return Optional.empty();
    if (items.get().isEmpty()) {
      values.problem(
          v,
          key,
          "must name at least one peer (or leave peers out to take any certificate ca signed)");
      return Optional.empty();
    }
    List<TlsSpec.Peer> out = new java.util.ArrayList<>();
    for (String item : items.get()) {
      Optional<TlsSpec.Peer> p = peer(item.trim());
      if (p.isEmpty()) {
        values.problem(v, key, "\"" + item + "\" is not DNS:name, IP:address or CN=name");
        return Optional.empty();
      }
      out.add(p.get());
    }
    return Optional.of(List.copyOf(out));
  }

  private static Optional<TlsSpec.Peer> peer(String text) {
    String upper = text.toUpperCase(Locale.ROOT);
    TlsSpec.Peer.Kind kind;
    String name;
    if (upper.startsWith("DNS:")) {
      kind = TlsSpec.Peer.Kind.DNS;
      name = text.substring(4).trim();
    } else if (upper.startsWith("IP:")) {
      kind = TlsSpec.Peer.Kind.IP;
      name = text.substring(3).trim();
      // A literal only (no name lookups in a certificate check): what an ACL accepts, without a
      // prefix.
      if (name.contains("/")) return Optional.empty();
      try {
        Cidr.parse(name);
      } catch (AclException e) {
        return Optional.empty();
      }
    } else if (upper.startsWith("CN=")) {
      kind = TlsSpec.Peer.Kind.CN;
      name = text.substring(3).trim();
    } else {
      return Optional.empty();
    }
    if (name.isEmpty()) return Optional.empty();
    return Optional.of(new TlsSpec.Peer(kind, name));
  }

  /**
   * argv from a list, or from a string split like a shell would (or run by /bin/sh with {@code
   * shell}).
   */
  private List<String> command(Draft d, ConfigValue v, String key, boolean shell) {
    if (v == null) return null;
    if (v.valueType() == ConfigValueType.LIST) {
      Optional<List<String>> argv = values.strings(v, key);
      if (argv.isEmpty()) return null;
      if (argv.get().isEmpty() || argv.get().get(0).isBlank()) {
        values.problem(v, key, "must name a program to run, got an empty command");
        return null;
      }
      if (shell) {
        values.problem(
            v,
            key,
            "with flags = [shell] the command must be one string for /bin/sh -c, got a list");
        return null;
      }
      return argv.get();
    }
    Optional<String> s = values.string(v, key);
    if (s.isEmpty()) return null;
    if (s.get().isBlank()) {
      values.problem(v, key, "must name a program to run, got an empty command");
      return null;
    }
    if (shell) return List.of("/bin/sh", "-c", s.get());
    try {
      return CommandLine.split(s.get());
    } catch (ConfigException e) {
      values.problem(v, key, e.getMessage());
      return null;
    }
  }

  private static <E> Map<String, E> names(E[] all, java.util.function.Function<E, String> name) {
    Map<String, E> m = new LinkedHashMap<>();
    for (E e : all) m.put(name.apply(e), e);
    return Collections.unmodifiableMap(m);
  }
}
