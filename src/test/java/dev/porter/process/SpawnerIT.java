package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnerIT {
  private static final List<String> PATH_ENV = List.of("PATH=/usr/bin:/bin");

  private final Spawner spawner = new Spawner(Reaper.instance());

  @TempDir Path tmp;

  private record Child(int pid, CompletableFuture<ExitStatus> exit) {
    ExitStatus await() throws Exception {
      return exit.get(20, TimeUnit.SECONDS);
    }
  }

  private Child start(SpawnRequest req) throws SpawnException {
    CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    int pid = spawner.spawn(req, (p, s) -> exit.complete(s));
    return new Child(pid, exit);
  }

  private static SpawnRequest.Builder cmd(String... argv) {
    return SpawnRequest.builder(List.of(argv)).env(PATH_ENV);
  }

  /** A connected loopback TCP pair: [0] the client, [1] the accepted side. */
  private static SocketChannel[] tcpPair() throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      return new SocketChannel[] {client, server.accept()};
    }
  }

  @Test
  void childHasExactlyFdsZeroOneTwoWhileThePorterHoldsManyOthers() throws Exception {
    List<AutoCloseable> clutter = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      clutter.add(
          FileChannel.open(Files.createFile(tmp.resolve("f" + i)), StandardOpenOption.READ));
      ServerSocketChannel s = ServerSocketChannel.open();
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      clutter.add(s);
    }
    SocketChannel[] pair = tcpPair();
    try {
      int fd = Descriptors.fdOf(pair[1]);
      // The shell says "x" once it has started (the loader's own opens are over), then blocks.
      Child c = start(cmd("/bin/sh", "-c", "printf x; read line").socket(fd).build());
      pair[0].socket().setSoTimeout(10_000);
      assertEquals('x', pair[0].socket().getInputStream().read());
      assertEquals(List.of(0, 1, 2), ProcFs.fds(c.pid()));
      String socket = ProcFs.fdTarget(c.pid(), 0);
      assertTrue(socket.startsWith("socket:"), socket);
      assertEquals(socket, ProcFs.fdTarget(c.pid(), 1));
      assertEquals(socket, ProcFs.fdTarget(ProcessHandle.current().pid(), fd));
      assertTrue(Processes.kill(c.pid(), Processes.SIGKILL));
      assertEquals(ExitStatus.killed(9, false), c.await());
    } finally {
      for (AutoCloseable a : clutter) a.close();
      pair[0].close();
      pair[1].close();
    }
  }

  @Test
  void childHasAnEmptySignalMaskDefaultDispositionsAndItsOwnSession() throws Exception {
    Child c = start(cmd("sleep", "5").build());
    try {
      assertEquals("0000000000000000", ProcFs.status(c.pid(), "SigBlk"));
      assertEquals("0000000000000000", ProcFs.status(c.pid(), "SigIgn"));
      String[] stat = ProcFs.stat(c.pid());
      assertEquals(Integer.toString(c.pid()), stat[3], "session");
      assertEquals(Integer.toString(c.pid()), stat[2], "process group");
    } finally {
      Processes.killGroup(c.pid(), Processes.SIGTERM);
    }
    assertEquals("signal 15 (SIGTERM)", c.await().toString());
  }

  @Test
  void catEchoesAMultiMegabytePayloadThroughTheSocketAsStdinAndStdout() throws Exception {
    SocketChannel[] pair = tcpPair();
    int fd = Descriptors.fdOf(pair[1]);
    Descriptors.setBlocking(fd, true);
    assertTrue(Descriptors.isBlocking(fd));
    Child c = start(cmd("cat").socket(fd).stderr(Stdio.devNull()).build());
    pair[1].close(); // the child holds the connection now

    byte[] payload = new byte[8 << 20];
    new Random(42).nextBytes(payload);
    SocketChannel client = pair[0];
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                client.write(ByteBuffer.wrap(payload));
                client.shutdownOutput();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    MessageDigest received = MessageDigest.getInstance("SHA-256");
    ByteBuffer buf = ByteBuffer.allocate(64 << 10);
    long total = 0;
    int n;
    while ((n = client.read(buf.clear())) >= 0) {
      received.update(buf.array(), 0, n);
      total += n;
    }
    writer.get(20, TimeUnit.SECONDS);
    client.close();
    assertEquals(payload.length, total);
    assertEquals(
        new java.math.BigInteger(1, MessageDigest.getInstance("SHA-256").digest(payload)),
        new java.math.BigInteger(1, received.digest()));
    assertEquals(ExitStatus.exited(0), c.await());
  }

  @Test
  void exitCodeArrivesThroughTheReaper() throws Exception {
    Child c = start(cmd("sh", "-c", "exit 7").build());
    assertEquals("exit 7", c.await().toString());
  }

  @Test
  void aMissingProgramIsASpawnExceptionWithCode127() {
    SpawnException e = assertThrows(SpawnException.class, () -> start(cmd("/x/y").build()));
    assertEquals("cannot execute /x/y: No such file or directory", e.getMessage());
    assertEquals(127, e.exitCode());
    SpawnException bare =
        assertThrows(SpawnException.class, () -> start(cmd("no-such-program-here").build()));
    assertEquals(127, bare.exitCode());
  }

  @Test
  void aFileWithoutExecutePermissionIsASpawnExceptionWithCode126() throws Exception {
    Path script = Files.writeString(tmp.resolve("script"), "#!/bin/sh\n");
    SpawnException e =
        assertThrows(SpawnException.class, () -> start(cmd(script.toString()).build()));
    assertEquals("cannot execute " + script + ": Permission denied", e.getMessage());
    assertEquals(126, e.exitCode());
  }

  @Test
  void chdirAndUmaskTakeEffect() throws Exception {
    Path out = tmp.resolve("out");
    Path dir = Files.createDirectory(tmp.resolve("work"));
    Child c =
        start(
            cmd("sh", "-c", "pwd; umask")
                .chdir(dir)
                .umask(027)
                .stdout(Stdio.append(out))
                .stderr(Stdio.sameAsStdout())
                .build());
    assertEquals(ExitStatus.exited(0), c.await());
    assertEquals(dir + "\n0027\n", Files.readString(out));
  }

  @Test
  void stdoutFileIsAppendedToAndStderrCanFollowStdout() throws Exception {
    Path out = Files.writeString(tmp.resolve("log"), "before\n");
    Child c =
        start(
            cmd("sh", "-c", "echo out; echo err >&2")
                .stdout(Stdio.append(out))
                .stderr(Stdio.sameAsStdout())
                .build());
    assertEquals(ExitStatus.exited(0), c.await());
    assertEquals("before\nout\nerr\n", Files.readString(out));
  }

  @Test
  void aStdoutFileThatIsAPlantedSymlinkIsNotFollowed() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret"), "keep\n");
    Path link = Files.createSymbolicLink(tmp.resolve("log"), secret);
    SpawnException e =
        assertThrows(
            SpawnException.class,
            () -> start(cmd("sh", "-c", "echo planted").stdout(Stdio.append(link)).build()));
    assertEquals(
        "cannot open " + link + " for append: Too many levels of symbolic links", e.getMessage());
    assertEquals("keep\n", Files.readString(secret));
  }

  @Test
  void extraFdsArriveAsThreeAndUp() throws Exception {
    SocketChannel[] pair = tcpPair();
    Path out = tmp.resolve("out");
    try {
      int fd = Descriptors.fdOf(pair[1]);
      Child c =
          start(
              cmd("sh", "-c", "ls /proc/self/fd; echo hi >&3")
                  .stdout(Stdio.append(out))
                  .extraFd(fd)
                  .build());
      assertEquals(ExitStatus.exited(0), c.await());
      // ls itself opens one more fd to read the directory
      assertTrue(Files.readString(out).startsWith("0\n1\n2\n3\n"), Files.readString(out));
      ByteBuffer b = ByteBuffer.allocate(3);
      while (b.hasRemaining()) pair[0].read(b);
      assertEquals("hi\n", new String(b.array(), java.nio.charset.StandardCharsets.US_ASCII));
    } finally {
      pair[0].close();
      pair[1].close();
    }
  }

  @Test
  void rlimitsApplyThroughPrlimit() throws Exception {
    Path out = tmp.resolve("out");
    Child c =
        start(
            cmd("sh", "-c", "ulimit -n; ulimit -c")
                .rlimit("nofile", 64)
                .rlimit("core", -1)
                .stdout(Stdio.append(out))
                .build());
    assertEquals(ExitStatus.exited(0), c.await());
    assertEquals("64\nunlimited\n", Files.readString(out));
  }

  @Test
  void userRunsTheChildAsNobodyWhenRootOrIsRefusedClearly() throws Exception {
    Path out = tmp.resolve("out");
    SpawnRequest req =
        cmd("sh", "-c", "id -u; id -g; ls /proc/self/fd")
            .credentials(Credentials.user("nobody"))
            .stdout(Stdio.append(out))
            .build();
    if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
      Child c = start(req);
      assertEquals(ExitStatus.exited(0), c.await());
      assertEquals("65534\n65534\n0\n1\n2\n3\n", Files.readString(out));
    } else {
      SpawnException e = assertThrows(SpawnException.class, () -> start(req));
      assertTrue(
          e.getMessage().startsWith("user/group need porter to run as root"), e.getMessage());
    }
  }

  @Test
  void porterStdinAndStdoutCanBeSwappedInTheChildWithoutClobberingEachOther() throws Exception {
    long self = ProcessHandle.current().pid();
    Child c =
        start(
            cmd("sleep", "5")
                .stdin(Stdio.inherit(1))
                .stdout(Stdio.inherit(0))
                .stderr(Stdio.inherit(1))
                .build());
    try {
      assertEquals(List.of(0, 1, 2), ProcFs.fds(c.pid()));
      assertEquals(ProcFs.fdTarget(self, 1), ProcFs.fdTarget(c.pid(), 0));
      assertEquals(ProcFs.fdTarget(self, 0), ProcFs.fdTarget(c.pid(), 1));
      assertEquals(ProcFs.fdTarget(self, 1), ProcFs.fdTarget(c.pid(), 2));
    } finally {
      Processes.kill(c.pid(), Processes.SIGKILL);
    }
    c.await();
  }

  @Test
  void aClosedDescriptorToHandOverIsAClearSpawnException() {
    SpawnException e =
        assertThrows(
            SpawnException.class, () -> start(cmd("true").stdin(Stdio.inherit(9999)).build()));
    assertTrue(
        e.getMessage().startsWith("cannot start true: a descriptor to hand over is not open"),
        e.getMessage());
  }

  @Test
  void groupAloneChangesOnlyTheGroupWhenRootOrIsRefusedClearly() throws Exception {
    Path out = tmp.resolve("out");
    SpawnRequest req =
        cmd("sh", "-c", "id -u; id -g")
            .credentials(
                new Credentials(java.util.Optional.empty(), java.util.Optional.of("nogroup")))
            .stdout(Stdio.append(out))
            .build();
    if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
      assertEquals(ExitStatus.exited(0), start(req).await());
      assertEquals("0\n65534\n", Files.readString(out));
    } else {
      SpawnException e = assertThrows(SpawnException.class, () -> start(req));
      assertTrue(
          e.getMessage().startsWith("user/group need porter to run as root"), e.getMessage());
    }
  }

  @Test
  void anUnknownUserIsASpawnExceptionNamingIt() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new com.sun.security.auth.module.UnixSystem().getUid() == 0,
        "user lookup happens only when running as root; the refusal is tested above");
    SpawnException e =
        assertThrows(
            SpawnException.class,
            () -> start(cmd("true").credentials(Credentials.user("no-such-user-x")).build()));
    assertEquals("unknown user \"no-such-user-x\"", e.getMessage());
  }
}
