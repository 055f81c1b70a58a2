package dev.porter.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden cases fed one byte at a time and at seeded random splits: the events must be the same
 * as for the whole input once consecutive DATA (and SEND) events are merged ({@code -M}), because
 * only DATA boundaries may depend on how the bytes arrive.
 */
class SplitFeedingTest {

  /**
   * Cases whose output depends on the split in libtelnet itself: when a compressed stream ends or
   * fails, telnet_recv drops the rest of that call's buffer, so the split decides which trailing
   * bytes are lost. They are checked against libtelnet's own recorded split runs instead ({@code
   * telnet-oracle/split/}, see its README).
   */
  static final Set<String> SPLIT_SENSITIVE_IN_LIBTELNET =
      Set.of(
          "mccp2-garbage",
          "mccp2-garbage-split",
          "mccp2-stream-end",
          "mccp2-stream-end-next-chunk");

  private static final long[] SEEDS = {1, 2, 3};

  @TestFactory
  Stream<DynamicTest> feedingOneByteAtATimeGivesTheSameEvents() {
    return OracleCases.all().stream()
        .filter(c -> !SPLIT_SENSITIVE_IN_LIBTELNET.contains(c.name()))
        .map(c -> DynamicTest.dynamicTest(c.toString(), () -> assertSameMerged(c, () -> 1, null)));
  }

  @TestFactory
  Stream<DynamicTest> feedingAtRandomSplitsGivesTheSameEvents() {
    List<DynamicTest> tests = new ArrayList<>();
    for (OracleCases.Case c : OracleCases.all()) {
      if (SPLIT_SENSITIVE_IN_LIBTELNET.contains(c.name())) {
        continue;
      }
      for (long seed : SEEDS) {
        Random rnd = new Random(seed * 31 + c.name().hashCode());
        tests.add(
            DynamicTest.dynamicTest(c + " seed " + seed, () -> assertSameMerged(c, null, rnd)));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> splitRunsOfEndingCompressedStreamsMatchLibtelnetsRecordings() {
    List<OracleCases.Case> cases = OracleCases.load("split", "split");
    assertEquals(SPLIT_SENSITIVE_IN_LIBTELNET.size() * 5, cases.size(), "recorded split runs");
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.toString(),
                    () ->
                        assertEquals(
                            new String(c.expected(), StandardCharsets.ISO_8859_1),
                            OracleCases.decode(c.args(), c.input()))));
  }

  @Test
  void theCasesLeftOutReallyDependOnTheSplitInLibtelnet() {
    // If one of these stopped differing, it should go back into the generic split tests.
    Set<String> differing = new TreeSet<>();
    for (OracleCases.Case split : OracleCases.load("split", "split")) {
      String name = split.name().substring(0, split.name().lastIndexOf('.'));
      OracleCases.Case whole =
          OracleCases.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
      String wholeMerged =
          OracleCases.merged(new String(whole.expected(), StandardCharsets.ISO_8859_1));
      if (!wholeMerged.equals(new String(split.expected(), StandardCharsets.ISO_8859_1))) {
        differing.add(name);
      }
    }
    assertEquals(new TreeSet<>(SPLIT_SENSITIVE_IN_LIBTELNET), differing);
  }

  /** Either a fixed piece size or random offsets; the expected output is the whole run, merged. */
  private static void assertSameMerged(OracleCases.Case c, IntSupplier pieceSize, Random rnd) {
    List<String> args = withoutChunking(c.args());
    args.add("-M");
    byte[] input = c.input();
    if (c.script()) {
      input = splitScriptRecv(input, pieceSize != null ? pieceSize : () -> 1 + rnd.nextInt(12));
    } else if (pieceSize != null) {
      args.add("-n");
      args.add("1");
    } else if (input.length > 0) {
      args.add("-c");
      args.add(randomOffsets(input.length, rnd));
    }
    String expected = OracleCases.merged(new String(c.expected(), StandardCharsets.ISO_8859_1));
    assertEquals(expected, OracleCases.decode(args, input));
  }

  private static List<String> withoutChunking(List<String> args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("-c") || args.get(i).equals("-n")) {
        i++;
      } else {
        out.add(args.get(i));
      }
    }
    return out;
  }

  /** Up to 4096 distinct ascending offsets (the oracle's limit), zero-length pieces included. */
  private static String randomOffsets(int len, Random rnd) {
    int count = Math.min(TelnetDecode.MAX_CHUNKS, 1 + rnd.nextInt(Math.max(1, len / 3 + 1)));
    TreeSet<Integer> offs = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      offs.add(rnd.nextInt(len + 1));
    }
    StringBuilder sb = new StringBuilder();
    for (int o : offs) {
      sb.append(sb.length() == 0 ? "" : ",").append(o);
    }
    return sb.toString();
  }

  /** Rewrites each {@code recv} line so its bytes arrive in pieces of the given sizes. */
  static byte[] splitScriptRecv(byte[] script, IntSupplier pieceSize) {
    HexFormat hex = HexFormat.of();
    StringBuilder out = new StringBuilder();
    for (String line : new String(script, StandardCharsets.ISO_8859_1).split("\n", -1)) {
      String[] tok = line.trim().split("[ \t]+");
      if (!tok[0].equals("recv")) {
        out.append(line).append('\n');
        continue;
      }
      StringBuilder all = new StringBuilder();
      for (int i = 1; i < tok.length; i++) {
        if (!tok[i].equals("-")) {
          all.append(tok[i]);
        }
      }
      byte[] data = hex.parseHex(all);
      out.append("recv");
      if (data.length == 0) {
        out.append(" -");
      }
      for (int p = 0; p < data.length; ) {
        int n = Math.min(data.length - p, pieceSize.getAsInt());
        out.append(' ').append(hex.formatHex(data, p, p + n));
        p += n;
      }
      out.append('\n');
    }
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}
