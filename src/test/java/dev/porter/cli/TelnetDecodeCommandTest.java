package dev.porter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TelnetDecodeCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(byte[] stdin, String... args) {
    TelnetDecodeCommand command = new TelnetDecodeCommand(
        new ByteArrayInputStream(stdin), out, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandLine(command).execute(args);
  }

  @Test
  void aStreamIsPrintedInTheCanonicalFormat() {
    byte[] in = {'h', 'i', (byte) 0xff, (byte) 0xfb, 24};
    assertEquals(0, run(in, "-t", "24:WILL:DO"));
    assertEquals("DATA 6869\nSEND fffd18\nWILL 24\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void repeatedOptionsBehaveLikeTheOracles() {
    byte[] in = "ab".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0, run(in, "-M", "-c", "1", "-M", "-c", "1"));
    assertEquals("DATA 6162\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void scriptModeRunsSendSideCalls() {
    byte[] script = "mark start\nttype_send\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0, run(script, "-s"));
    assertEquals("MARK start\nSEND fffa1801fff0\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aBadArgumentExitsWithTwoAndOneLineOnStderr() {
    assertEquals(2, run(new byte[0], "-n", "0"));
    assertEquals(2, run(new byte[0], "--bogus"));
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].startsWith("porter telnet decode: -n needs a positive chunk size"), lines[0]);
    assertTrue(lines[1].contains("--bogus"), lines[1]);
  }

  @Test
  void aScriptErrorKeepsTheLinesPrintedBeforeItAndExitsWithTwo() {
    byte[] script = "mark one\nfrobnicate\nmark two\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(2, run(script, "-s"));
    assertEquals("MARK one\n", out.toString(StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals("porter telnet decode: line 2: unknown command 'frobnicate'\n", e);
    assertFalse(e.contains("Exception"));
  }
}
