package dev.porter.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import dev.porter.testing.Await;
import dev.porter.testing.PorterProcess;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files porter writes as root (its pidfile, its control socket, {@code unix://} listeners) are
 * never reached through a symlink someone planted, and porter refuses to create them in a directory
 * that someone else could change under it.
 */
class FileSafetyIT {
  @TempDir Path tmp;
  private Path run;
  private Path secret;

  @BeforeEach
  void aRootOnlyFileToProtect() throws Exception {
    run = Files.createDirectory(tmp.resolve("run"));
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path etc = Files.createDirectory(tmp.resolve("etc"));
    secret = Files.writeString(etc.resolve("shadow"), "root:$6$secret:19000::::::\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aSymlinkPlantedAtThePidfileIsReplacedNotFollowedAndThePidfileGoesAtExit() throws Exception {
    Path pidfile = run.resolve("porter.pid");
    Files.createSymbolicLink(pidfile, secret);
    try (PorterProcess porter = porter("pidfile = \"" + pidfile + "\"\n" + echo())) {
      Await.until(
          "the pidfile",
          Duration.ofSeconds(30),
          () -> Files.isRegularFile(pidfile, LinkOption.NOFOLLOW_LINKS));
      assertEquals(porter.process.pid() + "\n", Files.readString(pidfile));
      assertEquals(
          "rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pidfile)));
      assertSecretUntouched();
      assertEquals(
          List.of("ctl.sock", "porter.pid"), names(run), "no temporary file is left behind");
      assertEquals(0, porter.terminate());
    }
    assertFalse(Files.exists(pidfile, LinkOption.NOFOLLOW_LINKS));
    assertSecretUntouched();
  }

  @Test
  void aPidfileInADirectoryOthersCanWriteIsNotWrittenAndPorterServesOn() throws Exception {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path pidfile = open.resolve("porter.pid");
    try (PorterProcess porter = porter("pidfile = \"" + pidfile + "\"\n" + echo())) {
      String line = porter.awaitLog("pidfile: cannot write");
      assertTrue(
          line.endsWith(
              "pidfile: cannot write "
                  + pidfile
                  + ", running without one: directory "
                  + open
                  + " is writable by others (mode 0777) and not sticky"),
          line);
      assertFalse(Files.exists(pidfile, LinkOption.NOFOLLOW_LINKS));
      porter.awaitLog("component e: listening on");
      assertEquals(0, porter.terminate());
    }
  }

  @Test
  void aPidfileSomeoneElseReplacedIsLeftInPlaceAtExit() throws Exception {
    Path pidfile = run.resolve("porter.pid");
    try (PorterProcess porter = porter("pidfile = \"" + pidfile + "\"\n" + echo())) {
      Await.until(
          "the pidfile",
          Duration.ofSeconds(30),
          () -> Files.isRegularFile(pidfile, LinkOption.NOFOLLOW_LINKS));
      Path other = Files.writeString(run.resolve("other.pid"), "4242\n");
      Files.move(other, pidfile, StandardCopyOption.ATOMIC_MOVE);
      assertEquals(0, porter.terminate());
    }
    assertEquals("4242\n", Files.readString(pidfile), "another porter's pidfile stays");
  }

  @Test
  void aUnixListenerOrControlSocketInADirectoryOthersCanWriteIsRefusedWithOneLine()
      throws Exception {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxr-x"));
    String why = "directory " + open + " is writable by its group (mode 0775) and not sticky";

    PorterProcess.Result listener =
        runToExit(
            "components { e { socket = \"unix://"
                + open.resolve("e.sock")
                + "\", builtin = echo } }\n");
    assertEquals(2, listener.code(), listener.err());
    assertTrue(
        listener
            .err()
            .contains(
                "component e: cannot listen on unix://" + open.resolve("e.sock") + ": " + why),
        listener.err());
    assertFalse(listener.err().contains("\tat "), listener.err());

    PorterProcess.Result control =
        runToExit("control.socket = \"unix://" + open.resolve("ctl.sock") + "\"\n" + echo());
    assertEquals(2, control.code(), control.err());
    assertTrue(
        control.err().contains("porter: cannot listen on " + open.resolve("ctl.sock") + ": " + why),
        control.err());
    assertEquals(List.of(), names(open), "nothing was created there");
  }

  @Test
  void aSocketDirectoryThatBelongsToAnotherUserIsRefused() throws Exception {
    assumeRoot();
    Path theirs = Files.createDirectory(tmp.resolve("theirs"));
    Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setOwner(theirs, users().lookupPrincipalByName("nobody"));
    PorterProcess.Result r =
        runToExit(
            "components { e { socket = \"unix://"
                + theirs.resolve("e.sock")
                + "\", builtin = echo } }\n");
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err()
            .contains(
                "directory " + theirs + " belongs to uid 65534, neither root nor porter's user"),
        r.err());
  }

  @Test
  void aSymlinkPlantedAtASocketPathIsNeitherFollowedNorReplaced() throws Exception {
    assumeRoot();
    Path sock = run.resolve("e.sock");
    Files.createSymbolicLink(sock, secret);
    PorterProcess.Result r =
        runToExit(
            "components { e { socket = \"unix://"
                + sock
                + ";mode=0666;user=nobody;group=nogroup\", builtin = echo } }\n");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(sock + " exists and is not a socket"), r.err());
    assertTrue(Files.isSymbolicLink(sock));
    assertSecretUntouched();
  }

  @Test
  void aListenerInAStickyDirectoryGetsItsModeGroupAndOwnerAndLeavesNothingElseBehind()
      throws Exception {
    assumeRoot();
    Path sticky = Files.createDirectory(tmp.resolve("sticky"));
    Files.setPosixFilePermissions(sticky, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setAttribute(sticky, "unix:mode", 01777);
    Path sock = sticky.resolve("e.sock");
    try (PorterProcess porter =
        porter(
            "components { e { socket = \"unix://"
                + sock
                + ";mode=0660;user=nobody;group=nogroup\", builtin = echo } }\n")) {
      porter.awaitLog("component e: listening on unix:" + sock);
      assertEquals(
          "rw-rw----",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(sock, LinkOption.NOFOLLOW_LINKS)));
      assertEquals("nobody", Files.getOwner(sock, LinkOption.NOFOLLOW_LINKS).getName());
      assertEquals(65534, Files.getAttribute(sock, "unix:gid", LinkOption.NOFOLLOW_LINKS));
      assertEquals(
          List.of("e.sock"), names(sticky), "the private directory porter bound in is gone");
      try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        c.connect(UnixDomainSocketAddress.of(sock));
        c.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer in = ByteBuffer.allocate(5);
        while (in.hasRemaining() && c.read(in) >= 0) {}
        assertEquals("ping\n", new String(in.array(), StandardCharsets.US_ASCII));
      }
      assertEquals(0, porter.terminate());
    }
    assertEquals(List.of(), names(sticky), "the socket file goes at exit");
  }

  // ---------------------------------------------------------------- helpers

  private void assertSecretUntouched() throws Exception {
    assertEquals("root:$6$secret:19000::::::\n", Files.readString(secret));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
    assertEquals(Files.getOwner(tmp), Files.getOwner(secret));
  }

  private static String echo() {
    return "components { e { socket = \"inet://127.0.0.1:0\", builtin = echo } }\n";
  }

  /** A running porter (its control socket up) with {@code body} as its configuration. */
  private PorterProcess porter(String body) throws Exception {
    PorterProcess p = PorterProcess.start("run", "-c", conf(body).toString());
    p.awaitLog("control: listening on");
    return p;
  }

  /** Runs a porter that is expected to give up at start; its exit code and output. */
  private PorterProcess.Result runToExit(String body) throws Exception {
    return PorterProcess.run(Duration.ofSeconds(60), List.of(), "run", "-c", conf(body).toString());
  }

  /**
   * The configuration file: {@code body}, with the control socket in {@code run} unless it says
   * where.
   */
  private Path conf(String body) throws Exception {
    String control =
        body.contains("control.socket")
            ? ""
            : "control.socket = \"unix://" + run.resolve("ctl.sock") + "\"\n";
    return Files.writeString(tmp.resolve("p.conf"), control + body);
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static UserPrincipalLookupService users() {
    return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
  }

  private static void assumeRoot() {
    assumeTrue(new UnixSystem().getUid() == 0, "needs root: chown, and files of another user");
  }
}
