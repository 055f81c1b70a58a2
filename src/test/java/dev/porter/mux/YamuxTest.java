package dev.porter.mux;

import static dev.porter.mux.Frames.frames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class YamuxTest {
  /** When the input arrives, for the flood limits: any fixed time will do where nothing floods. */
  static final long NOW = 1_000_000_000L;

  /** How input reaches the session: whole, one byte at a time, or in random pieces. */
  enum Feeder {
    WHOLE,
    ONE_BYTE,
    RANDOM_SPLITS;

    void feed(Yamux y, byte[] bytes) {
      Random r = new Random(bytes.length);
      int i = 0;
      while (i < bytes.length) {
        int n;
        switch (this) {
          case WHOLE:
            n = bytes.length;
            break;
          case ONE_BYTE:
            n = 1;
            break;
          default:
            n = 1 + r.nextInt(Math.min(40, bytes.length - i));
        }
        n = Math.min(n, bytes.length - i);
        ByteBuffer b = ByteBuffer.wrap(bytes, i, n);
        y.receive(b, NOW);
        assertFalse(b.hasRemaining(), "receive consumes everything it is given");
        i += n;
      }
    }
  }

  static Stream<Feeder> feeders() {
    return Stream.of(Feeder.values());
  }

  private final RecordingYamuxHandler h = new RecordingYamuxHandler();

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void openingAStreamSendsAWindowUpdateWithSyn() {
    Yamux client = new Yamux(Yamux.Role.CLIENT, h);
    assertEquals(1, client.open());
    assertEquals(3, client.open());
    assertEquals(List.of("window 1 SYN 0", "window 3 SYN 0"), Frames.describe(h.takeSent()));
    Yamux server = new Yamux(Yamux.Role.SERVER, h);
    assertEquals(2, server.open());
  }

  @Test
  void aLargerReceiveWindowIsAnnouncedWithTheSyn() {
    Yamux client = new Yamux(Yamux.Role.CLIENT, h, 1024 * 1024);
    client.open();
    assertEquals(
        List.of("window 1 SYN " + (1024 * 1024 - Yamux.INITIAL_WINDOW)),
        Frames.describe(h.takeSent()));
  }

  @ParameterizedTest
  @MethodSource("feeders")
  void aPeersStreamOpensCarriesDataAndHalfCloses(Feeder feeder) {
    Yamux server = new Yamux(Yamux.Role.SERVER, h);
    byte[] in =
        frames()
            .syn(1)
            .data(1, 0, ascii("hello"))
            .data(1, 0, ascii(", world"))
            .data(1, Yamux.FLAG_FIN, ascii("!"))
            .bytes();
    feeder.feed(server, in);
    assertEquals(List.of("opened 1", "data 1 13", "fin 1"), h.events);
    assertEquals("hello, world!", new String(h.data(1), StandardCharsets.US_ASCII));
    assertEquals(List.of("window 1 ACK 0"), Frames.describe(h.takeSent()));
    assertTrue(server.isRemoteClosed(1));
  }

  @ParameterizedTest
  @MethodSource("feeders")
  void streamsInterleaveWithPingsAndWindowUpdates(Feeder feeder) {
    Yamux client = new Yamux(Yamux.Role.CLIENT, h);
    int a = client.open();
    int b = client.open();
    h.takeSent();
    byte[] in =
        frames()
            .window(a, Yamux.FLAG_ACK, 0)
            .data(a, 0, ascii("aaa"))
            .ping(Yamux.FLAG_SYN, 77)
            .data(b, Yamux.FLAG_ACK, ascii("bb"))
            .window(b, 0, 1000)
            .data(a, 0, ascii("a"))
            .ping(Yamux.FLAG_ACK, 5)
            .bytes();
    feeder.feed(client, in);
    assertEquals(
        List.of(
            "acknowledged 1",
            "data 1 3",
            "acknowledged 3",
            "data 3 2",
            "window 3 " + (Yamux.INITIAL_WINDOW + 1000),
            "data 1 1",
            "pong 5"),
        h.events);
    assertEquals(List.of("ping 0 ACK 77"), Frames.describe(h.takeSent()));
  }

  @Test
  void sendingStopsAtThePeersWindowAndGoesOnWhenItOpens() {
    Yamux client = new Yamux(Yamux.Role.CLIENT, h);
    int id = client.open();
    h.takeSent();
    ByteBuffer big = ByteBuffer.allocate(Yamux.INITIAL_WINDOW + 100);
    assertEquals(Yamux.INITIAL_WINDOW, client.send(id, big));
    assertEquals(100, big.remaining());
    assertEquals(0, client.send(id, big));
    List<String> frames = Frames.describe(h.takeSent());
    assertEquals(Yamux.INITIAL_WINDOW / Yamux.MAX_DATA_FRAME, frames.size());
    assertEquals("data 1 - " + Yamux.MAX_DATA_FRAME, frames.get(0));
    client.receive(ByteBuffer.wrap(frames().window(id, 0, 60).bytes()), NOW);
    assertEquals(List.of("window 1 60"), h.events);
    assertEquals(60, client.send(id, big));
    assertEquals(List.of("data 1 - 60"), Frames.describe(h.takeSent()));
  }

  @Test
  void consumingHalfTheWindowGrantsItBackInOneUpdate() {
    Yamux server = new Yamux(Yamux.Role.SERVER, h);
    server.receive(ByteBuffer.wrap(frames().syn(1).data(1, 0, new byte[200_000]).bytes()), NOW);
    h.takeSent();
    server.consumed(1, 100_000);
    assertEquals(List.of(), Frames.describe(h.takeSent()));
    server.consumed(1, 40_000);
    assertEquals(List.of("window 1 - 140000"), Frames.describe(h.takeSent()));
  }

  @Test
  void dataBeyondTheWindowIsAProtocolErrorThatEndsTheSession() {
    Yamux server = new Yamux(Yamux.Role.SERVER, h);
    byte[] in =
        frames()
            .syn(1)
            .data(1, 0, new byte[Yamux.INITIAL_WINDOW])
            .data(1, 0, new byte[1])
            .syn(3)
            .bytes();
    server.receive(ByteBuffer.wrap(in), NOW);
    assertEquals(
        List.of(
            "opened 1",
            "data 1 " + Yamux.INITIAL_WINDOW,
            "error stream 1 sent 1 bytes with a window of 0"),
        h.events);
    assertEquals(List.of("window 1 ACK 0", "goaway 0 - 1"), Frames.describe(h.takeSent()));
    assertTrue(server.isDead());
    assertFalse(server.canOpen());
  }

  @Test
  void anUnknownVersionOrTypeIsAProtocolError() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    a.receive(ByteBuffer.wrap(frames().header(1, 0, 0, 1, 0).bytes()), NOW);
    assertEquals(List.of("error unsupported version 1"), h.events);
    h.events.clear();
    Yamux b = new Yamux(Yamux.Role.SERVER, h);
    b.receive(ByteBuffer.wrap(frames().header(0, 9, 0, 1, 0).bytes()), NOW);
    assertEquals(List.of("error unknown frame type 9"), h.events);
  }

  @Test
  void aDuplicateSynOrOneWithThisSidesParityIsAProtocolError() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    a.receive(ByteBuffer.wrap(frames().syn(1).syn(1).bytes()), NOW);
    assertEquals(List.of("opened 1", "error duplicate SYN for stream 1"), h.events);
    h.events.clear();
    Yamux b = new Yamux(Yamux.Role.SERVER, h);
    b.receive(ByteBuffer.wrap(frames().syn(2).bytes()), NOW);
    assertEquals(List.of("error SYN for stream 2 which only this side may open"), h.events);
  }

  @Test
  void pingWithSynIsAnsweredWithAckAndTheSameValue() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    a.receive(ByteBuffer.wrap(frames().ping(Yamux.FLAG_SYN, 0xCAFE).bytes()), NOW);
    assertEquals(List.of("ping 0 ACK " + 0xCAFE), Frames.describe(h.takeSent()));
    a.ping(42);
    assertEquals(List.of("ping 0 SYN 42"), Frames.describe(h.takeSent()));
  }

  @Test
  void afterGoAwayNoNewStreamsOpen() {
    Yamux a = new Yamux(Yamux.Role.CLIENT, h);
    a.receive(ByteBuffer.wrap(frames().goAway(Yamux.GO_AWAY_NORMAL).bytes()), NOW);
    assertEquals(List.of("goaway 0"), h.events);
    assertFalse(a.canOpen());
    assertThrows(IllegalStateException.class, a::open);
  }

  @Test
  void aStreamIsForgottenWhenBothSidesHaveClosedIt() {
    Yamux a = new Yamux(Yamux.Role.CLIENT, h);
    int id = a.open();
    a.close(id);
    assertTrue(a.isOpen(id));
    a.receive(
        ByteBuffer.wrap(frames().window(id, Yamux.FLAG_ACK | Yamux.FLAG_FIN, 0).bytes()), NOW);
    assertFalse(a.isOpen(id));
    assertEquals(List.of("window 1 SYN 0", "window 1 FIN 0"), Frames.describe(h.takeSent()));
    assertEquals(List.of("acknowledged 1", "fin 1"), h.events);
  }

  @Test
  void resetEitherWayForgetsTheStreamAndItsLateDataIsDropped() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    a.receive(
        ByteBuffer.wrap(
            frames().syn(1).syn(3).window(1, Yamux.FLAG_RST, 0).data(1, 0, ascii("late")).bytes()),
        NOW);
    assertEquals(List.of("opened 1", "opened 3", "rst 1"), h.events);
    assertFalse(a.isOpen(1));
    h.takeSent();
    a.reset(3);
    assertEquals(List.of("window 3 RST 0"), Frames.describe(h.takeSent()));
    a.receive(ByteBuffer.wrap(frames().data(3, 0, ascii("x")).bytes()), NOW);
    assertEquals(3, h.events.size());
  }

  @Test
  void aStreamResetWhileItsDataArrivesGetsNoMoreOfIt() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    byte[] in = frames().syn(1).data(1, 0, ascii("abcdef")).syn(3).data(3, 0, ascii("gh")).bytes();
    // The data frame arrives in two pieces; the owner resets the stream after the first.
    a.receive(ByteBuffer.wrap(in, 0, 12 + 12 + 3), NOW);
    a.reset(1);
    a.receive(ByteBuffer.wrap(in, 27, in.length - 27), NOW);
    assertEquals("abc", new String(h.data(1), StandardCharsets.US_ASCII));
    assertEquals("gh", new String(h.data(3), StandardCharsets.US_ASCII));
    assertFalse(a.isOpen(1));
  }

  @Test
  void synsBeyondTheStreamLimitAreRefusedWithReset() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    Frames f = frames();
    for (int i = 0; i <= Yamux.DEFAULT_MAX_STREAMS; i++) f.syn(2 * i + 1);
    f.data(2 * Yamux.DEFAULT_MAX_STREAMS + 1, 0, ascii("dropped"));
    a.receive(ByteBuffer.wrap(f.bytes()), NOW);
    assertEquals(Yamux.DEFAULT_MAX_STREAMS, a.streamCount());
    List<String> sent = Frames.describe(h.takeSent());
    assertEquals(
        "window " + (2 * Yamux.DEFAULT_MAX_STREAMS + 1) + " RST 0", sent.get(sent.size() - 1));
    assertFalse(h.data.containsKey(2 * Yamux.DEFAULT_MAX_STREAMS + 1));
    assertFalse(a.isDead());
  }

  @Test
  void dataAfterThePeersFinResetsThatStreamOnly() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    a.receive(
        ByteBuffer.wrap(
            frames().syn(1).window(1, Yamux.FLAG_FIN, 0).data(1, 0, ascii("x")).syn(3).bytes()),
        NOW);
    assertEquals(List.of("opened 1", "fin 1", "opened 3"), h.events);
    assertEquals(
        List.of("window 1 ACK 0", "window 1 RST 0", "window 3 ACK 0"),
        Frames.describe(h.takeSent()));
  }

  // ---------------------------------------------------------------- floods and budgets

  private static final long SECOND = 1_000_000_000L;

  @ParameterizedTest
  @MethodSource("feeders")
  void aPingFloodIsAnsweredUpToTheBurstThenEndsTheSessionWithGoAway(Feeder feeder) {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    Frames f = frames();
    for (int i = 0; i < Yamux.FLOOD_BURST + 5; i++) f.ping(Yamux.FLAG_SYN, i);
    feeder.feed(a, f.bytes());
    List<String> sent = Frames.describe(h.takeSent());
    assertEquals(
        Yamux.FLOOD_BURST + 1, sent.size(), "a pong for each ping of the burst, then go away");
    assertEquals("ping 0 ACK " + (Yamux.FLOOD_BURST - 1), sent.get(Yamux.FLOOD_BURST - 1));
    assertEquals("goaway 0 - " + Yamux.GO_AWAY_PROTOCOL_ERROR, sent.get(Yamux.FLOOD_BURST));
    assertEquals(List.of("error ping flood: more than 1000 at once or 33 a second"), h.events);
    assertTrue(a.isDead());
    feeder.feed(a, frames().ping(Yamux.FLAG_SYN, 1).syn(1).bytes());
    assertEquals(0, h.takeSent().length, "a flooder gets nothing more");
  }

  @Test
  void pingsAtTheRateAreAnsweredWithoutEnd() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    byte[] ping = frames().ping(Yamux.FLAG_SYN, 7).bytes();
    long t = NOW;
    for (int i = 0; i < Yamux.FLOOD_BURST; i++) a.receive(ByteBuffer.wrap(ping), t);
    for (int second = 1; second <= 60; second++) {
      for (int i = 0; i < Yamux.FLOOD_RATE; i++)
        a.receive(ByteBuffer.wrap(ping), t + second * SECOND);
    }
    assertFalse(a.isDead());
    assertEquals(Yamux.FLOOD_BURST + 60 * Yamux.FLOOD_RATE, Frames.describe(h.takeSent()).size());
    // The bucket is empty: one more within the same second is the flood.
    a.receive(ByteBuffer.wrap(ping), t + 60 * SECOND);
    assertTrue(a.isDead());
  }

  @ParameterizedTest
  @MethodSource("feeders")
  void openingAndResettingStreamsFastIsAResetFlood(Feeder feeder) {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    Frames f = frames();
    for (int i = 0; i < Yamux.FLOOD_BURST + 1; i++)
      f.syn(2 * i + 1).window(2 * i + 1, Yamux.FLAG_RST, 0);
    feeder.feed(a, f.bytes());
    assertTrue(a.isDead());
    assertEquals(
        "error reset flood: more than 1000 at once or 33 a second",
        h.events.get(h.events.size() - 1));
    List<String> sent = Frames.describe(h.takeSent());
    assertEquals("goaway 0 - " + Yamux.GO_AWAY_PROTOCOL_ERROR, sent.get(sent.size() - 1));
  }

  @ParameterizedTest
  @MethodSource("feeders")
  void synsRefusedOverTheCapCountTowardTheFloodLimit(Feeder feeder) {
    Yamux a = new Yamux(Yamux.Role.SERVER, h, Yamux.INITIAL_WINDOW, 1, Yamux.INITIAL_WINDOW);
    Frames f = frames();
    for (int i = 0; i < Yamux.FLOOD_BURST + 2; i++) f.syn(2 * i + 1);
    feeder.feed(a, f.bytes());
    List<String> sent = Frames.describe(h.takeSent());
    assertEquals("window 1 ACK 0", sent.get(0));
    assertEquals("window 3 RST 0", sent.get(1));
    assertEquals(
        1 + Yamux.FLOOD_BURST + 1, sent.size(), "the ACK, the refusals of the burst, go away");
    assertTrue(a.isDead());
    assertEquals(
        "error refused stream flood: more than 1000 at once or 33 a second",
        h.events.get(h.events.size() - 1));
  }

  @Test
  void theOwnersRefusalsShareTheLimitAndAFloodOfThemEndsTheSession() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    for (int i = 0; i < Yamux.FLOOD_BURST; i++) assertTrue(a.refusedOpen(NOW));
    assertTrue(a.refusedOpen(NOW + SECOND), "33 more a second");
    h.takeSent();
    for (int i = 1; i < Yamux.FLOOD_RATE; i++) a.refusedOpen(NOW + SECOND);
    assertFalse(a.refusedOpen(NOW + SECOND));
    assertTrue(a.isDead());
    assertEquals(
        List.of("goaway 0 - " + Yamux.GO_AWAY_PROTOCOL_ERROR), Frames.describe(h.takeSent()));
    // Bytes already on their way are dropped, however the owner's refusal interrupted them.
    a.receive(ByteBuffer.wrap(frames().syn(1).ping(Yamux.FLAG_SYN, 1).bytes()), NOW + 2 * SECOND);
    assertEquals(0, h.takeSent().length);
    assertEquals(0, a.streamCount());
  }

  @Test
  void aRefusalFloodWhileTakingDataStopsTheDecoderAtOnce() {
    Yamux[] session = new Yamux[1];
    RecordingYamuxHandler refusing =
        new RecordingYamuxHandler() {
          @Override
          public void onData(int id, ByteBuffer d) {
            super.onData(id, d);
            for (int i = 0; i <= Yamux.FLOOD_BURST; i++) session[0].refusedOpen(NOW);
          }
        };
    session[0] = new Yamux(Yamux.Role.SERVER, refusing);
    byte[] in =
        frames().syn(1).data(1, 0, ascii("name\r\n")).syn(3).ping(Yamux.FLAG_SYN, 9).bytes();
    session[0].receive(ByteBuffer.wrap(in), NOW);
    assertEquals(
        List.of(
            "opened 1",
            "data 1 6",
            "error refused stream flood: more than 1000 at once or 33 a second"),
        refusing.events);
    assertEquals(List.of("window 1 ACK 0", "goaway 0 - 1"), Frames.describe(refusing.takeSent()));
  }

  @ParameterizedTest
  @MethodSource("feeders")
  void aSynThatWouldTakeTheGrantedWindowsOverTheBudgetIsRefusedWithReset(Feeder feeder) {
    long window = 1024 * 1024;
    Yamux a = new Yamux(Yamux.Role.SERVER, h, window, Yamux.DEFAULT_MAX_STREAMS, 3 * window);
    feeder.feed(a, frames().syn(1).syn(3).syn(5).syn(7).data(7, 0, ascii("dropped")).bytes());
    assertEquals(3, a.streamCount());
    assertEquals(3 * window, a.grantedWindows());
    assertFalse(a.canOpen(), "this side may not open past the budget either");
    List<String> sent = Frames.describe(h.takeSent());
    assertEquals("window 7 RST 0", sent.get(sent.size() - 1));
    assertFalse(h.data.containsKey(7));
    // A stream that ends gives its window back.
    feeder.feed(a, frames().window(3, Yamux.FLAG_RST, 0).syn(9).bytes());
    assertEquals(3, a.streamCount());
    assertTrue(a.isOpen(9));
    assertFalse(a.isDead());
  }

  @Test
  void theDefaultSessionHoldsAtMost64MiBOfWindows() {
    Yamux a = new Yamux(Yamux.Role.SERVER, h);
    Frames f = frames();
    for (int i = 0; i < 300; i++) f.syn(2 * i + 1);
    a.receive(ByteBuffer.wrap(f.bytes()), NOW);
    assertEquals(256, a.streamCount());
    assertEquals(64L * 1024 * 1024, a.grantedWindows());
  }

  static Stream<Object[]> openings() {
    return Stream.of(
        new Object[] {frames().ping(Yamux.FLAG_SYN, 1).bytes(), ""},
        new Object[] {frames().syn(1).bytes(), ""},
        new Object[] {frames().data(1, Yamux.FLAG_SYN, ascii("echo\r\n")).bytes(), ""},
        new Object[] {frames().syn(2).bytes(), "a SYN for stream 2, which the peer may not open"},
        new Object[] {
          frames().window(1, 0, 5).bytes(),
          "a window update frame with flags 0 before any stream was opened"
        },
        new Object[] {
          frames().window(1, Yamux.FLAG_SYN | Yamux.FLAG_RST, 0).bytes(),
          "a window update frame with flags 9 before any stream was opened"
        },
        new Object[] {frames().ping(Yamux.FLAG_ACK, 1).bytes(), "a ping with flags 2 on stream 0"},
        new Object[] {frames().goAway(0).bytes(), "a go away"},
        new Object[] {frames().header(0, 7, 0, 0, 0).bytes(), "frame type 7"},
        new Object[] {
          frames().header(0, 0, Yamux.FLAG_SYN, 1, Yamux.INITIAL_WINDOW + 1).bytes(),
          "a SYN carrying 262145 bytes"
        },
        new Object[] {ascii("GET / HTTP/1.1\r\n"), "version 71, not 0"},
        // A TLS ClientHello's record header.
        new Object[] {
          new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0}, "version 22, not 0"
        });
  }

  @ParameterizedTest
  @MethodSource("openings")
  void aReceptorTakesOnlyAPingOrASynOfThePeersParityAsAnOpening(byte[] first, String problem) {
    byte[] header = java.util.Arrays.copyOf(first, Yamux.HEADER_LENGTH);
    assertEquals(problem, Yamux.openingProblem(header, Yamux.Role.SERVER).orElse(""));
  }

  @Test
  void twoSessionsCarryStreamsBothWays() {
    Pair p = new Pair();
    int up = p.client.open();
    int down = p.server.open();
    byte[] payload = new byte[1_000_000];
    new Random(1).nextBytes(payload);
    p.sendAll(p.client, up, payload);
    p.sendAll(p.server, down, payload);
    p.client.close(up);
    p.server.close(down);
    p.pump();
    assertEquals(2, p.client.streamCount(), "each stream is still open the other way");
    p.server.close(up);
    p.client.close(down);
    p.pump();
    assertArrayEquals(payload, p.serverSide.data(up));
    assertArrayEquals(payload, p.clientSide.data(down));
    assertEquals(0, p.client.streamCount());
    assertEquals(0, p.server.streamCount());
  }

  @Test
  void aStreamWhoseReaderStallsDoesNotStallTheOthers() {
    Pair p = new Pair();
    int stalled = p.client.open();
    int flowing = p.client.open();
    p.stalled = stalled;
    byte[] payload = new byte[4_000_000];
    ByteBuffer s = ByteBuffer.wrap(payload);
    ByteBuffer f = ByteBuffer.wrap(payload);
    for (int round = 0; round < 1000 && f.hasRemaining(); round++) {
      p.client.send(stalled, s);
      p.client.send(flowing, f);
      p.pump();
    }
    assertFalse(f.hasRemaining(), "the flowing stream delivered everything");
    assertEquals(payload.length, p.serverSide.data(flowing).length);
    // The stalled one got exactly its window and no more: that is all the reader must hold.
    assertEquals(Yamux.INITIAL_WINDOW, p.serverSide.data(stalled).length);
    assertEquals(0, p.client.sendWindow(stalled));
  }

  /**
   * Two sessions wired back to back; the server side consumes everything except {@link #stalled}.
   */
  private static final class Pair {
    final RecordingYamuxHandler clientSide = new RecordingYamuxHandler();
    final RecordingYamuxHandler serverSide =
        new RecordingYamuxHandler() {
          @Override
          public void onData(int id, ByteBuffer d) {
            int n = d.remaining();
            super.onData(id, d);
            if (id != stalled) server.consumed(id, n);
          }
        };
    final Yamux client = new Yamux(Yamux.Role.CLIENT, clientSide);
    final Yamux server = new Yamux(Yamux.Role.SERVER, serverSide);
    int stalled = -1;

    Pair() {
      clientSide.consumeWith = client;
    }

    void pump() {
      for (int i = 0; i < 100; i++) {
        byte[] a = clientSide.takeSent();
        byte[] b = serverSide.takeSent();
        if (a.length == 0 && b.length == 0) return;
        Feeder.RANDOM_SPLITS.feed(server, a);
        Feeder.RANDOM_SPLITS.feed(client, b);
      }
    }

    void sendAll(Yamux y, int id, byte[] payload) {
      ByteBuffer b = ByteBuffer.wrap(payload);
      for (int i = 0; i < 10_000 && b.hasRemaining(); i++) {
        y.send(id, b);
        pump();
      }
      assertFalse(b.hasRemaining());
    }
  }
}
