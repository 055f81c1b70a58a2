package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Programs spawned per connection with the socket as stdin and stdout, standalone and behind
 * TCPMUX.
 */
class SpawnIT {
  static RunningPorter porter;
  static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @BeforeAll
  static void start() throws Exception {
    porter =
        RunningPorter.start(
            String.join(
                "\n",
                "shutdown-timeout = 2s",
                "components {",
                "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
                "  cat { tcpmux-master = mux, command = /bin/cat }",
                "  fds { tcpmux-master = mux, command = [ /bin/sh, -c, \"ls /proc/$$/fd\" ] }",
                "  env { tcpmux-master = mux, command = /usr/bin/env, flags = [ tcpmuxplus, sockenv"
                    + " ],",
                "        env { clear = true, set { GREETING = hello } } }",
                "  resolved { tcpmux-master = mux, command = /usr/bin/env, flags = [ tcpmuxplus,"
                    + " sockenv, resolve ],",
                "             env { clear = true } }",
                "  id { tcpmux-master = mux, command = \"/usr/bin/id -u\", user = nobody }",
                "  expand { tcpmux-master = mux, command = \"/bin/echo ${GREETING:-none} $WHO\","
                    + " flags = [ expandenv ],",
                "           env { set { WHO = world } } }",
                "  where { tcpmux-master = mux, command = /bin/pwd, chdir = /tmp }",
                "  dedicated { tcpmux-master = mux, flags = [ tcpmux ],",
                "              command = [ /bin/sh, -c, \"printf '+ready\\\\r"
                    + "\\\\n"
                    + "'; exec cat\" ] }",
                "  missing { tcpmux-master = mux, command = /nonexistent/program }",
                "  plain { socket = \"inet://127.0.0.1:0\", command = /bin/cat }",
                "  limited { socket = \"inet://127.0.0.1:0\", command = /bin/cat, max-instances ="
                    + " 1,",
                "            max-instances-message = \"one cat only\" }",
                "}"));
  }

  @AfterAll
  static void stop() throws Exception {
    porter.close();
  }

  private static int mux() {
    return porter.port("mux");
  }

  @Test
  void aChildHasExactlyDescriptorsZeroOneAndTwo() throws Exception {
    try (Client c = Client.to(mux())) {
      c.send("fds\r\n");
      assertEquals("+\r\n0\n1\n2\n", c.readAll());
    }
  }

  @Test
  void bytesSentWithTheNameLineReachTheProgram() throws Exception {
    try (Client c = Client.to(mux())) {
      c.send("cat\r\nsent with the name line\n");
      assertEquals("+\r\nsent with the name line\n", c.readN("+\r\nsent with the name line\n"));
    }
  }

  @Test
  void catEchoesAMultiMegabytePayloadThroughTheSocket() throws Exception {
    byte[] payload = new byte[4 << 20];
    new Random(11).nextBytes(payload);
    try (Client c = Client.to(porter.port("plain"))) {
      byte[] back = c.sendAllAndReadBack(payload);
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      assertArrayEquals(md.digest(payload), md.digest(back));
    }
  }

  @Test
  void sockenvDescribesBothEndsAndTheEnvironmentIsBuiltAsDeclared() throws Exception {
    try (Client c = Client.to(mux())) {
      c.send("env\r\n");
      String out = c.readAll();
      int local = c.socket().getLocalPort();
      assertTrue(out.startsWith("+\r\n"), out);
      for (String kv :
          new String[] {
            "PROTO=TCP",
            "SOCKTYPE=STREAM",
            "LOCALIP=127.0.0.1",
            "LOCALPORT=" + mux(),
            "REMOTEIP=127.0.0.1",
            "REMOTEPORT=" + local,
            "GREETING=hello"
          }) {
        assertTrue(out.contains(kv + "\n"), kv + " in " + out);
      }
      assertTrue(!out.contains("HOME="), "clear = true drops porter's environment: " + out);
    }
  }

