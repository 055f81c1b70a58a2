package dev.porter.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Client;
import dev.porter.testing.RunningPorter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classic services, standalone and behind the TCPMUX master. */
class BuiltinServicesIT {
  static RunningPorter porter;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Path quotes = dir.resolve("qotd");
    Files.writeString(quotes, "Simplicity is prerequisite for reliability.\n-- Dijkstra\n");
    String cfg =
        String.join(
            "\n",
            "shutdown-timeout = 1s",
            "qotd-file = \"" + quotes + "\"",
            "components {",
            "  echo { socket = \"inet://127.0.0.1:0\", builtin = echo }",
            "  discard { socket = \"inet://127.0.0.1:0\", builtin = discard }",
            "  chargen { socket = \"inet://127.0.0.1:0\", builtin = chargen }",
            "  daytime { socket = \"inet://127.0.0.1:0\", builtin = daytime }",
            "  time { socket = \"inet://127.0.0.1:0\", builtin = time }",
            "  qotd { socket = \"inet://127.0.0.1:0\", builtin = qotd }",
            "  echo6 { socket = \"inet://[::1]:0\", builtin = echo }",
            "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux }",
            "  m-echo { tcpmux-master = mux, service = echo, builtin = echo }",
            "  m-chargen { tcpmux-master = mux, service = chargen, builtin = chargen }",
            "  m-time { tcpmux-master = mux, service = time, builtin = time }",
            "  m-qotd { tcpmux-master = mux, service = qotd, builtin = qotd }",
            "}");
    porter = RunningPorter.start(cfg);
  }

  @AfterAll
  static void stop() throws Exception {
    porter.close();
  }

  @Test
  void echoReturnsAMultiMegabytePayloadIntactWhileTheClientIsStillSending() throws Exception {
    byte[] payload = new byte[8 << 20];
    new Random(1).nextBytes(payload);
    try (Client c = Client.to(porter.port("echo"))) {
      byte[] back = c.sendAllAndReadBack(payload);
      assertEquals(payload.length, back.length);
      assertArrayEquals(sha(payload), sha(back));
    }
  }

  @Test
  void echoWorksOnIpv6() throws Exception {
    try (Client c = new Client("::1", porter.port("echo6"))) {
      c.send("v6");
      assertEquals("v6", c.readN("v6"));
    }
  }

  @Test
  void discardReadsEverythingAndAnswersNothing() throws Exception {
    try (Client c = Client.to(porter.port("discard"))) {
      c.send(new byte[1 << 20]);
      c.shutdownOutput();
      assertEquals(0, c.readAllBytes().length);
    }
  }

  @Test
  void chargenSendsRotatingLinesOf72Characters() throws Exception {
    try (Client c = Client.to(porter.port("chargen"))) {
      checkChargen(c.in());
    }
  }

  @Test
  void chargenBehindTheMasterSendsPlusThenTheSameLines() throws Exception {
    try (Client c = Client.to(porter.port("mux"))) {
      c.send("chargen\r\n");
      assertEquals("+\r\n", c.readLine());
      checkChargen(c.in());
    }
  }

  private static void checkChargen(InputStream in) throws Exception {
    byte[] b = in.readNBytes(200 * 74);
    for (int line = 0; line < 200; line++) {
      for (int i = 0; i < 72; i++) {
        assertEquals(32 + (line + i) % 95, b[line * 74 + i], "line " + line + " char " + i);
      }
      assertEquals('\r', b[line * 74 + 72]);
      assertEquals('\n', b[line * 74 + 73]);
    }
  }

  @Test
  void daytimeSendsOneLineAndCloses() throws Exception {
    try (Client c = Client.to(porter.port("daytime"))) {
      String s = c.readAll();
      assertTrue(Pattern.matches("\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n", s), s);
    }
  }

  @Test
  void timeSendsFourBytesCloseToNow() throws Exception {
    for (int port : new int[] {porter.port("time"), -1}) {
      try (Client c = Client.to(port > 0 ? port : porter.port("mux"))) {
        if (port < 0) {
          c.send("time\r\n");
          assertEquals("+\r\n", c.readLine());
        }
        byte[] t = c.readAllBytes();
        assertEquals(4, t.length);
        long v =
            ((t[0] & 0xffL) << 24)
                | ((t[1] & 0xffL) << 16)
                | ((t[2] & 0xffL) << 8)
                | (t[3] & 0xffL);
        long now = (System.currentTimeMillis() / 1000 + 2_208_988_800L) & 0xffffffffL;
        assertTrue(Math.abs(now - v) < 5, "time " + v + " vs " + now);
      }
    }
  }

  @Test
  void qotdSendsTheFileWithCrlfLineEnds() throws Exception {
    String expected = "Simplicity is prerequisite for reliability.\r\n-- Dijkstra\r\n";
    try (Client c = Client.to(porter.port("qotd"))) {
      assertEquals(expected, c.readAll());
    }
    try (Client c = Client.to(porter.port("mux"))) {
      c.send("QOTD\r\n");
      assertEquals("+\r\n" + expected, c.readAll());
    }
  }

  @Test
  void echoBehindTheMasterEchoesAfterPlus() throws Exception {
    try (Client c = Client.to(porter.port("mux"))) {
      c.send("echo\r\nhello");
      assertEquals("+\r\nhello", c.readN("+\r\nhello"));
      c.shutdownOutput();
      assertEquals("", c.readAll());
    }
  }

  private static byte[] sha(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
