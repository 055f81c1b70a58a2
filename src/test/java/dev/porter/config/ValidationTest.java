package dev.porter.config;

import static dev.porter.config.ConfigAssertions.assertHasProblem;
import static dev.porter.config.ConfigAssertions.assertOneProblem;
import static dev.porter.config.ConfigAssertions.assertProblem;
import static dev.porter.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rule: each names the file, line and key of what is wrong. */
class ValidationTest {
  private static final String MASTER =
      "components.tcpmux { socket = \"inet://127.0.0.1:7001\", builtin = tcpmux }\n";

  // --- unknown keys and values

  @Test
  void unknownGlobalKeyIsRefusedWithTheNearestKey() {
    assertOneProblem(
        "pidfile = /run/p.pid\nshutdown-timout = 5s\n",
        "t.conf:2: shutdown-timout: unknown key \"shutdown-timout\" (did you mean"
            + " \"shutdown-timeout\"?)");
  }

  @Test
  void unknownComponentKeyIsRefusedWithTheNearestKey() {
    assertOneProblem(
        MASTER + "components.date {\n  tcpmux-mastr = tcpmux\n  command = /bin/date\n}\n",
        "t.conf:3: components.date.tcpmux-mastr: unknown key \"tcpmux-mastr\" (did you mean"
            + " \"tcpmux-master\"?)");
  }

  @Test
  void unknownKeyFarFromAnyGetsNoHint() {
    String p =
        assertOneProblem(
            "components.s { command = x, banana = 1 }",
            "t.conf:1: components.s.banana: unknown key \"banana\"");
    assertEquals(-1, p.indexOf("did you mean"));
  }