  @Test
  void resolveAddsTheHostNamesOfBothEnds() throws Exception {
    try (Client c = Client.to(mux())) {
      c.send("resolved\r\n");
      String out = c.readAll();
      String name = java.net.InetAddress.getByName("127.0.0.1").getCanonicalHostName();
      assertTrue(
          out.contains("REMOTEHOST=" + name + "\n") && out.contains("LOCALHOST=" + name + "\n"),
          out);
    }
  }

  @Test
  void expandenvExpandsVariablesInTheCommand() throws Exception {
    try (Client c = Client.to(mux())) {
      c.send("expand\r\n");
      assertEquals("+\r\nnone world\n", c.readAll());
    }
  }

  @Test
  void chdirTakesEffect() throws Exception {
    try (Client c = Client.to(mux())) {
      c.send("where\r\n");
      assertEquals("+\r\n/tmp\n", c.readAll());
    }
  }

  @Test
  void aDedicatedSubordinateAnswersForItself() throws Exception {
    try (Client c = Client.to(mux())) {
      c.send("dedicated\r\nabc");
      assertEquals("+ready\r\nabc", c.readN("+ready\r\nabc"));
    }
  }

  @Test
  void userRunsTheProgramAsThatUser() throws Exception {
    try (LogCapture logs = new LogCapture();
        Client c = Client.to(mux())) {
      c.send("id\r\n");
      String out = c.readAll();
      if (ROOT) {
        assertEquals("+\r\n65534\n", out);
      } else {
        logs.awaitLine("component id: cannot start", "root");
      }
    }
  }

  @Test
  void aProgramThatCannotBeExecutedIsALoggedErrorNotACrash() throws Exception {
    try (LogCapture logs = new LogCapture();
        Client c = Client.to(mux())) {
      c.send("missing\r\n");
      assertEquals("+\r\n", c.readAll());
      logs.awaitLine("component missing: cannot start for 127.0.0.1:", "(exit 127)");
    }
    try (Client c = Client.to(mux())) {
      c.send("cat\r\nstill fine\n");
      assertEquals("+\r\nstill fine\n", c.readN("+\r\nstill fine\n"));
    }
  }

  @Test
  void aChildHoldsItsInstanceSlotUntilItExits() throws Exception {
    try (Client first = Client.to(porter.port("limited"))) {
      first.send("mine\n");
      assertEquals("mine\n", first.readN("mine\n"));
      try (Client second = Client.to(porter.port("limited"))) {
        assertEquals("one cat only\r\n", second.readAll());
      }
    }
  }

  @Test
  void aThousandShortConnectionsLeaveNoDescriptorAndNoChildBehind() throws Exception {
    try (Client c = Client.to(mux())) {
      c.send("cat\r\nwarm\n");
      c.readN("+\r\nwarm\n");
    }
    Await.until("children to exit", () -> porter.porter().runningChildren() == 0);
    long fdsBefore = openFds();
    for (int i = 0; i < 1000; i++) {
      try (Client c = Client.to(mux())) {
        c.send("cat\r\nx\n");
        assertEquals("+\r\nx\n", c.readN("+\r\nx\n"));
      }
    }
    Await.until(
        () -> "children to exit, " + porter.porter().runningChildren() + " left",
        java.time.Duration.ofSeconds(30),
        () -> porter.porter().runningChildren() == 0);
    Await.until("connections to close", () -> porter.porter().activeConnections() == 0);
    Await.until(
        () -> "descriptors back to " + fdsBefore + ", now " + openFds(),
        java.time.Duration.ofSeconds(10),
        () -> openFds() <= fdsBefore);
    assertEquals(0, zombies());
  }

  static long openFds() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static long zombies() throws Exception {
    long self = ProcessHandle.current().pid();
    long n = 0;
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (!p.getFileName().toString().matches("\\d+")) continue;
        try {
          String stat = Files.readString(p.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (f[0].equals("Z") && Long.parseLong(f[1]) == self) n++;
        } catch (Exception gone) {
          // the process went away while we looked
        }
      }
    }
    return n;
  }
}
