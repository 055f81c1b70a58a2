package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import dev.porter.control.Json;
import dev.porter.testing.Await;
import dev.porter.testing.PorterProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that try to tie up the control socket: silent ones, too many, ones that never read their
 * reply, ones without the right credentials. Through all of it a real {@code porter ctl list} is
 * answered promptly, and porter logs each kind of abuse once, not once per peer.
 */
class ControlAbuseIT {
  /**
   * How much longer a real {@code porter ctl list} may take under attack than the same command just
   * before it (both include a JVM's start, which a loaded machine slows alike). Before porter read
   * requests on a selector, 40 silent peers held it for 50 s, and 8 peers that never read a large
   * reply kept it from being answered at all.
   */
  private static final Duration MARGIN = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final List<SocketChannel> peers = new ArrayList<>();
  private final List<Process> others = new ArrayList<>();

  @AfterEach
  void closePeers() throws IOException {
    for (SocketChannel p : peers) p.close();
    for (Process p : others) p.destroyForcibly();
  }

  @Test
  void silentPeersDoNotDelayARealCtlListAndAreClosedAfterTheRequestTimeout() throws Exception {
    try (PorterProcess porter = porter(small())) {
      Path sock = dir.resolve("ctl.sock");
      Duration unattacked = ctl(sock, "list").took();
      for (int i = 0; i < 40; i++) peers.add(connect(sock));
      PorterProcess.Result list = ctl(sock, "list");
      assertEquals(0, list.code(), list.err());
      assertTrue(list.out().startsWith("NAME "), list.out());
      assertPrompt(list, unattacked);

      Await.until(
          "porter to close every silent peer",
          Duration.ofSeconds(20),
          () -> peers.stream().allMatch(ControlAbuseIT::closedByPorter));
      porter.awaitLog("control: closed a client that sent no request in 5000 ms");
      assertEquals(1, porter.logLines("sent no request"), "one line for the lot: " + porter.stderr);
      assertEquals(0, porter.terminate());
    }
  }

  @Test
  void aFloodOfSilentPeersBeyondTheLimitClosesTheOldestAndCtlIsStillAnswered() throws Exception {
    try (PorterProcess porter = porter(small())) {
      Path sock = dir.resolve("ctl.sock");
      Duration unattacked = ctl(sock, "list").took();
      int limit = 64;
      for (int i = 0; i < 150; i++) peers.add(connect(sock));
      // Closed to make room as the newer ones came in, well before their 5 s request timeout.
      Await.until(
          "the oldest peers to be closed",
          Duration.ofSeconds(4),
          () -> peers.subList(0, 150 - limit).stream().allMatch(ControlAbuseIT::closedByPorter));
      assertTrue(
          peers.subList(150 - limit, 150).stream().noneMatch(ControlAbuseIT::closedByPorter),
          "the newest peers are still being waited for");
      PorterProcess.Result list = ctl(sock, "list");
      assertEquals(0, list.code(), list.err());
      assertPrompt(list, unattacked);
      String line = porter.awaitLog("control: too many connections max=64");
      assertTrue(line.contains("closed the one waiting longest state=reading"), line);
      assertEquals(
          1, porter.logLines("too many connections"), "one line for the flood: " + porter.stderr);
      assertEquals(0, porter.terminate());
    }
  }

  @Test
  void peersThatNeverReadALargeReplyDoNotHoldAWorkerAndAreClosedAfterTheReplyTimeout()
      throws Exception {
    // 3000 components make a list reply of about 600 KiB, beyond what the socket buffer holds
    // (net.core.wmem_default, 208 KiB): writing it to a peer that does not read would block.
    StringBuilder conf = new StringBuilder("components {\n");
    for (int i = 0; i < 3000; i++) {
      conf.append(
          String.format(
              "  a-component-with-a-long-name-so-that-the-list-reply-is-large-%04d"
                  + " { command = /bin/true, flags = [ disable ] }%n",
              i));
    }
    try (PorterProcess porter = porter(conf.append("}\n").toString())) {
      Path sock = dir.resolve("ctl.sock");
      Duration unattacked = ctl(sock, "list").took();
      for (int i = 0; i < 8; i++) {
        SocketChannel p = connect(sock);
        p.write(ByteBuffer.wrap("list\n".getBytes(StandardCharsets.US_ASCII)));
        peers.add(p);
      }
      PorterProcess.Result list = ctl(sock, "list");
      assertEquals(0, list.code(), list.err());
      assertEquals(3001, list.out().split("\n").length);
      assertPrompt(list, unattacked);

      porter.awaitLog("control: closed a client that did not read its reply in 10000 ms");
      assertEquals(
          1, porter.logLines("did not read its reply"), "one line for the lot: " + porter.stderr);
      assertEquals(0, porter.terminate());
    }
  }

