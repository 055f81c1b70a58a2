package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.PorterProcess;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code porter telnet-proxy HOST PORT LISTEN-PORT} through the real jar, with real clients. */
class TelnetProxyCommandIT {
  private static final byte IAC = (byte) 255;
  private static final byte DO = (byte) 253;
  private static final byte WILL = (byte) 251;
  private static final byte TTYPE = 24;
  private static final byte[] GREETING =
      concat(
          new byte[] {IAC, DO, TTYPE},
          "hello from the mud\r\n".getBytes(StandardCharsets.US_ASCII));

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /**
   * A little MUD: greets with DO TTYPE and a line, reads until the client has said a line (CR LF or
   * LF), answers "you said N bytes" and closes. Completes each session with what it heard.
   */
  static final class Mud implements AutoCloseable {
    final ServerSocket server = new ServerSocket();
    final List<CompletableFuture<byte[]>> sessions =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    Mud() throws IOException {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread t = new Thread(this::acceptLoop, "test-mud");
      t.setDaemon(true);
      t.start();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        Socket s;
        try {
          s = server.accept();
        } catch (IOException e) {
          return;
        }
        CompletableFuture<byte[]> heard = new CompletableFuture<>();
        sessions.add(heard);
        Thread t =
            new Thread(
                () -> {
                  try (s) {
                    s.setSoTimeout(20_000);
                    OutputStream out = s.getOutputStream();
                    out.write(GREETING);
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    int b;
                    while ((b = in.read()) >= 0) {
                      got.write(b);
                      if (b == '\n') break;
                    }
                    out.write(
                        ("you said " + got.size() + " bytes\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    heard.complete(got.toByteArray());
                  } catch (IOException e) {
                    heard.completeExceptionally(e);
                  }
                },
                "test-mud-session");
        t.setDaemon(true);
        t.start();
      }
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /** Starts the command on an ephemeral port and returns it once it says where it listens. */
  static PorterProcess proxy(Mud mud, List<Integer> listening) throws Exception {
    PorterProcess p =
        PorterProcess.start("telnet-proxy", "127.0.0.1", Integer.toString(mud.port()), "0");
    Await.until(
        "telnet-proxy listening",
        Duration.ofSeconds(30),
        () -> p.stdout.stream().anyMatch(l -> l.startsWith("LISTENING ON PORT ")));
    String line =
        p.stdout.stream().filter(l -> l.startsWith("LISTENING ON PORT ")).findFirst().orElseThrow();
    listening.add(Integer.parseInt(line.substring("LISTENING ON PORT ".length())));
    return p;
  }

  @Test
  void servesManyScriptedClientsAtOnceKeepsListeningAndPrintsEvents() throws Exception {
    List<Integer> port = new ArrayList<>();
    try (Mud mud = new Mud();
        PorterProcess p = proxy(mud, port)) {
      for (int round = 0; round < 2; round++) { // a second round: still listening after the first
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) clients.add(Client.to(port.get(0))); // all open at once
        for (Client c : clients) {
          assertArrayEquals(GREETING, c.readN(GREETING.length));
          c.send(new byte[] {IAC, WILL, TTYPE, 'l', 'o', 'o', 'k', IAC, IAC, '\r', '\n'});
          assertEquals("you said 11 bytes\r\n", c.readN("you said 11 bytes\r\n"));
          assertTrue(c.closedByServer());
          c.close();
        }
      }
      for (CompletableFuture<byte[]> s : mud.sessions) {
        assertArrayEquals(
            new byte[] {IAC, WILL, TTYPE, 'l', 'o', 'o', 'k', IAC, IAC, '\r', '\n'},
            s.get(10, TimeUnit.SECONDS));
      }
      Await.until(
          "events printed",
          Duration.ofSeconds(10),
          () -> p.stdout.stream().filter(l -> l.endsWith("BOTH CONNECTIONS CLOSED")).count() == 10);
      assertTrue(
          p.stdout.stream().anyMatch(l -> l.endsWith("SERVER IAC DO 24 (TTYPE)")),
          p.stdout.toString());
      assertTrue(p.stdout.stream().anyMatch(l -> l.endsWith("CLIENT IAC WILL 24 (TTYPE)")));
      assertTrue(p.stdout.stream().anyMatch(l -> l.endsWith("CLIENT DATA: look")));
      assertTrue(p.stdout.stream().anyMatch(l -> l.endsWith("CLIENT DATA: <0xFF>")));
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void theRealTelnetClientTalksThroughIt() throws Exception {
    assumeTrue(onPath("telnet"), "telnet is not installed (apt-get install telnet); skipping");
    List<Integer> port = new ArrayList<>();
    try (Mud mud = new Mud();
        PorterProcess p = proxy(mud, port)) {
      Path out = Files.createTempFile("telnet-client", ".out");
      Process telnet =
          new ProcessBuilder("telnet", "127.0.0.1", Integer.toString(port.get(0)))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      try {
        Await.until(
            "the greeting through telnet",
            Duration.ofSeconds(20),
            () -> read(out).contains("hello from the mud"));
        telnet.getOutputStream().write("look\n".getBytes(StandardCharsets.US_ASCII));
        telnet.getOutputStream().flush();
        byte[] heard = mud.sessions.get(0).get(20, TimeUnit.SECONDS);
        String text = new String(heard, StandardCharsets.ISO_8859_1);
        // telnet agreed to TTYPE (IAC WILL 24) and sent the line with its NVT end of line.
        assertTrue(
            text.contains("\u00ff\u00fb\u0018"), "telnet's WILL TTYPE reached the MUD: " + text);
        assertTrue(text.endsWith("look\r\n"), text);
        Await.until(
            "telnet saw the answer", Duration.ofSeconds(20), () -> read(out).contains("you said"));
        assertTrue(telnet.waitFor(20, TimeUnit.SECONDS), "telnet ends when the MUD closes");
      } finally {
        telnet.destroyForcibly();
        Files.deleteIfExists(out);
      }
      Await.until(
          "events printed",
          Duration.ofSeconds(10),
          () -> p.stdout.stream().anyMatch(l -> l.endsWith("BOTH CONNECTIONS CLOSED")));
      assertTrue(
          p.stdout.stream().anyMatch(l -> l.endsWith("CLIENT IAC WILL 24 (TTYPE)")),
          p.stdout.toString());
      assertTrue(
          p.stdout.stream().anyMatch(l -> l.endsWith("CLIENT DATA: look<0x0D><0x0A>")),
          p.stdout.toString());
      assertEquals(0, p.terminate());
    }
  }

  @Test
  void aBadHostIsAUsageError() throws Exception {
    PorterProcess p = PorterProcess.run("telnet-proxy", "bad\"host", "23", "0");
    assertEquals(1, p.exitCode());
    assertTrue(
        String.join("\n", p.stderr).contains("HOST is not a host name or address"),
        p.stderr.toString());
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean onPath(String program) {
    for (String dir :
        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }
}