  @Test
  void unknownEnvKeyIsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n env { clear = true, sett { A = b } }\n}",
        "t.conf:3: components.s.env.sett: unknown key \"sett\" (did you mean \"set\"?)");
  }

  @Test
  void unknownLimitIsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n limits { nofiles = 10 }\n}",
        "t.conf:3: components.s.limits.nofiles: unknown key \"nofiles\" (did you mean"
            + " \"nofile\"?)");
  }

  @Test
  void unknownMuxKeyIsRefused() {
    assertOneProblem(
        "components.link {\n mux { conect = \"inet://peer:9000\" }\n}",
        "t.conf:2: components.link.mux.conect: unknown key \"conect\" (did you mean \"connect\"?)");
  }

  @Test
  void unknownReturnCodeEntryKeyIsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n return-code {\n  \"1 2\" { acton = restart }\n }\n}",
        "t.conf:4: components.s.return-code.\"1 2\".acton: unknown key \"acton\" (did you mean"
            + " \"action\"?)");
  }

  @Test
  void unknownControlKeyIsRefused() {
    assertOneProblem(
        "control.sockt = \"unix:///run/porter.sock\"",
        "t.conf:1: control.sockt: unknown key \"sockt\" (did you mean \"socket\"?)");
  }

  @Test
  void unknownFlagIsRefusedWithTheNearestFlag() {
    assertOneProblem(
        MASTER
            + "components.date {\n"
            + " tcpmux-master = tcpmux\n"
            + " command = /bin/date\n"
            + " flags = [ tcpmuxplsu ]\n"
            + "}",
        "t.conf:5: components.date.flags: unknown flag \"tcpmuxplsu\" (did you mean"
            + " \"tcpmuxplus\"?)");
  }

  @Test
  void unknownBuiltinIsRefusedWithTheNearestBuiltin() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n builtin = ecoh\n}",
        "t.conf:3: components.e.builtin: unknown builtin \"ecoh\" (did you mean \"echo\"?)");
  }

  @Test
  void unknownModeIsRefusedWithTheNearestMode() {
    assertOneProblem(
        "components.w {\n command = x\n mode = respwan\n}",
        "t.conf:3: components.w.mode: unknown mode \"respwan\" (did you mean \"respawn\"?)");
  }

  @Test
  void unknownProxyProtocolIsRefused() {
    assertOneProblem(
        "components.e {\n"
            + " socket = \"inet://127.0.0.1:7\"\n"
            + " builtin = echo\n"
            + " proxy-protocol = acept\n"
            + "}",
        "t.conf:4: components.e.proxy-protocol: unknown proxy-protocol \"acept\" (did you mean"
            + " \"accept\"?)");
  }

  // --- types and values

  @Test
  void stringWhereANumberIsNeededIsRefused() {
    assertOneProblem(
        "components.e {\n"
            + " socket = \"inet://127.0.0.1:7\"\n"
            + " builtin = echo\n"
            + " max-instances = lots\n"
            + "}",
        "t.conf:4: components.e.max-instances: must be a whole number, got the string \"lots\"");
  }

  @Test
  void listWhereAStringIsNeededIsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n user = [a, b]\n}",
        "t.conf:3: components.s.user: must be a string, got a list");
  }

  @Test
  void objectWhereAListIsNeededIsRefused() {
    assertOneProblem(
        "acls { local { a = 1 } }", "t.conf:1: acls.local: must be a list [ ... ], got an object");
  }

  @Test
  void maxInstancesBelowOneIsRefused() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n builtin = echo\n max-instances = 0\n}",
        "t.conf:4: components.e.max-instances: must be at least 1, got 0");
  }

  @Test
  void maxRateBelowOneIsRefused() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n builtin = echo\n max-rate = -5\n}",
        "t.conf:4: components.e.max-rate: must be at least 1, got -5");
  }

  @Test
  void durationWithoutUnitIsRefused() {
    assertOneProblem(
        MASTER + "components.tcpmux.name-timeout = 10\n",
        "t.conf:2: components.tcpmux.name-timeout: a duration needs a unit");
  }

  @Test
  void malformedDurationIsRefused() {
    assertOneProblem(
        "shutdown-timeout = 5 fortnights",
        "t.conf:1: shutdown-timeout: not a duration: \"5 fortnights\"");
  }

  @Test
  void badUmaskIsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n umask = 098\n}",
        "t.conf:3: components.s.umask: umask must be octal from 000 to 777, got \"098\"");
  }

  @Test
  void badUrlIsRefusedAtItsLine() {
    assertOneProblem(
        "components.e {\n builtin = echo\n socket = \"inet://127.0.0.1:99999\"\n}",
        "t.conf:3: components.e.socket: port must be a number from 0 to 65535, got 99999");
  }

  @Test
  void muxUrlIsNotASocket() {
    assertOneProblem(
        "components.e {\n builtin = echo\n socket = \"mux://link/x\"\n}",
        "t.conf:3: components.e.socket: must be an inet:// or unix:// URL, got \"mux://link/x\"");
  }

  @Test
  void controlSocketMustBeUnix() {
    assertOneProblem(
        "control.socket = \"inet://127.0.0.1:9\"",
        "t.conf:1: control.socket: must be a unix:// URL");
  }

  @Test
  void badStdoutIsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n stdout = \"fiel /tmp/x\"\n}",
        "t.conf:3: components.s.stdout: must be \"file PATH\" or \"log\", got \"fiel /tmp/x\" (did"
            + " you mean \"file\"?)");
  }

  @Test
  void badLimitValueIsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n limits { nofile = many }\n}",
        "t.conf:3: components.s.limits.nofile: must be a whole number, got the string \"many\"");
  }

  @Test
  void exitCodeAbove255IsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n return-code { \"1 256\" { action = restart } }\n}",
        "t.conf:3: components.s.return-code.\"1 256\": exit codes are 0-255, got 256");
  }

  @Test
  void exitCodeGivenTwiceIsRefused() {
    assertOneProblem(
        "components.s {\n"
            + " command = x\n"
            + " return-code {\n"
            + "  \"1 2\" { action = restart }\n"
            + "  \"2\" { action = disable }\n"
            + " }\n"
            + "}",
        "t.conf:5: components.s.return-code.\"2\": exit code 2 already has an action (in \"1 2\")");
  }

  @Test
  void returnCodeEntryWithNothingToDoIsRefused() {
    assertOneProblem(
        "components.s {\n command = x\n return-code { EX_TEMPFAIL {} }\n}",
        "t.conf:3: components.s.return-code.\"EX_TEMPFAIL\": says nothing to do");
  }

  @Test
  void commandWithShellOperatorNeedsTheShellFlag() {
    assertOneProblem(
        "components.s {\n command = \"date > /tmp/x\"\n}",
        "t.conf:2: components.s.command: command contains the shell operator \">\"");
  }

  @Test
  void shellFlagNeedsACommandString() {
    assertOneProblem(
        "components.s {\n command = [date]\n flags = [shell]\n}",
        "t.conf:2: components.s.command: with flags = [shell] the command must be one string");
  }

  @Test
  void emptyCommandIsRefused() {
    assertOneProblem(
        "components.s {\n command = []\n}",
        "t.conf:2: components.s.command: must name a program to run");
  }

  @Test
  void dottedEnvNameMustBeQuoted() {
    assertOneProblem(
        "components.s {\n command = x\n env.set { a.b = 1 }\n}",
        "t.conf:3: components.s.env.set.a: must be a string (put a name with dots in quotes");
  }

  // --- tcpmux masters and subordinates

  @Test
  void subordinateOfMissingMasterIsRefused() {
    assertOneProblem(
        MASTER + "components.date {\n tcpmux-master = tcpmx\n command = /bin/date\n}",
        "t.conf:3: components.date.tcpmux-master: no component \"tcpmx\" (did you mean"
            + " \"tcpmux\"?)");
  }

  @Test
  void subordinateOfANonMasterIsRefused() {
    assertOneProblem(
        "components.e { socket = \"inet://127.0.0.1:7\", builtin = echo }\n"
            + "components.date {\n tcpmux-master = e\n command = /bin/date\n}",
        "t.conf:3: components.date.tcpmux-master: component \"e\" is not a tcpmux master (a master"
            + " has builtin = tcpmux)");
  }

  @Test
  void subordinateWithItsOwnSocketIsRefused() {
    assertOneProblem(
        MASTER
            + "components.date {\n"
            + " tcpmux-master = tcpmux\n"
            + " socket = \"inet://127.0.0.1:13\"\n"
            + " command = /bin/date\n"
            + "}",
        "t.conf:4: components.date.socket: a tcpmux subordinate is reached through its master");
  }

  @Test
  void duplicateServiceNamesUnderOneMasterAreRefusedIgnoringCase() {
    assertOneProblem(
        MASTER
            + "components.a { tcpmux-master = tcpmux, service = echo, builtin = echo }\n"
            + "components.b {\n tcpmux-master = tcpmux\n service = ECHO\n builtin = echo\n}",
        "t.conf:5: components.b.service: service \"ECHO\" is already served by component a under"
            + " master tcpmux",
        "case-insensitive");
  }

  @Test
  void sameServiceNameUnderTwoMastersIsFine() {
    ConfigAssertions.load(
        MASTER
            + "components.m2 { socket = \"inet://127.0.0.1:7002\", builtin = tcpmux }\n"
            + "components.a { tcpmux-master = tcpmux, builtin = echo }\n"
            + "components.b { tcpmux-master = m2, service = a, builtin = echo }\n");
  }

  @Test
  void helpIsReservedUnderAMaster() {
    assertOneProblem(
        MASTER + "components.x {\n tcpmux-master = tcpmux\n service = Help\n builtin = echo\n}",
        "t.conf:4: components.x.service: service name \"Help\" is reserved");
  }

  @Test
  void componentNamedHelpUnderAMasterIsRefusedAtTheComponent() {
    assertOneProblem(
        MASTER + "components.help {\n tcpmux-master = tcpmux\n builtin = echo\n}",
        "t.conf:2: components.help: service name \"help\" is reserved");
  }

  @Test
  void tcpmuxMasterWithoutSocketIsRefused() {
    assertOneProblem(
        "components.m {\n builtin = tcpmux\n}",
        "t.conf:2: components.m.builtin: a tcpmux master needs a socket");
  }

  @Test
  void tcpmuxFlagOnANonSubordinateIsRefused() {
    assertOneProblem(
        "components.s {\n"
            + " socket = \"inet://127.0.0.1:7\"\n"
            + " command = /bin/cat\n"
            + " flags = [tcpmuxplus]\n"
            + "}",
        "t.conf:4: components.s.flags: flag tcpmuxplus is only for tcpmux subordinates");
  }

  @Test
  void tcpmuxFlagOnABuiltinIsRefused() {
    assertOneProblem(
        MASTER + "components.s {\n tcpmux-master = tcpmux\n builtin = echo\n flags = [tcpmux]\n}",
        "t.conf:5: components.s.flags: flag tcpmux means the program sends its own \"+\" reply");
  }

  @Test
  void masterCannotBeASubordinate() {
    assertOneProblem(
        MASTER
            + "components.m2 {\n"
            + " socket = \"inet://127.0.0.1:7002\"\n"
            + " builtin = tcpmux\n"
            + " tcpmux-master = tcpmux\n"
            + "}",
        "t.conf:5: components.m2.tcpmux-master: a tcpmux master cannot be another master's"
            + " subordinate");
  }

  @Test
  void bothReplyFlagsTogetherAreRefused() {
    assertOneProblem(
        MASTER
            + "components.s {\n"
            + " tcpmux-master = tcpmux\n"
            + " command = /bin/cat\n"
            + " flags = [tcpmux, tcpmuxplus]\n"
            + "}",
        "t.conf:5: components.s.flags: flags tcpmux and tcpmuxplus exclude each other");
  }

  // --- what serves a component, and modes

  @Test
  void moreThanOneServerIsRefused() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n builtin = echo\n command = /bin/cat\n}",
        "t.conf:1: components.e: is served by exactly one of command, builtin, route or"
            + " pass-fd-socket; it has command and builtin");
  }

  @Test
  void inetdComponentWithNothingToServeItIsRefused() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n}",
        "t.conf:1: components.e: has nothing to serve its connections");
  }

  @Test
  void acceptComponentWithoutCommandIsRefused() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n mode = accept\n builtin = echo\n}",
        "t.conf:1: components.e: mode accept needs a command");
  }

  @Test
  void inetdModeWithoutAnyEntryIsRefused() {
    assertOneProblem(
        "components.e {\n mode = inetd\n builtin = echo\n}",
        "t.conf:1: components.e: mode inetd needs a socket, a tcpmux-master or a mux-link");
  }

  @Test
  void respawnComponentWithoutCommandIsRefused() {
    assertOneProblem(
        "components.w {\n user = www\n}", "t.conf:1: components.w: mode respawn needs a command");
  }

  @ParameterizedTest
  @ValueSource(strings = {"respawn", "startup", "shutdown"})
  void daemonModesWithoutCommandAreRefused(String mode) {
    assertOneProblem(
        "components.w {\n mode = " + mode + "\n}",
        "t.conf:1: components.w: mode " + mode + " needs a command");
  }

  @Test
  void limitCountedInItemsTakesNoSize() {
    assertOneProblem(
        "components.s {\n command = x\n limits { nofile = 4k }\n}",
        "t.conf:3: components.s.limits.nofile: must be a whole number, got the string \"4k\"");
  }

  @Test
  void respawnComponentWithASocketIsRefused() {
    assertOneProblem(
        "components.w {\n mode = respawn\n command = x\n socket = \"inet://127.0.0.1:7\"\n}",
        "t.conf:4: components.w.socket: socket is for modes inetd, accept and pass-fd, not"
            + " respawn");
  }

  @Test
  void passFdComponentWithoutItsSocketIsRefused() {
    assertOneProblem(
        "components.p {\n mode = pass-fd\n socket = \"inet://127.0.0.1:7\"\n}",
        "t.conf:1: components.p: mode pass-fd needs pass-fd-socket");
  }

  @Test
  void telnetProxyWithoutRouteIsRefused() {
    assertOneProblem(
        "components.t {\n socket = \"inet://127.0.0.1:23\"\n builtin = telnet-proxy\n}",
        "t.conf:3: components.t.builtin: builtin telnet-proxy needs a route");
  }

  @Test
  void routeWithAnotherBuiltinIsRefused() {
    assertOneProblem(
        "components.t {\n"
            + " socket = \"inet://127.0.0.1:23\"\n"
            + " builtin = echo\n"
            + " route = \"inet://127.0.0.1:7\"\n"
            + "}",
        "t.conf:4: components.t.route: route cannot be combined with builtin echo");
  }

  @Test
  void routeToPortZeroIsRefused() {
    assertOneProblem(
        "components.t {\n socket = \"inet://127.0.0.1:23\"\n route = \"inet://127.0.0.1:0\"\n}",
        "t.conf:3: components.t.route: a route needs a real port");
  }

  @Test
  void processStatementsOnABuiltinAreRefused() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n builtin = echo\n user = nobody\n}",
        "t.conf:4: components.e.user: user applies to a program, and this component runs no"
            + " command");
  }

  @Test
  void processFlagsOnABuiltinAreRefused() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n builtin = echo\n flags = [sockenv]\n}",
        "t.conf:4: components.e.flags: flag sockenv applies to a program");
  }

  @Test
  void waitFlagNeedsASocketAndACommand() {
    assertOneProblem(
        MASTER
            + "components.s {\n"
            + " tcpmux-master = tcpmux\n"
            + " command = x\n"
            + " flags = [tcpmuxplus, wait]\n"
            + "}",
        "t.conf:5: components.s.flags: flag wait hands the listening socket to the program");
  }

  @Test
  void sendingProxyHeaderNeedsARoute() {
    assertOneProblem(
        "components.s {\n"
            + " socket = \"inet://127.0.0.1:7\"\n"
            + " command = x\n"
            + " proxy-protocol = send-v2\n"
            + "}",
        "t.conf:4: components.s.proxy-protocol: proxy-protocol = send-v1/send-v2 sends the header"
            + " on a route");
  }

  @Test
  void acceptingProxyHeadersNeedsTheTrustedSenders() {
    assertOneProblem(
        "components.e {\n"
            + " socket = \"inet://127.0.0.1:7\"\n"
            + " builtin = echo\n"
            + " proxy-protocol = accept\n"
            + "}",
        "t.conf:4: components.e.proxy-protocol: proxy-protocol = accept needs proxy-protocol-from:"
            + " the load balancers allowed to send the header");
  }

  @Test
  void trustedProxySendersWithoutAcceptingTheHeaderAreAMistake() {
    assertOneProblem(
        "components.e {\n socket = \"inet://127.0.0.1:7\"\n builtin = echo\n"
            + " proxy-protocol-from = [ \"allow any\" ]\n}",
        "t.conf:4: components.e.proxy-protocol-from: proxy-protocol-from applies with"
            + " proxy-protocol = accept");
  }

  @Test
  void trustedProxySendersMayNameAnAcl() {
    PorterConfig c =
        ConfigAssertions.load(
            "acls.lb = [ \"allow from 10.0.0.5\", \"deny any\" ]\n"
                + "components.e { socket = \"inet://127.0.0.1:7\", builtin = echo, proxy-protocol ="
                + " accept, proxy-protocol-from = lb }");
    dev.porter.acl.Acl from = c.components().get(0).proxyProtocolFrom();
    assertEquals(true, from.allows(new java.net.InetSocketAddress("10.0.0.5", 1)));
    assertEquals(false, from.allows(new java.net.InetSocketAddress("10.0.0.6", 1)));
  }

  @Test
  void idleTimeoutNeedsARoute() {
    assertOneProblem(
        "components.s {\n socket = \"inet://127.0.0.1:7\"\n command = x\n idle-timeout = 1m\n}",
        "t.conf:4: components.s.idle-timeout: idle-timeout applies to routes");
  }

  @Test
  void telnetLogNeedsTheTelnetProxy() {
    assertOneProblem(
        "components.s {\n"
            + " socket = \"inet://127.0.0.1:7\"\n"
            + " route = \"inet://127.0.0.1:8\"\n"
            + " telnet-log = /tmp/t\n"
            + "}",
        "t.conf:4: components.s.telnet-log: telnet-log is for builtin telnet-proxy");
  }

  @Test
  void telnetCompressFromClientNeedsTheTelnetProxy() {
    assertOneProblem(
        "components.s {\n socket = \"inet://127.0.0.1:7\"\n route = \"inet://127.0.0.1:8\"\n"
            + " telnet-compress-from-client = allow\n}",
        "t.conf:4: components.s.telnet-compress-from-client: telnet-compress-from-client is for"
            + " builtin telnet-proxy");
  }

  @Test
  void telnetCompressFromClientIsDenyOrAllow() {
    assertOneProblem(
        "components.s {\n socket = \"inet://127.0.0.1:7\"\n builtin = telnet-proxy\n"
            + " route = \"inet://127.0.0.1:8\"\n telnet-compress-from-client = yes\n}",
        "t.conf:5: components.s.telnet-compress-from-client: unknown value \"yes\" (one of: deny,"
            + " allow)");
  }

  @Test
  void maxInstancesMessageNeedsMaxInstances() {
    assertOneProblem(
        "components.s {\n"
            + " socket = \"inet://127.0.0.1:7\"\n"
            + " builtin = echo\n"
            + " max-instances-message = busy\n"
            + "}",
        "t.conf:4: components.s.max-instances-message: max-instances-message is sent only when"
            + " max-instances is set");
  }

  @Test
  void connectionStatementsOnADaemonAreRefused() {
    assertOneProblem(
        "components.w {\n command = x\n max-rate = 5\n}",
        "t.conf:3: components.w.max-rate: max-rate applies to connections, and mode respawn takes"
            + " none");
  }

  // --- sockets

  @Test
  void twoComponentsOnOneInetSocketAreRefused() {
    assertOneProblem(
        "components.a { socket = \"inet://127.0.0.1:7\", builtin = echo }\n"
            + "components.b {\n socket = \"inet://127.0.0.1:7\"\n builtin = discard\n}",
        "t.conf:3: components.b.socket: \"inet://127.0.0.1:7\" is the same socket as"
            + " \"inet://127.0.0.1:7\" of components.a.socket");
  }

  @Test
  void twoComponentsOnOneUnixSocketAreRefused() {
    assertOneProblem(
        "components.a { socket = \"unix:///run/x.sock\", builtin = echo }\n"
            + "components.b {\n socket = \"unix:///run/./x.sock;mode=0600\"\n builtin = discard\n}",
        "t.conf:3: components.b.socket: \"unix:///run/./x.sock;mode=0600\" is the same socket as");
  }

  @Test
  void wildcardAndSpecificAddressOnOnePortAreRefused() {
    assertOneProblem(
        "components.a { socket = \"inet://0.0.0.0:7\", builtin = echo }\n"
            + "components.b {\n socket = \"inet://127.0.0.1:7\"\n builtin = discard\n}",
        "t.conf:3: components.b.socket: \"inet://127.0.0.1:7\" overlaps");
  }

  @Test
  void ipv6WildcardOverlapsEveryAddressOnItsPort() {
    assertOneProblem(
        "components.a { socket = \"inet://[::]:7\", builtin = echo }\n"
            + "components.b {\n socket = \"inet://127.0.0.1:7\"\n builtin = discard\n}",
        "t.conf:3: components.b.socket: \"inet://127.0.0.1:7\" overlaps");
  }

  @Test
  void differentAddressesMayShareAPort() {
    ConfigAssertions.load(
        "components.a { socket = \"inet://127.0.0.1:7\", builtin = echo }\n"
            + "components.b { socket = \"inet://[::1]:7\", builtin = echo }\n"
            + "components.c { socket = \"inet://127.0.0.2:7\", builtin = echo }\n");
  }

  @Test
  void manyComponentsMayUsePortZero() {
    ConfigAssertions.load(
        "components.a { socket = \"inet://127.0.0.1:0\", builtin = echo }\n"
            + "components.b { socket = \"inet://127.0.0.1:0\", builtin = discard }\n");
  }

  // --- ACLs

  @Test
  void unknownAclNameIsRefused() {
    assertOneProblem(
        "acls.local = [\"allow any\"]\n"
            + "components.e {\n"
            + " socket = \"inet://127.0.0.1:7\"\n"
            + " builtin = echo\n"
            + " acl = locl\n"
            + "}",
        "t.conf:5: components.e.acl: unknown ACL \"locl\" (did you mean \"local\"?)");
  }

  @Test
  void unknownAclReferenceInARuleIsRefusedAtTheRule() {
    assertOneProblem(
        "acls {\n a = [\n  \"allow from 10.0.0.0/8\"\n  \"allow acl nope\"\n ]\n}",
        "t.conf:4: acls.a: unknown ACL \"nope\" in rule \"allow acl nope\"");
  }

  @Test
  void aclReferenceCycleIsRefusedAndNamed() {
    assertOneProblem(
        "acls {\n a = [\"allow acl b\"]\n b = [\"deny acl a\"]\n}",
        "t.conf:2: acls.a: ACL reference cycle a -> b -> a");
  }

  @Test
  void singleRuleWithoutBracketsIsExplained() {
    assertOneProblem(
        "acl = \"allow any\"",
        "t.conf:1: acl: an ACL is a name from acls or a list of rules: put rules in brackets, e.g."
            + " acl = [ \"allow any\" ]");
  }

  @Test
  void malformedAclRuleIsRefused() {
    assertOneProblem(
        "acl = [\n \"allow from 10.0.0.0/33\"\n]",
        "t.conf:2: acl: prefix length 33 is longer than the address");
  }

  // --- prerequisites

  @Test
  void unknownPrerequisiteIsRefused() {
    assertOneProblem(
        "components.db { command = x }\ncomponents.web {\n command = y\n prerequisites = [dbb]\n}",
        "t.conf:4: components.web.prerequisites: no component \"dbb\" (did you mean \"db\"?)");
  }

  @Test
  void prerequisiteCycleIsRefusedAndNamed() {
    assertOneProblem(
        "components.a {\n"
            + " command = x\n"
            + " prerequisites = [b]\n"
            + "}\n"
            + "components.b {\n"
            + " command = y\n"
            + " prerequisites = [a]\n"
            + "}",
        "t.conf:3: components.a.prerequisites: prerequisite cycle a -> b -> a");
  }

  @Test
  void componentRequiringItselfIsACycle() {
    assertOneProblem(
        "components.a {\n command = x\n prerequisites = a\n}",
        "t.conf:3: components.a.prerequisites: prerequisite cycle a -> a");
  }

  // --- mux links

  @Test
  void muxLinkWithTwoEndsIsRefused() {
    assertOneProblem(
        "components.link {\n"
            + " mux {\n"
            + "  listen = \"inet://127.0.0.1:9000\"\n"
            + "  connect = \"inet://peer:9000\"\n"
            + " }\n"
            + "}",
        "t.conf:2: components.link.mux: a mux link needs exactly one of mux.listen, mux.connect or"
            + " mux.command; it has mux.listen and mux.connect");
  }

  @Test
  void muxModeWithoutEndIsRefused() {
    assertOneProblem(
        "components.link {\n mode = mux\n}",
        "t.conf:1: components.link: mode mux needs one of mux.listen");
  }

  @Test
  void muxExitOnANonLinkIsRefused() {
    assertOneProblem(
        "components.e { socket = \"inet://127.0.0.1:7\", builtin = echo }\n"
            + "components.x {\n mux-link = e\n builtin = echo\n}",
        "t.conf:3: components.x.mux-link: component \"e\" is not a mux link");
  }

  @Test
  void muxRouteToAMissingLinkIsRefused() {
    assertOneProblem(
        "components.link { mux.connect = \"inet://peer:9000\" }\n"
            + "components.x {\n socket = \"inet://127.0.0.1:7100\"\n route = \"mux://lnk/chat\"\n}",
        "t.conf:4: components.x.route: no component \"lnk\" (did you mean \"link\"?)");
  }

  @Test
  void duplicateExitsOnOneLinkAreRefused() {
    assertOneProblem(
        "components.link { mux.listen = \"inet://127.0.0.1:9000\" }\n"
            + "components.a { mux-link = link, service = chat, route = \"inet://127.0.0.1:7000\""
            + " }\n"
            + "components.b {\n"
            + " mux-link = link\n"
            + " service = Chat\n"
            + " builtin = echo\n"
            + "}",
        "t.conf:5: components.b.service: service \"Chat\" is already served by component a under"
            + " mux link link");
  }

  @Test
  void muxRouteThroughANonLinkIsRefused() {
    assertOneProblem(
        "components.e { socket = \"inet://127.0.0.1:7\", builtin = echo }\n"
            + "components.x {\n socket = \"inet://127.0.0.1:7100\"\n route = \"mux://e/chat\"\n}",
        "t.conf:4: components.x.route: component \"e\" is not a mux link");
  }

  @Test
  void muxExitOfAMissingLinkIsRefused() {
    assertOneProblem(
        "components.x {\n mux-link = nolink\n builtin = echo\n}",
        "t.conf:2: components.x.mux-link: no component \"nolink\"");
  }

  @Test
  void helpIsReservedOnAMuxLink() {
    assertOneProblem(
        "components.link { mux.listen = \"inet://127.0.0.1:9000\" }\n"
            + "components.x {\n mux-link = link\n service = help\n builtin = echo\n}",
        "t.conf:4: components.x.service: service name \"help\" is reserved");
  }

  @Test
  void muxLinkListenerMayNotShareASocket() {
    assertOneProblem(
        "components.e { socket = \"inet://127.0.0.1:9000\", builtin = echo }\n"
            + "components.link {\n mux.listen = \"inet://127.0.0.1:9000\"\n}",
        "t.conf:3: components.link.mux.listen: \"inet://127.0.0.1:9000\" is the same socket as");
  }

  @Test
  void muxStatementsNeedModeMux() {
    assertOneProblem(
        "components.link {\n mode = respawn\n command = x\n mux.connect = \"inet://peer:9000\"\n}",
        "t.conf:4: components.link.mux: mux.* configures a mux link and needs mode mux, not"
            + " respawn");
  }

  // --- several problems at once

  @Test
  void everyProblemIsReportedAtOnceInLineOrder() {
    List<String> p =
        problems(
            String.join(
                "\n",
                "shutdown-timeout = soon", // 1
                "components {", // 2
                "  tcpmux { socket = \"inet://127.0.0.1:7001\", builtin = tcpmux }", // 3
                "  date {", // 4
                "    tcpmux-master = tcpmux", // 5
                "    flags = [ tcpmuxplsu ]", // 6
                "    command = /bin/date", // 7
                "    max-rate = often", // 8
                "  }", // 9
                "  e { socket = \"inet://127.0.0.1:7001\", builtin = echo }", // 10
                "}"));
    assertEquals(4, p.size(), () -> String.join("\n", p));
    assertProblem(p.get(0), "t.conf:1: shutdown-timeout: ");
    assertProblem(p.get(1), "t.conf:6: components.date.flags: unknown flag \"tcpmuxplsu\"");
    assertProblem(p.get(2), "t.conf:8: components.date.max-rate: must be a whole number");
    assertProblem(
        p.get(3),
        "t.conf:10: components.e.socket: \"inet://127.0.0.1:7001\" is the same socket as");
  }

  @Test
  void unclosedBraceIsReportedPlainly() {
    assertOneProblem(
        "components {\n  a { command = x\n",
        "t.conf:3: unexpected end of file (is a { or [ left open?)");
  }

  @Test
  void unquotedUrlGetsAHintAboutQuotes() {
    assertOneProblem(
        "components.a.command = x\ncomponents.a.socket = inet://127.0.0.1:7\n",
        "t.conf:2: ",
        "put values that contain \":\" or \"//\" in double quotes");
  }

  @Test
  void syntaxErrorIsOneLineWithFileAndLine() {
    List<String> p = problems("components {\n  a { command = x }\n  b = }\n}\n");
    assertEquals(1, p.size(), () -> String.join("\n", p));
    assertHasProblem(p, "t.conf:3: ");
  }
}