  @Test
  void aPeerWithoutTheRightCredentialsIsRefusedAtOnceWithoutSendingAnything() throws Exception {
    assumeTrue(new UnixSystem().getUid() == 0, "needs root to run clients as nobody with setpriv");
    assumeTrue(
        onPath("setpriv") && onPath("nc"),
        "setpriv (util-linux) and nc (netcat-openbsd) are needed");
    // nobody must reach the socket: the directory open to all, the socket's mode 0666, so that the
    // peer check is what refuses.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (PorterProcess porter = porter(small())) {
      Path sock = dir.resolve("ctl.sock");
      Duration unattacked = ctl(sock, "list").took();
      List<List<String>> replies = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        // nc's standard input stays open and empty: a silent peer.
        Process nc =
            new ProcessBuilder(
                    "setpriv",
                    "--reuid=nobody",
                    "--regid=nogroup",
                    "--clear-groups",
                    "nc",
                    "-U",
                    sock.toString())
                .start();
        others.add(nc);
        replies.add(lines(nc));
      }
      PorterProcess.Result list = ctl(sock, "list");
      assertEquals(0, list.code(), list.err());
      assertPrompt(list, unattacked);

      Await.until(
          () -> "a refusal for every silent peer: " + replies,
          Duration.ofSeconds(15),
          () -> replies.stream().allMatch(r -> !r.isEmpty()));
      for (List<String> r : replies) {
        Map<?, ?> reply = (Map<?, ?>) Json.parse(r.get(0));
        assertEquals("denied", reply.get("code"), r.toString());
        assertEquals(
            "permission denied: user nobody (uid 65534) is neither root nor a member of group root",
            reply.get("error"));
      }
      porter.awaitLog("control: refused a peer: user nobody (uid 65534)");
      assertEquals(1, porter.logLines("refused a peer"), "one line for the lot: " + porter.stderr);
      assertEquals(0, porter.terminate());
    }
  }

  @Test
  void garbageWithoutALineEndGetsAUsageReplyOnceItPassesTheLimit() throws Exception {
    try (PorterProcess porter = porter(small())) {
      Path sock = dir.resolve("ctl.sock");
      // One byte past the 1024-byte limit, and no more: porter reads all of it before it closes,
      // so the close resets nothing (unix(7)).
      byte[] garbage = new byte[1025];
      new Random(20251204L).nextBytes(garbage);
      for (int i = 0; i < garbage.length; i++) if (garbage[i] == '\n') garbage[i] = 'x';
      try (SocketChannel p = connect(sock)) {
        ByteBuffer out = ByteBuffer.wrap(garbage);
        while (out.hasRemaining()) p.write(out);
        Map<?, ?> reply = (Map<?, ?>) Json.parse(readAll(p));
        assertEquals("usage", reply.get("code"));
        assertEquals("request longer than 1024 bytes", reply.get("error"));
      }
      assertEquals(0, ctl(sock, "list").code());
      assertEquals(0, porter.terminate());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String small() {
    return "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n";
  }

  /**
   * A porter whose control socket is {@code dir/ctl.sock}, mode 0666 (the peer check is what guards
   * it).
   */
  private PorterProcess porter(String components) throws Exception {
    Path conf = dir.resolve("p.conf");
    Files.writeString(
        conf,
        "control.socket = \"unix://" + dir.resolve("ctl.sock") + ";mode=0666\"\n" + components);
    PorterProcess p = PorterProcess.start("run", "-c", conf.toString());
    p.awaitLog("control: listening on");
    return p;
  }

  private static void assertPrompt(PorterProcess.Result attacked, Duration unattacked) {
    assertTrue(
        attacked.took().compareTo(unattacked.plus(MARGIN)) < 0,
        "ctl list took " + attacked.took() + " under attack, " + unattacked + " before it");
  }

  private static PorterProcess.Result ctl(Path sock, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("ctl", "-s", sock.toString()));
    all.addAll(List.of(args));
    return PorterProcess.run(Duration.ofSeconds(120), List.of(), all.toArray(new String[0]));
  }

  private static SocketChannel connect(Path sock) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(sock));
    ch.configureBlocking(false);
    return ch;
  }

  /** True once porter has closed {@code ch} (a read finds the end); never consumes a reply. */
  private static boolean closedByPorter(SocketChannel ch) {
    try {
      return ch.read(ByteBuffer.allocate(1)) < 0;
    } catch (IOException reset) {
      return true;
    }
  }

  private static String readAll(SocketChannel ch) throws IOException {
    ch.configureBlocking(true);
    StringBuilder sb = new StringBuilder();
    ByteBuffer in = ByteBuffer.allocate(4096);
    while (ch.read(in) >= 0) {
      sb.append(new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
      in.clear();
    }
    return sb.toString();
  }

  private static List<String> lines(Process p) {
    List<String> into = new CopyOnWriteArrayList<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) into.add(line);
              } catch (IOException ignored) {
                // the process went away
              }
            });
    t.setDaemon(true);
    t.start();
    return into;
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv("PATH").split(":"))
      if (Files.isExecutable(Path.of(d, tool))) return true;
    return false;
  }
}
