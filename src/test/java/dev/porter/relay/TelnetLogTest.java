package dev.porter.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * telnet-log's bounds per connection, with a writer that is behind until the test lets it catch up.
 */
class TelnetLogTest {
  @TempDir Path dir;

  private final TelnetLog.Writer writer = new TelnetLog.Writer(false);

  /** One line of {@code size} bytes, the newline included. */
  private static String line(char c, int size) {
    return String.valueOf(c).repeat(size - 1) + "\n";
  }

  private List<String> fileLines() throws Exception {
    try (var files = Files.list(dir)) {
      Path f = files.findFirst().orElseThrow();
      return Files.readAllLines(f, StandardCharsets.US_ASCII);
    }
  }

  @Test
  void aConnectionsLinesPastItsShareOfTheQueueAreDroppedAndTheGapIsMarkedWhereTheLogGoesOn()
      throws Exception {
    TelnetLog.Session s = new TelnetLog(dir.resolve("mud"), writer).open("127.0.0.1:5555");
    int turn = 64 * 1024;
    int turns =
        2 * (int) (TelnetLog.SESSION_QUEUE_LIMIT / turn); // twice its share, the writer stalled
    for (int i = 0; i < turns; i++) {
      s.line(line('a', turn));
      s.flush();
    }
    writer.drain();
    s.line(line('b', 10));
    s.flush();
    s.close();
    writer.drain();
    List<String> lines = fileLines();
    int kept = (int) (TelnetLog.SESSION_QUEUE_LIMIT / turn);
    assertEquals(kept + 2, lines.size());
    for (int i = 0; i < kept; i++) assertEquals(turn - 1, lines.get(i).length());
    assertEquals(
        "# dropped " + (long) (turns - kept) * turn + " bytes of log lines (writer behind)",
        lines.get(kept));
    assertEquals("bbbbbbbbb", lines.get(kept + 1));
  }

  @Test
  void linesGatheredWithinOneTurnAreHandedOnPastTheBufferLimit() {
    TelnetLog.Session s = new TelnetLog(dir.resolve("mud"), writer).open("127.0.0.1:5555");
    for (int i = 0; i < 48; i++) {
      s.line(line('a', 64 * 1024)); // 3 MiB of lines in one turn: no flush from the proxy yet
      assertTrue(
          s.pending().length() <= TelnetLog.SESSION_BUFFER_LIMIT,
          "gathered " + s.pending().length());
    }
  }

  @Test
  void aWriterThatKeepsUpDropsNothing() throws Exception {
    TelnetLog.Session s = new TelnetLog(dir.resolve("mud"), writer).open("127.0.0.1:5555");
    for (int i = 0; i < 64; i++) {
      s.line(line('a', 64 * 1024));
      s.flush();
      writer.drain();
    }
    s.close();
    writer.drain();
    List<String> lines = fileLines();
    assertEquals(64, lines.size());
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("#")));
  }

  @Test
  void aLogIsNeverWrittenThroughALinkPlantedUnderItsNameNorOverAnEarlierLog() throws Exception {
    java.nio.file.Path victim =
        java.nio.file.Files.writeString(dir.resolve("victim"), "precious\n");
    java.nio.file.Path name = TelnetLog.fileFor(dir.resolve("mud"), "127.0.0.1:5000", 1);
    java.nio.file.Files.createSymbolicLink(name, victim);
    java.nio.file.Files.writeString(java.nio.file.Path.of(name + ".1"), "an earlier run\n");
    try (java.io.OutputStream out = TelnetLog.create(name)) {
      out.write("this connection\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    org.junit.jupiter.api.Assertions.assertEquals(
        "precious\n", java.nio.file.Files.readString(victim));
    org.junit.jupiter.api.Assertions.assertEquals(
        "an earlier run\n", java.nio.file.Files.readString(java.nio.file.Path.of(name + ".1")));
    org.junit.jupiter.api.Assertions.assertEquals(
        "this connection\n", java.nio.file.Files.readString(java.nio.file.Path.of(name + ".2")));
  }
}
