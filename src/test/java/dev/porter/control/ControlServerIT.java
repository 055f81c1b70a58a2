package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.porter.cli.Main;
import dev.porter.supervisor.ReloadOutcome;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The control server in this JVM, with commands that fail in ways a real porter rarely does. */
class ControlServerIT {
  @TempDir Path dir;

  @Test
  void aCommandThatThrowsIsAnsweredWithAnInternalErrorLoggedOnceAndCtlExitsOne() throws Exception {
    Path sock = dir.resolve("ctl.sock");
    try (RunningPorter porter = RunningPorter.start("components {}");
        LogCapture logs = new LogCapture();
        ControlServer server =
            ControlServer.start(
                sock,
                ControlServer.DEFAULT_MODE,
                Optional.empty(),
                Optional.empty(),
                porter.porter(),
                () -> {
                  throw new StackOverflowError();
                },
                () -> {})) {
      Map<String, Object> reply =
          ControlClient.send(sock, ControlRequest.of("reload", Optional.empty()));
      assertEquals(false, reply.get("ok"));
      assertEquals(Reply.INTERNAL, reply.get("code"));
      assertEquals("reload failed: java.lang.StackOverflowError", reply.get("error"));
      assertEquals(
          List.of("control: reload failed: java.lang.StackOverflowError"),
          logs.lines().stream().filter(l -> l.contains("failed")).toList());

      Ctl ctl = ctl(sock, "reload");
      assertEquals(1, ctl.code());
      assertEquals("porter: reload failed: java.lang.StackOverflowError\n", ctl.err());
      assertEquals(0, ctl(sock, "list").code(), "the server answers on");
    }
  }

  @Test
  void shutdownStartsOnlyOnceItsReplyIsOut() throws Exception {
    Path sock = dir.resolve("ctl.sock");
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    try (RunningPorter porter = RunningPorter.start("components {}");
        ControlServer server =
            ControlServer.start(
                sock,
                ControlServer.DEFAULT_MODE,
                Optional.empty(),
                Optional.empty(),
                porter.porter(),
                () -> ReloadOutcome.applied(List.of()),
                () -> stopped.complete(null))) {
      Ctl ctl = ctl(sock, "shutdown");
      assertEquals(0, ctl.code(), ctl.err());
      assertEquals("porter is shutting down\n", ctl.out());
      stopped.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDaemonThatClosesWithoutAReplyMakesCtlSaySoAndExitTwo() throws Exception {
    Path sock = dir.resolve("mute.sock");
    try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      mute.bind(UnixDomainSocketAddress.of(sock));
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel c = mute.accept()) {
                  c.read(ByteBuffer.allocate(1024));
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      Ctl ctl = ctl(sock, "reload");
      served.get(10, TimeUnit.SECONDS);
      assertEquals(2, ctl.code());
      assertEquals("porter: porter on " + sock + " closed without a reply\n", ctl.err());
      assertFalse(ctl.err().contains("\tat "));
    }
  }

  private record Ctl(int code, String out, String err) {}

  /** {@code porter ctl -s SOCK ARGS} in this JVM, as Main runs it. */
  private static Ctl ctl(Path sock, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = "ctl";
    all[1] = "-s";
    all[2] = sock.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return new Ctl(cl.execute(all), out.toString(), err.toString());
  }
}
