package dev.porter.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.porter.acl.Acl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * One component while it is read and checked: the statements as given (null when absent; this class
 * never leaves {@code config}), where each came from, and what the checks decide.
 */
final class Draft {
  final String name;
  final ConfigObject decl;
  final Origin origin;

  Mode mode;
  Endpoint socket;
  String master;
  String service;
  final EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
  Acl acl;
  Builtin builtin;
  ConfigValue commandValue;
  List<String> command;
  Endpoint route;
  Endpoint passFdSocket;
  Integer maxInstances;
  String maxInstancesMessage;
  Integer maxRate;
  Duration nameTimeout;
  Duration idleTimeout;
  Duration sendTimeout;
  Duration connectTimeout;
  ProxyProtocol proxyProtocol;
  Acl proxyProtocolFrom;
  String user;
  String group;
  Integer umask;
  Path chdir;
  EnvSpec env;
  java.util.Map<String, Long> limits;
  List<String> prerequisites;
  OutputSpec stdout;
  OutputSpec stderr;
  List<ReturnCodeAction> returnCodes;
  Path telnetLog;
  Boolean telnetCompressFromClient;
  Endpoint muxListen;
  Endpoint muxConnect;
  ConfigValue muxCommandValue;
  List<String> muxCommand;
  String muxLink;

  /** {@code mux.tls} as written; {@link TlsFiles} turns it into {@link #muxTls}. */
  TlsDeclaration muxTlsDeclared;

  TlsSpec muxTls;
  Boolean muxReplace;
  Integer muxMaxStreams;

  Draft(String name, ConfigObject decl, Origin origin) {
    this.name = name;
    this.decl = decl;
    this.origin = origin;
  }

  /** The full key of one of this component's statements, as problems name it. */
  String key(String statement) {
    return "components." + name + "." + statement;
  }

  /** True when the statement was written (even if its value was wrong). */
  boolean has(String statement) {
    return decl.containsKey(statement);
  }

  /** The value of a statement that was written. */
  ConfigValue at(String statement) {
    return decl.get(statement);
  }

  boolean isSubordinate() {
    return has("tcpmux-master");
  }

  boolean isMuxExit() {
    return has("mux-link");
  }

  boolean runsCommand() {
    return has("command")
        || (decl.get("mux") instanceof ConfigObject
            && ((ConfigObject) decl.get("mux")).containsKey("command"));
  }

  Optional<Builtin> builtin() {
    return Optional.ofNullable(builtin);
  }
}
