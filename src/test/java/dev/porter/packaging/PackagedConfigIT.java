package dev.porter.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.config.ComponentSpec;
import dev.porter.config.ConfigLoader;
import dev.porter.config.Endpoint;
import dev.porter.config.PorterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etc/porter.conf, the configuration the packages install as /etc/porter/porter.conf. */
class PackagedConfigIT {
  private static final Path CONF = Packages.BASE.resolve("etc/porter.conf");

  /**
   * An example line: "#" then code, or "#" then the code's indentation; prose is "# " then text.
   */
  private static final Pattern EXAMPLE = Pattern.compile("^(\\s*)#(?=\\S|  )", Pattern.MULTILINE);

  @Test
  void porterCheckAcceptsThePackagedConfiguration() throws Exception {
    Tool.Result r = java().run("-jar", Packages.jar().toString(), "check", "-c", CONF.toString());
    assertEquals(0, r.exitCode(), r.output());
  }

  @Test
  void everyCommentedExampleIsValidWhenUncommented(@TempDir Path dir) throws Exception {
    String text = Files.readString(CONF);
    String uncommented = EXAMPLE.matcher(text).replaceAll("$1");
    assertTrue(
        uncommented.split("\n").length == text.split("\n").length && !uncommented.equals(text));
    Path conf = dir.resolve("porter.conf");
    Files.writeString(conf, uncommented);
    Tool.Result r = java().run("-jar", Packages.jar().toString(), "check", "-c", conf.toString());
    assertEquals(0, r.exitCode(), r.output());
    // One example of each kind of component (DESIGN.md §4).
    PorterConfig cfg = ConfigLoader.load(conf);
    Set<String> kinds =
        cfg.components().stream().map(PackagedConfigIT::kind).collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "master",
            "builtin",
            "spawn under master",
            "spawn on socket",
            "respawn",
            "startup",
            "shutdown",
            "route",
            "telnet-proxy",
            "pass-fd"),
        kinds);
    assertTrue(
        cfg.components().stream()
            .anyMatch(c -> c.socket().map(e -> e.scheme() == Endpoint.Scheme.UNIX).orElse(false)),
        "an example on a unix socket");
  }

  @Test
  void thePackagedConfigurationServesTheBuiltinsThroughATcpmuxMasterOnLoopbackPortOne()
      throws Exception {
    PorterConfig cfg = ConfigLoader.load(CONF);
    List<ComponentSpec> sockets =
        cfg.components().stream().filter(c -> c.socket().isPresent()).toList();
    assertEquals(1, sockets.size(), "only the master listens");
    ComponentSpec master = sockets.get(0);
    assertTrue(master.isTcpmuxMaster());
    assertEquals("inet://127.0.0.1:1", master.socket().get().toString());
    assertEquals(
        Set.of("echo", "discard", "daytime", "time", "chargen", "qotd"),
        cfg.components().stream()
            .filter(c -> c.tcpmuxMaster().isPresent())
            .map(ComponentSpec::service)
            .collect(Collectors.toSet()));
    // The global ACL admits loopback clients only.
    assertTrue(cfg.globalAcl().allows(new java.net.InetSocketAddress("127.0.0.1", 5)));
    assertTrue(cfg.globalAcl().allows(new java.net.InetSocketAddress("::1", 5)));
    assertTrue(!cfg.globalAcl().allows(new java.net.InetSocketAddress("192.0.2.7", 5)));
  }

  private static String kind(ComponentSpec c) {
    if (c.isTcpmuxMaster()) return "master";
    if (c.builtin().isPresent())
      return c.builtin().get().configName().equals("telnet-proxy") ? "telnet-proxy" : "builtin";
    if (c.route().isPresent()) return "route";
    if (c.passFdSocket().isPresent()) return "pass-fd";
    switch (c.mode().configName()) {
      case "respawn":
        return "respawn";
      case "startup":
        return "startup";
      case "shutdown":
        return "shutdown";
      default:
        return c.tcpmuxMaster().isPresent() ? "spawn under master" : "spawn on socket";
    }
  }

  private static Tool java() {
    return Tool.require(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "openjdk-17-jdk-headless");
  }
}
