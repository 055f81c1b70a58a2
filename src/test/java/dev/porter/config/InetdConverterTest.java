package dev.porter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InetdConverterTest {
  private static final InetdServices SERVICES = InetdServices.classic();

  @Test
  void aDebianInetdConfBecomesAConfigurationPorterAccepts() throws Exception {
    PorterConfig cfg = loadConverted("debian.conf");
    assertEquals(
        List.of(
            "echo",
            "discard",
            "daytime",
            "time",
            "chargen",
            "tcpmux",
            "ftp",
            "telnet",
            "finger",
            "ident",
            "tcpmux-date",
            "tcpmux-sysinfo",
            "tcpmux-echo",
            "port-8080",
            "port-8081",
            "tcpmux-uptime"),
        cfg.components().stream().map(ComponentSpec::name).toList());

    ComponentSpec echo = component(cfg, "echo");
    assertEquals(Mode.INETD, echo.mode());
    assertEquals(Optional.of(Builtin.ECHO), echo.builtin());
    assertEquals(
        "inet://[::]:7",
        echo.socket().get().text(),
        "the tcp and tcp6 lines became one [::] listener");
    assertEquals(10, component(cfg, "chargen").maxRate());
    assertTrue(
        component(cfg, "chargen").user().isEmpty(), "a builtin runs no program, so it has no user");

    ComponentSpec master = component(cfg, "tcpmux");
    assertTrue(master.isTcpmuxMaster());
    assertEquals("inet://0.0.0.0:1", master.socket().get().text());

    ComponentSpec ftp = component(cfg, "ftp");
    assertEquals(List.of("/usr/sbin/in.ftpd", "-l"), ftp.command());
    assertEquals(Set.of(), ftp.flags());
    assertEquals(Optional.empty(), ftp.user(), "user root is porter's own");

    ComponentSpec telnet = component(cfg, "telnet");
    assertEquals("inet://[::]:23", telnet.socket().get().text());
    assertEquals(Optional.of("telnetd"), telnet.user());
    assertEquals(Optional.of("telnetd"), telnet.group());

    ComponentSpec finger = component(cfg, "finger");
    assertEquals(30, finger.maxRate());
    assertEquals(Optional.of("nobody"), finger.user());
    assertEquals(List.of("/usr/sbin/in.fingerd", "-w"), finger.command());

    ComponentSpec ident = component(cfg, "ident");
    assertEquals(Mode.INETD, ident.mode());
    assertEquals(Set.of(Flag.WAIT), ident.flags());

    ComponentSpec date = component(cfg, "tcpmux-date");
    assertEquals(Optional.of("tcpmux"), date.tcpmuxMaster());
    assertEquals("date", date.service());
    assertEquals(Set.of(Flag.TCPMUXPLUS), date.flags());
    assertEquals(List.of("/bin/date", "-u"), date.command());

    ComponentSpec sysinfo = component(cfg, "tcpmux-sysinfo");
    assertEquals(Set.of(Flag.TCPMUX), sysinfo.flags(), "tcpmux/NAME: the program sends its own +");
    assertEquals(Optional.of("nogroup"), sysinfo.group());

    ComponentSpec muxEcho = component(cfg, "tcpmux-echo");
    assertEquals(Optional.of(Builtin.ECHO), muxEcho.builtin());
    assertEquals(Set.of(Flag.TCPMUXPLUS), muxEcho.flags());

    ComponentSpec web = component(cfg, "port-8080");
    assertEquals(
        "inet://127.0.0.1:8080", web.socket().get().text(), "the 127.0.0.1: line sets the address");
    assertEquals(Optional.of("www-data"), web.user());
    assertEquals(Optional.of("www-data"), web.group(), "user.group");
    assertEquals("inet://[::1]:8081", component(cfg, "port-8081").socket().get().text());
    assertEquals(
        Optional.of("tcpmux"),
        component(cfg, "tcpmux-uptime").tcpmuxMaster(),
        "a tcpmux/ line with an address of its own joins the wildcard master, as inetd finds it by"
            + " name");
  }

  @Test
  void linesPorterCannotExpressAreReportedWithTheirLineNumbers() throws Exception {
    List<String> skipped = convert("debian.conf").skipped();
    assertEquals(4, skipped.size(), String.join("\n", skipped));
    assertTrue(
        skipped.get(0).startsWith("debian.conf:32: cannot convert shell: tcpd needs argv[0]"),
        skipped.get(0));
    assertTrue(
        skipped.get(1).startsWith("debian.conf:33: cannot convert talk: protocol udp"),
        skipped.get(1));
    assertTrue(
        skipped.get(2).startsWith("debian.conf:40: cannot convert rstatd/1-3: RPC services"),
        skipped.get(2));
    assertTrue(
        skipped.get(3).startsWith("debian.conf:52: cannot convert daytime-alt: internal service"),
        skipped.get(3) + " (the *: line put daytime-alt back on every address)");
  }

  @Test
  void theOutputShowsEachOriginalLineAboveWhatItBecame() throws Exception {
    String hocon = convert("debian.conf").hocon();
    assertTrue(hocon.startsWith("# porter configuration converted from debian.conf"), hocon);
    assertTrue(
        hocon.contains(
            "  # line 36: finger\t\tstream\ttcp\tnowait.30\tnobody\t/usr/sbin/in.fingerd"
                + "\tin.fingerd -w\n"
                + "  finger {\n"),
        hocon);
    assertTrue(
        hocon.contains(
            "  # line 33: talk\t\tdgram\tudp\twait\tnobody.tty\t/usr/sbin/in.talkd\tin.talkd\n"
                + "  # not converted: protocol udp: porter serves TCP only\n"),
        hocon);
  }

  @Test
  void tcpmuxLinesWithoutAMasterLineGetOneAsInetdDoes() throws Exception {
    PorterConfig cfg = loadConverted("inetutils.conf");
    ComponentSpec master = component(cfg, "tcpmux");
    assertEquals(
        "inet://[::]:1",
        master.socket().get().text(),
        "a tcp6 tcpmux/ line needs the master on [::]");
    ComponentSpec hello = component(cfg, "tcpmux-hello");
    assertEquals(Optional.of("tcpmux"), hello.tcpmuxMaster());
    assertEquals(List.of("/bin/echo", "hello"), hello.command());
    ComponentSpec motd = component(cfg, "tcpmux-motd");
    assertEquals(5, motd.maxRate());
    assertEquals(Optional.of("nobody"), motd.user());
    assertEquals(Optional.of("nogroup"), motd.group());
    assertEquals(
        "inet://127.0.0.2:7", component(cfg, "echo-2").socket().get().text(), "names stay unique");
    assertEquals(
        List.of("/bin/cat"),
        component(cfg, "port-2323").command(),
        "no args: argv is the program alone");
  }

  @Test
  void conflictsAndOddLinesAreSkippedWithTheReason() throws Exception {
    assertStartWith(
        convert("inetutils.conf").skipped(),
        List.of(
            "inetutils.conf:5: cannot convert tcpmux/HELLO: tcpmux service HELLO is already served"
                + " by line 2",
            "inetutils.conf:6: cannot convert tcpmux/help: the service name help is reserved",
            "inetutils.conf:7: cannot convert tcpmux/+x: wait with a tcpmux service",
            "inetutils.conf:10: cannot convert echo: port 7 is already taken by line 8",
            "inetutils.conf:11: cannot convert daytime: wait with internal",
            "inetutils.conf:13: cannot convert nosuchservice: unknown service nosuchservice",
            "inetutils.conf:15: cannot convert 9999: socket type seqpacket",
            "inetutils.conf:16: cannot convert 9998: protocol sctp",
            "inetutils.conf:17: cannot convert short: expected at least 6 fields"));
  }

  @Test
  void anArgv0ThatPorterCannotPassIsNotedInTheOutput() throws Exception {
    String hocon = convert("inetutils.conf").hocon();
    assertTrue(hocon.contains("# argv[0] \"in.gophernicusd\" is not passed on"), hocon);
  }

  @Test
  void convertingTheSameFileTwiceGivesTheSameText() throws Exception {
    for (String file : List.of("debian.conf", "inetutils.conf")) {
      InetdConversion first = convert(file);
      ConfigLoader.parse(first.hocon(), file);
      InetdConversion second = convert(file);
      assertEquals(first.hocon(), second.hocon());
      assertEquals(first.skipped(), second.skipped());
    }
  }

  @Test
  void strangeServiceNamesBecomePlainKeysAndValuesAreQuoted() throws Exception {
    String text = "tcpmux/+we\"ird.name stream tcp nowait root /bin/echo echo a\\b ${x} //c\n";
    InetdConversion c = InetdConverter.convert(text, "t.conf", SERVICES);
    PorterConfig cfg = ConfigLoader.parse(c.hocon(), "t.conf");
    ComponentSpec s = component(cfg, "tcpmux-we-ird-name");
    assertEquals("we\"ird.name", s.service());
    assertEquals(List.of("/bin/echo", "a\\b", "${x}", "//c"), s.command());
  }

  @Test
  void anEmptyFileGivesAnEmptyButValidConfiguration() throws Exception {
    InetdConversion c = InetdConverter.convert("# nothing here\n\n", "empty.conf", SERVICES);
    assertTrue(c.skipped().isEmpty());
    assertEquals(0, ConfigLoader.parse(c.hocon(), "empty.conf").components().size());
  }

  @Test
  void servicesComeFromTheServicesFileThenTheBuiltInTable() {
    InetdServices s =
        InetdServices.parse(
            "# services(5)\nmyproto\t4711/tcp\tmp  # mine\nudponly 99/udp\necho 7007/tcp\n");
    assertEquals(4711, s.port("myproto").getAsInt());
    assertEquals(4711, s.port("mp").getAsInt(), "aliases count");
    assertFalse(s.port("udponly").isPresent(), "udp entries do not");
    assertEquals(7007, s.port("echo").getAsInt(), "the file wins over the built-in table");
    assertEquals(79, s.port("finger").getAsInt(), "the built-in table fills in");
    assertEquals(8080, s.port("8080").getAsInt());
    assertFalse(s.port("65536").isPresent());
  }

  private static void assertStartWith(List<String> actual, List<String> prefixes) {
    String all = String.join("\n", actual);
    assertEquals(prefixes.size(), actual.size(), all);
    for (int i = 0; i < prefixes.size(); i++)
      assertTrue(actual.get(i).startsWith(prefixes.get(i)), all);
  }

  private static ComponentSpec component(PorterConfig cfg, String name) {
    return cfg.component(name)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no component "
                        + name
                        + " in "
                        + cfg.components().stream().map(ComponentSpec::name).toList()));
  }

  private static InetdConversion convert(String resource) throws IOException {
    try (InputStream in = InetdConverterTest.class.getResourceAsStream("/inetd/" + resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return InetdConverter.convert(text, resource, SERVICES);
    }
  }

  private static PorterConfig loadConverted(String resource) throws Exception {
    InetdConversion c = convert(resource);
    try {
      return ConfigLoader.parse(c.hocon(), resource);
    } catch (ConfigException e) {
      throw new AssertionError(
          "porter refused the conversion:\n" + e.getMessage() + "\n" + c.hocon(), e);
    }
  }
}
