package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.net.ProxyHeaderDecoderTest.Feeder;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one-shot reader's shell without a socket: a fake source stands for the connection (its timer,
 * its read limit, its credit), the PROXY header decoder for what is read.
 */
class OneShotReaderTest {
  static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);
  static final byte[] HEADER = ascii("PROXY TCP4 192.0.2.7 198.51.100.1 51514 443\r\n");
  static final byte[] AFTER = ascii("first bytes for the service");

  /** What the reader did to its source, and what its stages were told, in order. */
  static final class FakeSource implements OneShotReader.Source {
    final List<String> events = new ArrayList<>();
    final List<Integer> limits = new ArrayList<>();
    long consumed;
    long delayNanos = -1;
    Runnable deadline;
    boolean cancelled;

    @Override
    public OneShotReader.Cancellable schedule(long delay, Runnable task) {
      delayNanos = delay;
      deadline = task;
      return () -> cancelled = true;
    }

    @Override
    public void limitReads(int max) {
      limits.add(max);
    }

    @Override
    public void consumed(int n) {
      consumed += n;
    }

    /** The loop's timer fires (a cancelled timer never does). */
    void expire() {
      assertFalse(cancelled, "a cancelled deadline does not fire");
      deadline.run();
    }

    int lastLimit() {
      return limits.get(limits.size() - 1);
    }

    OneShotReader reader(OneShotDecoder decoder, boolean exact) {
      OneShotReader r =
          new OneShotReader(
              "test reader",
              decoder,
              exact,
              TIMEOUT,
              rest ->
                  events.add("decided, then \"" + StandardCharsets.US_ASCII.decode(rest) + "\""),
              why -> events.add("refused " + why));
      r.start(this);
      return r;
    }
  }

  @Test
  void aHeaderHandsTheBytesAfterItToTheNextStageAndCancelsTheDeadline() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    assertEquals(TIMEOUT, s.delayNanos);
    r.feed(ByteBuffer.wrap(concat(HEADER, AFTER)));
    assertEquals(List.of("decided, then \"first bytes for the service\""), s.events);
    assertTrue(s.cancelled);
    assertFalse(r.isReading());
  }

  @ParameterizedTest
  @EnumSource(Feeder.class)
  void theHeaderSplitAnyWayReachesTheSameDecisionAndLosesNoByte(Feeder feeder) {
    FakeSource s = new FakeSource();
    ByteArrayOutputStream next = new ByteArrayOutputStream();
    OneShotReader r =
        new OneShotReader(
            "test reader",
            new ProxyHeaderDecoder(),
            false,
            TIMEOUT,
            rest -> next.write(rest.array(), rest.position(), rest.remaining()),
            why -> s.events.add("refused"));
    r.start(s);
    for (byte[] part : feeder.split(concat(HEADER, AFTER))) {
      if (r.isReading()) {
        r.feed(ByteBuffer.wrap(part));
      } else {
        next.writeBytes(part); // the next stage's from now on
      }
    }
    assertEquals(List.of(), s.events);
    assertArrayEquals(AFTER, next.toByteArray());
  }

  /**
   * A socket's receive queue as porter's reads see it: each read takes at most the read limit the
   * reader set (0: all there is), and what nobody read stays for the child.
   */
  static final class Kernel {
    private final byte[] queue;
    private int taken;

    Kernel(byte[] queue) {
      this.queue = queue;
    }

    ByteBuffer read(int limit) {
      int n = limit == 0 ? queue.length - taken : Math.min(limit, queue.length - taken);
      ByteBuffer b = ByteBuffer.wrap(queue, taken, n).slice();
      taken += n;
      return b;
    }

    byte[] left() {
      byte[] rest = new byte[queue.length - taken];
      System.arraycopy(queue, taken, rest, 0, rest.length);
      return rest;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.porter.net.ProxyHeaderDecoderTest#validHeaders")
  void anExactReaderLeavesEveryByteAfterTheHeaderInTheKernel(
      String name,
      byte[] header,
      Optional<SocketAddress> source,
      Optional<SocketAddress> destination) {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), true);
    Kernel kernel = new Kernel(concat(header, AFTER));
    while (r.isReading()) r.feed(kernel.read(s.lastLimit()));
    assertEquals(List.of("decided, then \"\""), s.events);
    assertArrayEquals(AFTER, kernel.left());
    assertEquals(0, s.lastLimit(), "the next stage reads without a limit");
    assertTrue(s.limits.subList(0, s.limits.size() - 1).stream().allMatch(n -> n > 0));
  }

  @Test
  void aReaderThatIsNotExactNeverLimitsReads() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    r.feed(ByteBuffer.wrap(HEADER, 0, 10));
    r.feed(ByteBuffer.wrap(HEADER, 10, HEADER.length - 10));
    assertEquals(List.of(), s.limits);
  }

  @Test
  void theSourceIsCreditedForTheBytesTheDecoderTookAndNotForTheNextStages() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    r.feed(ByteBuffer.wrap(HEADER, 0, 7));
    r.feed(ByteBuffer.wrap(concat(HEADER, AFTER), 7, HEADER.length - 7 + AFTER.length));
    assertEquals(HEADER.length, s.consumed);
  }

  @Test
  void aSilentPeerIsRefusedAtTheDeadline() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), true);
    r.feed(ByteBuffer.wrap(HEADER, 0, 5));
    s.expire();
    assertEquals(List.of("refused TIMEOUT"), s.events);
    assertEquals(0, s.lastLimit(), "the refusal drains without a limit");
    assertFalse(r.isReading());
  }

  @Test
  void aDeadlineRunningAfterTheDecisionChangesNothing() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    r.feed(ByteBuffer.wrap(HEADER));
    s.deadline.run();
    assertEquals(List.of("decided, then \"\""), s.events);
  }

  @Test
  void invalidInputIsRefusedOnceAndTheDeadlineCancelled() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), true);
    r.feed(ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\n")));
    assertEquals(List.of("refused INVALID"), s.events);
    assertTrue(s.cancelled);
    assertEquals(0, s.lastLimit());
  }

  @Test
  void inputEndingBeforeTheHeaderIsARefusal() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    r.feed(ByteBuffer.wrap(HEADER, 0, 20));
    r.inputEnded();
    assertEquals(List.of("refused ENDED"), s.events);
    assertTrue(s.cancelled);
  }

  @Test
  void bytesReachingAReaderThatHandedOnAreABrokenInvariant() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    r.feed(ByteBuffer.wrap(HEADER));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> r.feed(ByteBuffer.wrap(AFTER)));
    assertEquals("test reader: 27 bytes arrived after it had handed the stream on", e.getMessage());
    assertThrows(IllegalStateException.class, r::inputEnded);
  }

  @Test
  void bytesReachingAReaderThatRefusedAreABrokenInvariant() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    r.feed(ByteBuffer.wrap(ascii("nonsense")));
    assertThrows(IllegalStateException.class, () -> r.feed(ByteBuffer.wrap(AFTER)));
  }

  @Test
  void closingTheSourceCancelsTheDeadline() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    r.feed(ByteBuffer.wrap(HEADER, 0, 3));
    r.closed();
    assertTrue(s.cancelled);
    assertFalse(r.isReading());
    assertEquals(List.of(), s.events);
  }

  @Test
  void aReaderStartsOnce() {
    FakeSource s = new FakeSource();
    OneShotReader r = s.reader(new ProxyHeaderDecoder(), false);
    assertThrows(IllegalStateException.class, () -> r.start(new FakeSource()));
  }

  @Test
  void anExactReaderRefusesADecoderThatNeedsMoreYetAllowsNoByte() {
    OneShotDecoder broken =
        new OneShotDecoder() {
          @Override
          public Result feed(ByteBuffer in) {
            return Result.NEED_MORE;
          }

          @Override
          public int safeReadLength() {
            return 0;
          }
        };
    // A limit of 0 means "no limit": reading on would take the child's bytes.
    assertThrows(IllegalStateException.class, () -> new FakeSource().reader(broken, true));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] concat(byte[]... parts) {
    return ProxyHeaderDecoderTest.concat(parts);
  }
}
