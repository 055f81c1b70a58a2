package dev.porter.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Reads the statements of one {@code components.NAME { ... }} block into a {@link Draft}. */
final class ComponentReader {
  static final List<String> KEYS = List.of(
      "socket", "builtin", "tcpmux-master", "service", "flags", "acl", "max-instances",
      "max-instances-message", "max-rate", "name-timeout", "command", "route", "pass-fd-socket",
      "mode", "user", "group", "umask", "chdir", "env", "limits", "prerequisites", "stdout", "stderr",
      "return-code", "idle-timeout", "send-timeout", "connect-timeout", "proxy-protocol", "proxy-protocol-from",
      "telnet-log", "telnet-compress-from-client", "mux", "mux-link");
  static final List<String> ENV_KEYS = List.of("clear", "keep", "set", "unset");
  /** The ways a mux link comes up: exactly one of them. */
  static final List<String> MUX_WAYS = List.of("listen", "connect", "command");
  static final List<String> MUX_KEYS = List.of("listen", "connect", "command", "tls", "replace", "max-streams");
  static final List<String> TLS_KEYS = List.of("cert", "key", "ca", "server-name", "peers");
  /** {@code mux.replace}: whether a new connection on mux.listen may replace a session that still answers. */
  static final Map<String, Boolean> MUX_REPLACE = new TreeMap<>(Map.of("refuse", false, "allow", true));
  /** The largest {@code mux.max-streams}: the mux engine's limit (dev.porter.mux.Yamux.MAX_STREAMS_LIMIT). */
  static final int MUX_MAX_STREAMS = 8192;
  /** The resource limits prlimit(1) knows, by its names. */
  static final List<String> LIMITS = List.of("as", "core", "cpu", "data", "fsize", "locks",
      "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

  /** The limits counted in bytes, which may be written as sizes ({@code 512M}). */
  static final Set<String> BYTE_LIMITS = Set.of("as", "core", "data", "fsize", "memlock", "msgqueue", "rss", "stack");

  static final Map<String, Mode> MODES = names(Mode.values(), Mode::configName);
  static final Map<String, Builtin> BUILTINS = names(Builtin.values(), Builtin::configName);
  static final Map<String, Flag> FLAGS = names(Flag.values(), Flag::configName);
  static final Map<String, ProxyProtocol> PROXY = names(ProxyProtocol.values(),
      p -> p.name().toLowerCase(Locale.ROOT).replace('_', '-'));
  /** {@code telnet-compress-from-client}: whether a client may start MCCP2 toward the server. */
  static final Map<String, Boolean> COMPRESS_FROM_CLIENT = names(new Boolean[] {false, true}, b -> b ? "allow" : "deny");

  private static final Set<Endpoint.Scheme> LISTEN = EnumSet.of(Endpoint.Scheme.INET, Endpoint.Scheme.UNIX);
  private static final Set<Endpoint.Scheme> ROUTE = EnumSet.allOf(Endpoint.Scheme.class);
  private static final Set<Endpoint.Scheme> UNIX = EnumSet.of(Endpoint.Scheme.UNIX);

  private final Values values;
  private final AclTable acls;

  ComponentReader(Values values, AclTable acls) {
    this.values = values;
    this.acls = acls;
  }

  Draft read(String name, ConfigObject decl) {
    Draft d = new Draft(name, decl, values.origin(decl));
    values.rejectUnknownKeys(decl, "components." + name + ".", KEYS);
    for (String k : values.sortedKeys(decl)) {
      if (KEYS.contains(k)) statement(d, k, decl.get(k), d.key(k));
    }
    d.command = command(d, d.commandValue, d.key("command"), d.flags.contains(Flag.SHELL));
    d.muxCommand = command(d, d.muxCommandValue, d.key("mux.command"), false);
    return d;
  }

  private void statement(Draft d, String k, ConfigValue v, String key) {
    switch (k) {
      case "socket": d.socket = values.endpoint(v, key, LISTEN).orElse(null); break;
      case "builtin": d.builtin = values.choice(v, key, "builtin", BUILTINS).orElse(null); break;
      case "tcpmux-master": d.master = values.word(v, key).orElse(null); break;
      case "service": d.service = service(v, key); break;
      case "flags": flags(d, v, key); break;
      case "acl": d.acl = acls.acl(v, key).orElse(null); break;
      case "max-instances": d.maxInstances = values.intAtLeast(v, key, 1).orElse(null); break;
      case "max-instances-message": d.maxInstancesMessage = values.string(v, key).orElse(null); break;
      case "max-rate": d.maxRate = values.intAtLeast(v, key, 1).orElse(null); break;
      case "name-timeout": d.nameTimeout = positive(v, key); break;
      case "command": d.commandValue = v; break;
      case "route": d.route = values.endpoint(v, key, ROUTE).orElse(null); break;
      case "pass-fd-socket": d.passFdSocket = values.endpoint(v, key, UNIX).orElse(null); break;
      case "mode": d.mode = values.choice(v, key, "mode", MODES).orElse(null); break;
      case "user": d.user = values.word(v, key).orElse(null); break;
      case "group": d.group = values.word(v, key).orElse(null); break;
      case "umask": d.umask = umask(v, key); break;
      case "chdir": d.chdir = values.path(v, key).orElse(null); break;
      case "env": d.env = env(v, key); break;
      case "limits": d.limits = limits(v, key); break;
      case "prerequisites": d.prerequisites = values.words(v, key, true).orElse(null); break;
      case "stdout": d.stdout = output(v, key); break;
      case "stderr": d.stderr = output(v, key); break;
      case "return-code": d.returnCodes = ReturnCodes.read(v, key, values).orElse(null); break;
      case "idle-timeout": d.idleTimeout = values.duration(v, key).orElse(null); break;
      case "send-timeout": d.sendTimeout = values.duration(v, key).orElse(null); break;
      case "connect-timeout": d.connectTimeout = positive(v, key); break;
      case "proxy-protocol": d.proxyProtocol = values.choice(v, key, "proxy-protocol", PROXY).orElse(null); break;
      case "proxy-protocol-from": d.proxyProtocolFrom = acls.acl(v, key).orElse(null); break;
      case "telnet-log": d.telnetLog = values.path(v, key).orElse(null); break;
      case "telnet-compress-from-client":
        d.telnetCompressFromClient = values.choice(v, key, "value", COMPRESS_FROM_CLIENT).orElse(null);
        break;
      case "mux": mux(d, v, key); break;
      case "mux-link": d.muxLink = values.word(v, key).orElse(null); break;
      default: throw new AssertionError(k);
    }
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
    if (t.isEmpty() || t.length() > 4 || !t.chars().allMatch(c -> c >= '0' && c <= '7')
        || Integer.parseInt(t, 8) > 0777) {
      values.problem(v, key, "umask must be octal from 000 to 777, got \"" + t + "\"");
      return null;
    }
    return Integer.parseInt(t, 8);
  }

  private EnvSpec env(ConfigValue v, String key) {
    Optional<ConfigObject> obj = values.object(v, key);
    if (obj.isEmpty()) return null;
    ConfigObject o = obj.get();
    values.rejectUnknownKeys(o, key + ".", ENV_KEYS);
    boolean clear = false;
    List<String> keep = List.of();
    List<String> unset = List.of();
    Map<String, String> set = new LinkedHashMap<>();
    if (o.containsKey("clear")) clear = values.bool(o.get("clear"), key + ".clear").orElse(false);
    if (o.containsKey("keep")) keep = envNames(o.get("keep"), key + ".keep", true);
    if (o.containsKey("unset")) unset = envNames(o.get("unset"), key + ".unset", false);
    if (o.containsKey("set")) {
      values.object(o.get("set"), key + ".set").ifPresent(s -> {
        for (String name : values.sortedKeys(s)) {
          ConfigValue val = s.get(name);
          String k = key + ".set." + name;
          if (!isEnvName(name, false)) {
            values.problem(val, k, "not an environment variable name: \"" + name + "\"");
          } else if (val.valueType() == ConfigValueType.OBJECT) {
            values.problem(val, k, "must be a string (put a name with dots in quotes: \"A.B\" = ...)");
          } else {
            values.string(val, k).ifPresent(str -> set.put(name, str));
          }
        }
      });
    }
    return new EnvSpec(clear, keep, Collections.unmodifiableMap(set), unset);
  }

  private List<String> envNames(ConfigValue v, String key, boolean patterns) {
    List<String> names = values.words(v, key, false).orElse(List.of());
    for (String n : names) {
      if (!isEnvName(n, patterns)) values.problem(v, key, "not an environment variable name: \"" + n + "\"");
    }
    return names;
  }

  // POSIX names are [A-Za-z_][A-Za-z0-9_]*; "keep" also takes glob patterns such as LC_*.
  private static boolean isEnvName(String n, boolean patterns) {
    if (n.isEmpty() || n.indexOf('=') >= 0) return false;
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9')
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
      String text = val.valueType() == ConfigValueType.STRING ? ((String) val.unwrapped()).trim() : "";
      if (text.equalsIgnoreCase("unlimited")) {
        out.put(name, -1L);
      } else if (BYTE_LIMITS.contains(name) && !text.isEmpty() && Character.isLetter(text.charAt(text.length() - 1))) {
        bytes(val, key + "." + name, text).ifPresent(n -> out.put(name, n));
      } else if (val.valueType() == ConfigValueType.NUMBER || val.valueType() == ConfigValueType.STRING) {
        values.number(val, key + "." + name, 0).ifPresent(n -> out.put(name, n));
      } else {
        values.problem(val, key + "." + name, "must be a number or \"unlimited\", got " + Values.describe(val));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  // Sizes as HOCON writes them: 64M and 64MiB are 2^20 multiples, 64MB 10^6 (Typesafe Config).
  private Optional<Long> bytes(ConfigValue v, String key, String text) {
    try {
      return Optional.of(com.typesafe.config.ConfigValueFactory.fromAnyRef(text).atKey("b").getBytes("b"));
    } catch (com.typesafe.config.ConfigException e) {
      values.problem(v, key, "must be a number, a size such as \"64M\", or \"unlimited\", got \"" + text + "\"");
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
      if (!path.isEmpty()) return new OutputSpec(OutputSpec.Kind.FILE, Optional.of(java.nio.file.Path.of(path)));
    }
    String first = t.split("\\s+")[0];
    values.problem(v, key, "must be \"file PATH\" or \"log\", got \"" + t + "\""
        + (first.equals("file") ? "" : Suggest.didYouMean(first, List.of("file", "log"))));
    return null;
  }

  private void mux(Draft d, ConfigValue v, String key) {
    Optional<ConfigObject> obj = values.object(v, key);
    if (obj.isEmpty()) return;
    ConfigObject o = obj.get();
    values.rejectUnknownKeys(o, key + ".", MUX_KEYS);
    if (o.containsKey("listen")) d.muxListen = values.endpoint(o.get("listen"), key + ".listen", LISTEN).orElse(null);
    if (o.containsKey("connect")) d.muxConnect = values.endpoint(o.get("connect"), key + ".connect", LISTEN).orElse(null);
    if (o.containsKey("command")) d.muxCommandValue = o.get("command");
    if (o.containsKey("tls")) d.muxTls = tls(o, key).orElse(null);
    if (o.containsKey("replace")) {
      ConfigValue r = o.get("replace");
      d.muxReplace = values.choice(r, key + ".replace", "mux.replace", MUX_REPLACE).orElse(null);
      if (!o.containsKey("listen")) {
        values.problem(r, key + ".replace", "replace is for mux.listen: it says whether a new connection there may"
            + " replace a link that still works");
      }
    }
    if (o.containsKey("max-streams")) {
      ConfigValue m = o.get("max-streams");
      Optional<Integer> n = values.intAtLeast(m, key + ".max-streams", 1);
      if (n.isPresent() && n.get() > MUX_MAX_STREAMS) {
        values.problem(m, key + ".max-streams", "must be at most " + MUX_MAX_STREAMS + ", got " + n.get());
      } else {
        d.muxMaxStreams = n.orElse(null);
      }
    }
  }

  /**
   * {@code mux.tls { cert, key, ca, server-name }}: reads and checks the PEM files now, so that a
   * missing or broken file is a configuration error with its line rather than a link that never
   * comes up.
   */
  private Optional<TlsSpec> tls(ConfigObject mux, String muxKey) {
    String key = muxKey + ".tls";
    ConfigValue v = mux.get("tls");
    Optional<ConfigObject> obj = values.object(v, key);
    if (obj.isEmpty()) return Optional.empty();
    ConfigObject o = obj.get();
    values.rejectUnknownKeys(o, key + ".", TLS_KEYS);
    boolean ok = true;
    if (mux.containsKey("command")) {
      values.problem(v, key, "TLS is for links over mux.listen and mux.connect; a mux.command link is"
          + " as private as its program makes it (ssh, say)");
      ok = false;
    }
    for (String way : List.of("listen", "connect")) {
      if (!mux.containsKey(way)) continue;
      ConfigValue at = mux.get(way);
      if (at.valueType() == ConfigValueType.STRING && !((String) at.unwrapped()).startsWith("inet:")) {
        values.problem(v, key, "TLS is for inet links; mux." + way + " is \"" + at.unwrapped() + "\"");
        ok = false;
      }
    }
    if (o.containsKey("cert") != o.containsKey("key")) {
      String given = o.containsKey("cert") ? "cert" : "key";
      values.problem(o.get(given), key + "." + given, "cert and key go together: the key is the private key of"
          + " the certificate");
      ok = false;
    }
    if (mux.containsKey("listen") && !o.containsKey("cert") && !o.containsKey("key")) {
      values.problem(v, key, "a receptor (mux.listen) needs cert and key to prove who it is");
      ok = false;
    }
    if (o.containsKey("server-name") && !mux.containsKey("connect")) {
      values.problem(o.get("server-name"), key + ".server-name", "server-name is for mux.connect: it is the name"
          + " the connector expects in the receptor's certificate");
      ok = false;
    }
    List<TlsSpec.Peer> peers = List.of();
    if (o.containsKey("peers")) {
      ConfigValue pv = o.get("peers");
      if (!mux.containsKey("listen") || !o.containsKey("ca")) {
        values.problem(pv, key + ".peers", "peers is for a receptor (mux.listen) with ca: the names a client"
            + " certificate signed by ca must hold");
        ok = false;
      }
      Optional<List<TlsSpec.Peer>> parsed = peers(pv, key + ".peers");
      ok &= parsed.isPresent();
      peers = parsed.orElse(List.of());
    }
    java.security.MessageDigest digest = sha256();
    List<java.security.cert.X509Certificate> chain = List.of();
    Optional<java.security.PrivateKey> privateKey = Optional.empty();
    List<java.security.cert.X509Certificate> trusted = List.of();
    Optional<String> serverName = Optional.empty();
    for (String k : values.sortedKeys(o)) {
      if (!TLS_KEYS.contains(k) || k.equals("peers")) continue;
      ConfigValue item = o.get(k);
      String itemKey = key + "." + k;
      if (k.equals("server-name")) {
        serverName = values.word(item, itemKey);
        ok &= serverName.isPresent();
        continue;
      }
      Optional<java.nio.file.Path> path = values.path(item, itemKey);
      if (path.isEmpty()) {
        ok = false;
        continue;
      }
      try {
        switch (k) {
          case "cert": chain = Pem.certificates(path.get()); break;
          case "key": privateKey = Optional.of(Pem.privateKey(path.get())); break;
          case "ca": trusted = Pem.certificates(path.get()); break;
          default: throw new AssertionError(k);
        }
        digest.update(java.nio.file.Files.readAllBytes(path.get()));
      } catch (Pem.PemException e) {
        values.problem(item, itemKey, e.getMessage());
        ok = false;
      } catch (java.io.IOException e) {
        values.problem(item, itemKey, "cannot read " + path.get() + ": " + e.getMessage());
        ok = false;
      }
    }
    if (ok && privateKey.isPresent() && !chain.get(0).getPublicKey().getAlgorithm().equals(privateKey.get().getAlgorithm())) {
      values.problem(o.get("key"), key + ".key", "the key is " + privateKey.get().getAlgorithm()
          + " but the certificate's is " + chain.get(0).getPublicKey().getAlgorithm());
      ok = false;
    } else if (ok && privateKey.isPresent() && !Pem.belongTogether(privateKey.get(), chain.get(0).getPublicKey())) {
      values.problem(o.get("key"), key + ".key", "the key does not belong to the first certificate of cert");
      ok = false;
    }
    if (!ok) return Optional.empty();
    return Optional.of(new TlsSpec(List.copyOf(chain), privateKey, List.copyOf(trusted), serverName,
        java.util.HexFormat.of().formatHex(digest.digest()), peers));
  }

  /** {@code mux.tls.peers}: a list of {@code DNS:name}, {@code IP:address} or {@code CN=name}. */
  private Optional<List<TlsSpec.Peer>> peers(ConfigValue v, String key) {
    Optional<List<String>> items = values.strings(v, key);
    if (items.isEmpty()) return Optional.empty();
    if (items.get().isEmpty()) {
      values.problem(v, key, "must name at least one peer (or leave peers out to take any certificate ca signed)");
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
      // A literal only (no name lookups in a certificate check): what an ACL accepts, without a prefix.
      if (name.contains("/")) return Optional.empty();
      try {
        dev.porter.acl.Cidr.parse(name);
      } catch (dev.porter.acl.AclException e) {
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

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  /** argv from a list, or from a string split like a shell would (or run by /bin/sh with {@code shell}). */
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
        values.problem(v, key, "with flags = [shell] the command must be one string for /bin/sh -c, got a list");
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
