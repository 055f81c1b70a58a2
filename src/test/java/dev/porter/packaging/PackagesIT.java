package dev.porter.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb and .rpm that {@code mvn -Ppackages} builds: what they contain, what they depend on,
 * which files are configuration, what lintian says, and that the systemd unit verifies. Each test
 * skips, saying why, when its package was not built or its tool is not installed.
 */
class PackagesIT {
  /** Installed by both packages (the unit's directory differs: see below). */
  private static final List<String> COMMON =
      List.of(
          "/usr/share/porter/porter.jar",
          "/usr/sbin/porterd",
          "/usr/bin/porterctl",
          "/usr/bin/porter",
          "/etc/porter/porter.conf",
          "/etc/porter/qotd",
          "/etc/porter/conf.d",
          "/usr/share/man/man5/porter.conf.5.gz",
          "/usr/share/man/man8/porterd.8.gz",
          "/usr/share/man/man8/porterctl.8.gz",
          "/usr/share/man/man8/porter.8.gz");

  @Test
  void debHoldsTheDaemonTheCommandsTheJarTheConfigurationTheUnitAndTheManPages() throws Exception {
    Tool dpkgDeb = Tool.require("dpkg-deb", "dpkg");
    Tool.Result r = dpkgDeb.run("-c", Packages.deb().toString());
    assertEquals(0, r.exitCode(), r.output());
    List<String> paths = debPaths(r);
    List<String> expected = new ArrayList<>(COMMON);
    expected.addAll(
        List.of(
            "/lib/systemd/system/porter.service",
            "/etc/default/porter",
            "/usr/share/doc/porter/copyright",
            "/usr/share/doc/porter/changelog.Debian.gz"));
    for (String p : expected)
      assertTrue(paths.contains(p), p + " missing from the .deb:\n" + r.output());
    for (String exe : List.of("/usr/sbin/porterd", "/usr/bin/porterctl", "/usr/bin/porter")) {
      assertTrue(
          line(r, exe).startsWith("-rwxr-xr-x root/root"),
          exe + " must be executable, owned by root: " + line(r, exe));
    }
  }

  @Test
  void debDependsOnAJava17Runtime() throws Exception {
    Tool.Result r =
        Tool.require("dpkg-deb", "dpkg").run("-f", Packages.deb().toString(), "Depends");
    assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless", r.output());
  }

  @Test
  void debKeepsTheAdministratorsConfigurationAsConffiles(@TempDir Path dir) throws Exception {
    Tool.Result r =
        Tool.require("dpkg-deb", "dpkg").run("-e", Packages.deb().toString(), dir.toString());
    assertEquals(0, r.exitCode(), r.output());
    assertEquals(
        List.of("/etc/default/porter", "/etc/porter/porter.conf", "/etc/porter/qotd"),
        Files.readAllLines(dir.resolve("conffiles")).stream().map(String::strip).sorted().toList());
    for (String script : List.of("postinst", "prerm", "postrm")) {
      assertTrue(Files.isExecutable(dir.resolve(script)), script + " must be executable");
    }
  }

  @Test
  void lintianFindsNoErrorsOrWarningsInTheDeb() throws Exception {
    Tool lintian = Tool.require("lintian", "lintian");
    Tool.Result r = lintian.run("--pedantic", "--display-info", Packages.deb().toString());
    List<String> complaints = r.lines().stream().filter(l -> l.matches("^[EW]: .*")).toList();
    assertEquals(List.of(), complaints, r.output());
  }

  @Test
  void rpmHoldsTheSameFilesAtRpmPaths() throws Exception {
    Tool rpm = Tool.require("rpm", "rpm");
    Tool.Result r = rpm.run("-qpl", Packages.rpm().toString());
    assertEquals(0, r.exitCode(), r.output());
    List<String> expected = new ArrayList<>(COMMON);
    expected.addAll(
        List.of(
            "/usr/lib/systemd/system/porter.service",
            "/etc/sysconfig/porter",
            "/usr/share/licenses/porter/copyright"));
    for (String p : expected)
      assertTrue(r.lines().contains(p), p + " missing from the .rpm:\n" + r.output());
  }

  @Test
  void rpmRequiresAJava17RuntimeAndKeepsConfigurationOnUpgrade() throws Exception {
    Tool rpm = Tool.require("rpm", "rpm");
    String file = Packages.rpm().toString();
    Tool.Result requires = rpm.run("-qpR", file);
    assertTrue(requires.lines().contains("java-headless >= 1:17"), requires.output());
    // %config(noreplace): flags "c" (config) and "n" (noreplace).
    Tool.Result flags = rpm.run("-qp", "--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\\n]", file);
    for (String conf :
        List.of("/etc/porter/porter.conf", "/etc/porter/qotd", "/etc/sysconfig/porter")) {
      String l =
          flags.lines().stream().filter(x -> x.startsWith(conf + " ")).findFirst().orElse("");
      assertTrue(
          l.matches(".* \\S*c\\S*") && l.matches(".* \\S*n\\S*"),
          conf + " must be %config(noreplace): " + l);
    }
  }

  @Test
  void theSystemdUnitVerifies(@TempDir Path dir) throws Exception {
    Tool analyze = Tool.require("systemd-analyze", "systemd");
    // verify wants the ExecStart/ExecReload programs and the Documentation= man pages to exist:
    // give it the packaged ones in a scratch tree.
    Path unit = Packages.BASE.resolve("packaging/systemd/porter.service");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String w : List.of("porterd", "porterctl")) {
      Files.copy(Packages.BASE.resolve("packaging/bin/" + w), bin.resolve(w));
      bin.resolve(w).toFile().setExecutable(true);
    }
    String text =
        Files.readString(unit)
            .replace("/usr/sbin/porterd", bin.resolve("porterd").toString())
            .replace("/usr/bin/porterctl", bin.resolve("porterctl").toString());
    Path copy = dir.resolve("porter.service");
    Files.writeString(copy, text);
    Path man = dir.resolve("man");
    for (String page : List.of("porterd.8", "porterctl.8", "porter.conf.5")) {
      Path section =
          Files.createDirectories(man.resolve("man" + page.substring(page.length() - 1)));
      Files.copy(Packages.BASE.resolve("man/" + page), section.resolve(page));
    }
    Tool.Result r = analyze.run(Map.of("MANPATH", man.toString()), "verify", copy.toString());
    assertEquals("", r.output(), "systemd-analyze verify complains");
    assertEquals(0, r.exitCode());
  }

  private static final Pattern DEB_PATH = Pattern.compile("\\./(\\S*?)/?(?: -> \\S+)?$");

  private static List<String> debPaths(Tool.Result r) {
    List<String> out = new ArrayList<>();
    for (String l : r.lines()) {
      Matcher m = DEB_PATH.matcher(l);
      if (m.find()) out.add("/" + m.group(1));
    }
    return out;
  }

  private static String line(Tool.Result r, String path) {
    return r.lines().stream().filter(l -> l.endsWith("." + path)).findFirst().orElse("");
  }
}
