package dev.porter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointTest {
  @Test
  void inetUrlGivesHostAndPort() throws ConfigException {
    Endpoint e = Endpoint.parse("inet://127.0.0.1:7001");
    assertEquals(Endpoint.Scheme.INET, e.scheme());
    assertEquals("127.0.0.1", e.host());
    assertEquals(7001, e.port());
    assertEquals("inet://127.0.0.1:7001", e.toString());
  }

  @Test
  void bracketedIpv6HostIsStoredWithoutBrackets() throws ConfigException {
    Endpoint e = Endpoint.parse("inet://[::1]:7007");
    assertEquals("::1", e.host());
    assertEquals(7007, e.port());
  }

  @Test
  void hostNamesAreAcceptedWithoutResolving() throws ConfigException {
    assertEquals("mud.example.org", Endpoint.parse("inet://mud.example.org:4000").host());
  }

  @Test
  void portZeroIsAllowedForEphemeralListeners() throws ConfigException {
    assertEquals(0, Endpoint.parse("inet://127.0.0.1:0").port());
  }

  @Test
  void unixUrlTakesPiesStyleOptions() throws ConfigException {
    Endpoint e = Endpoint.parse("unix:///run/porter/x.sock;user=www;group=web;mode=0660");
    assertEquals(Endpoint.Scheme.UNIX, e.scheme());
    assertEquals(Path.of("/run/porter/x.sock"), e.path());
    assertEquals(Optional.of("www"), e.owner());
    assertEquals(Optional.of("web"), e.group());
    assertEquals(Optional.of(0660), e.mode());
  }

  @Test
  void muxUrlNamesLinkAndService() throws ConfigException {
    Endpoint e = Endpoint.parse("mux://link/chat");
    assertEquals(Endpoint.Scheme.MUX, e.scheme());
    assertEquals("link", e.muxLink());
    assertEquals("chat", e.muxService());
  }

  @Test
  void sameSocketsShareAnIdentity() throws ConfigException {
    assertEquals(
        Endpoint.parse("inet://LOCALHOST:80").identity(),
        Endpoint.parse("inet://localhost:80").identity());
    assertEquals(
        Endpoint.parse("unix:///a/../b.sock").identity(),
        Endpoint.parse("unix:///b.sock").identity());
  }

  @Test
  void factoriesWriteTheUrlText() {
    assertEquals("inet://[::1]:5", Endpoint.inet("::1", 5).text());
    assertEquals("unix:///x.sock", Endpoint.unix(Path.of("/x.sock")).text());
  }

  @Test
  void portAbove65535IsRefused() {
    assertMessage("inet://127.0.0.1:65536", "port must be a number from 0 to 65535, got 65536");
  }

  @Test
  void missingPortIsRefused() {
    assertMessage("inet://127.0.0.1", "missing \":PORT\"");
  }

  @Test
  void nonNumericPortIsRefused() {
    assertMessage("inet://127.0.0.1:echo", "port must be a number from 0 to 65535, got \"echo\"");
  }

  @Test
  void ipv6WithoutBracketsIsRefused() {
    assertMessage("inet://::1:7", "put an IPv6 address in brackets");
  }

  @Test
  void badIpv6LiteralIsRefused() {
    assertMessage("inet://[::g]:7", "not an IPv6 address");
  }

  @Test
  void badIpv4LiteralIsRefused() {
    assertMessage("inet://300.1.1.1:7", "not a host name or IPv4 address");
  }

  @Test
  void relativeUnixPathIsRefused() {
    assertMessage("unix://run/x.sock", "a unix socket path must be absolute");
  }

  @Test
  void unknownUnixOptionIsRefusedWithAHint() {
    assertMessage("unix:///x.sock;mdoe=0600", "unknown unix socket option \"mdoe\"");
    assertMessage("unix:///x.sock;mdoe=0600", "(did you mean \"mode\"?)");
  }

  @Test
  void nonOctalUnixModeIsRefused() {
    assertMessage("unix:///x.sock;mode=0980", "unix socket mode must be octal");
  }

  @Test
  void unknownSchemeIsRefused() {
    assertMessage("tcp://127.0.0.1:7", "unknown socket URL scheme \"tcp\"");
  }

  @Test
  void textWithoutSchemeIsRefused() {
    assertMessage("127.0.0.1:7", "not a socket URL");
  }

  @Test
  void muxUrlWithoutServiceIsRefused() {
    assertMessage("mux://link", "a mux URL is mux://LINK/NAME");
  }

  private static void assertMessage(String url, String part) {
    ConfigException e = assertThrows(ConfigException.class, () -> Endpoint.parse(url));
    assertTrue(
        e.getMessage().contains(part), () -> "message for " + url + " was: " + e.getMessage());
  }
}
