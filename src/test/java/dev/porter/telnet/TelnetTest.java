package dev.porter.telnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class TelnetTest {
  private static final TeloptTable TABLE =
      TeloptTable.builder()
          .accept(Telnet.TELOPT_TTYPE, true, true)
          .accept(Telnet.TELOPT_BINARY, true, true)
          .accept(Telnet.TELOPT_NAWS, false, true)
          .build();

  private final RecordingHandler rec = new RecordingHandler();

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void plainTextArrivesAsOneDataEventPerRecvCall() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.recv(ascii("hello\r\nworld"));
    rec.assertEvents("DATA 68656c6c6f0d0a776f726c64");
  }

  @Test
  void anEscapedIacIsItsOwnDataEventBetweenTheRuns() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.recv(bytes("61ffff62"));
    rec.assertEvents("DATA 61", "DATA ff", "DATA 62");
  }

  @Test
  void anAcceptedWillIsAnsweredWithDoBeforeItIsReported() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.recv(bytes("fffb18"));
    rec.assertEvents("SEND fffd18", "WILL 24");
    assertTrue(t.isRemotelyEnabled(Telnet.TELOPT_TTYPE));
  }

  @Test
  void optionsMissingFromTheTableAreRefusedWithoutAnEvent() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.recv(bytes("fffd05fffb05"));
    rec.assertEvents("SEND fffc05", "SEND fffe05");
  }

  @Test
  void proxyModeReportsNegotiationWithoutAnswering() {
    Telnet t = new Telnet(TeloptTable.rejectAll(), rec, Telnet.FLAG_PROXY);
    t.recv(bytes("fffd05"));
    t.negotiate(Telnet.WILL, 5);
    t.negotiate(Telnet.WILL, 5);
    rec.assertEvents("DO 5", "SEND fffb05", "SEND fffb05");
  }

  @Test
  void localNegotiationSendsOnlyWhenTheStateCallsForIt() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.negotiate(Telnet.DO, Telnet.TELOPT_NAWS);
    t.negotiate(Telnet.DO, Telnet.TELOPT_NAWS);
    t.recv(bytes("fffb1f"));
    rec.assertEvents("SEND fffd1f", "WILL 31");
  }

  @Test
  void subnegotiationsAreParsedIntoTheirOwnEventsAfterTheRawOne() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.recv(bytes("fffa1800787465726dfff0" + "fffa5d6100620000fff0"));
    rec.assertEvents("SB 24 00787465726d", "TTYPE 0 xterm", "SB 93 6100620000", "ZMP a b ");
  }

  @Test
  void aSubnegotiationOverSixteenKibIsDroppedWithAWarningAndTheRestIsData() {
    Telnet t = new Telnet(TABLE, rec, 0);
    byte[] sb = new byte[3 + Telnet.SB_LIMIT + 1 + 3];
    sb[0] = (byte) 0xff;
    sb[1] = (byte) 0xfa;
    sb[2] = 5;
    Arrays.fill(sb, 3, 3 + Telnet.SB_LIMIT + 1, (byte) 'x');
    sb[sb.length - 3] = 'y';
    sb[sb.length - 2] = (byte) 0xff;
    sb[sb.length - 1] = (byte) 0xf0;
    t.recv(sb);
    rec.assertEvents("WARNING subnegotiation buffer size limit reached", "DATA 79", "IAC 240");
  }

  @Test
  void windowSizeRoundTripsThroughNaws() {
    Telnet sender = new Telnet(TABLE, rec, 0);
    sender.sendWindowSize(255, 24);
    byte[] wire = rec.takeSent();
    assertArrayEquals(bytes("fffa1f00ffff0018fff0"), wire);
    RecordingHandler peer = new RecordingHandler();
    WindowSize[] seen = new WindowSize[1];
    TelnetHandler naws =
        new TelnetHandler() {
          @Override
          public void onData(byte[] buf, int off, int len) {}

          @Override
          public void onSend(byte[] buf, int off, int len) {}

          @Override
          public void onSubnegotiation(int option, byte[] buf, int off, int len) {
            peer.onSubnegotiation(option, buf, off, len);
            seen[0] = WindowSize.parse(buf, off, len).orElseThrow();
          }
        };
    new Telnet(TABLE, naws, 0).recv(wire);
    assertEquals(new WindowSize(255, 24), seen[0]);
    assertEquals(Optional.empty(), WindowSize.parse(new byte[3], 0, 3));
  }

  @Test
  void sendTextTranslatesNewlinesAndEscapesIac() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.sendText(ascii("a\nb\rc\u00ff"), 0, 6);
    assertArrayEquals(bytes("610d0a620d0063ffff"), rec.takeSent());
  }

  @Test
  void sendDoublesIacButLeavesNewlinesAlone() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.send(bytes("0aff0d"));
    assertArrayEquals(bytes("0affff0d"), rec.takeSent());
  }

  @Test
  void nvtEolTranslationStopsOnceThePeerEnablesBinary() {
    Telnet t = new Telnet(TABLE, rec, Telnet.FLAG_NVT_EOL);
    t.recv(ascii("a\r\nb\r\0"));
    assertArrayEquals(ascii("a\nb\r"), rec.data.toByteArray());
    t.recv(bytes("fffb00"));
    rec.data.reset();
    t.recv(ascii("c\r\n"));
    assertArrayEquals(ascii("c\r\n"), rec.data.toByteArray());
  }

  @Test
  void anMccpV1StartDiscardsTheByteAfterWillEvenWhenItArrivesLater() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.recv(bytes("fffa55fb"));
    t.recv(bytes("f074657874"));
    rec.assertEvents("DATA 74657874");
  }

  @Test
  void compressedOutputInflatesBackOnTheOtherSide() {
    Telnet sender = new Telnet(TABLE, rec, 0);
    sender.send(ascii("plain "));
    sender.beginCompress2();
    byte[] text = new byte[100_000];
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) "abc\u00ff\n".charAt(i % 5);
    }
    sender.send(text);
    sender.iac(Telnet.NOP);
    RecordingHandler receiver = new RecordingHandler();
    new Telnet(TABLE, receiver, 0).recv(rec.takeSent());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(ascii("plain "));
    expected.writeBytes(text);
    assertArrayEquals(expected.toByteArray(), receiver.data.toByteArray());
    assertTrue(receiver.events.contains("COMPRESS true"));
    assertEquals("IAC 241", receiver.events.get(receiver.events.size() - 1));
  }

  @Test
  void aDecompressionBombIsHandedOnInBoundedPieces() {
    Deflater d = new Deflater(9);
    d.setInput(new byte[64 << 20]);
    d.finish();
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.writeBytes(bytes("fffa56fff0"));
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      bomb.write(buf, 0, d.deflate(buf));
    }
    d.end();
    long[] total = {0};
    int[] largest = {0};
    Telnet t =
        new Telnet(
            TABLE,
            new TelnetHandler() {
              @Override
              public void onData(byte[] b, int off, int len) {
                total[0] += len;
                largest[0] = Math.max(largest[0], len);
              }

              @Override
              public void onSend(byte[] b, int off, int len) {}
            },
            0);
    t.recv(bomb.toByteArray());
    assertEquals(64 << 20, total[0]);
    assertEquals(Telnet.ZLIB_CHUNK, largest[0]);
  }

  @Test
  void garbageAfterCompress2IsAnErrorAndCompressionStops() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.recv(bytes("fffa56fff0" + "0102030405"));
    t.recv(ascii("ok"));
    rec.assertEvents(
        "SB 86 ",
        "COMPRESS true",
        "ERROR inflate() failed: data error",
        "COMPRESS false",
        "DATA 6f6b");
  }

  @Test
  void finishSbWithoutBeginSbIsRejected() {
    Telnet t = new Telnet(TABLE, rec, 0);
    IllegalStateException e = assertThrows(IllegalStateException.class, t::finishSb);
    assertEquals("finishSb without beginSb", e.getMessage());
  }

  @Test
  void startingASubnegotiationInsideAnotherIsRejected() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.beginSb(24);
    assertThrows(IllegalStateException.class, () -> t.beginSb(31));
    assertThrows(IllegalStateException.class, t::ttypeSend);
    assertThrows(IllegalStateException.class, t::finishZmp);
    t.finishSb();
    assertArrayEquals(bytes("fffa18fff0"), rec.takeSent());
  }

  @Test
  void zmpArgumentsMayNotContainNul() {
    Telnet t = new Telnet(TABLE, rec, 0);
    assertThrows(
        IllegalArgumentException.class, () -> t.sendZmp(ascii("cmd"), new byte[] {'a', 0}));
  }

  @Test
  void valuesOutsideAByteAndUnknownFlagsAreRejected() {
    Telnet t = new Telnet(TABLE, rec, 0);
    assertThrows(IllegalArgumentException.class, () -> t.iac(256));
    assertThrows(IllegalArgumentException.class, () -> t.negotiate(Telnet.WILL, -1));
    assertThrows(IllegalArgumentException.class, () -> new Telnet(TABLE, rec, 4));
  }

  @Test
  void beginCompress2TwiceOnlyWarns() {
    Telnet t = new Telnet(TABLE, rec, 0);
    t.beginCompress2();
    t.beginCompress2();
    rec.assertEvents(
        "SEND fffa56fff0", "COMPRESS true", "WARNING cannot initialize compression twice");
  }

  @Test
  void plainDataAndEscapesAllocateNothing() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        mx instanceof com.sun.management.ThreadMXBean,
        "needs HotSpot's per-thread allocation counter");
    com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
    byte[] chunk = new byte[4096];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = (byte) (i % 100 == 0 ? 0xff : 'a' + i % 26); // IAC IAC pairs every 100 bytes
    }
    long[] bytesSeen = {0};
    Telnet t =
        new Telnet(
            TABLE,
            new TelnetHandler() {
              @Override
              public void onData(byte[] b, int off, int len) {
                bytesSeen[0] += len;
              }

              @Override
              public void onSend(byte[] b, int off, int len) {}
            },
            0);
    for (int i = 0; i < 20_000; i++) {
      t.recv(chunk, 0, chunk.length); // warm up
    }
    long tid = Thread.currentThread().getId();
    long before = hs.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 1000; i++) {
      t.recv(chunk, 0, chunk.length);
    }
    long allocated = hs.getThreadAllocatedBytes(tid) - before;
    assertTrue(bytesSeen[0] > 0);
    assertTrue(allocated < 1024, "allocated " + allocated + " bytes for 4 MB of input");
  }
}
