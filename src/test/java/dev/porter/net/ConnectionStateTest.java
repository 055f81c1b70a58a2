package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.net.ConnectionState.Action;
import dev.porter.net.ConnectionState.Input;
import dev.porter.net.ConnectionState.Life;
import dev.porter.net.ConnectionState.Output;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectionStateTest {
  private static final boolean QUEUED = false;
  private static final boolean FLUSHED = true;

  private static void assertState(Input input, Output output, Life life, ConnectionState s) {
    assertEquals(input, s.input(), "input");
    assertEquals(output, s.output(), "output");
    assertEquals(life, s.life(), "life");
  }

  // ---- input

  @Test
  void aNewConnectionReadsAndAcceptsWrites() {
    ConnectionState s = new ConnectionState();
    assertState(Input.OPEN, Output.OPEN, Life.OPEN, s);
    assertTrue(s.isOpen());
    assertTrue(s.isReading());
    assertTrue(s.acceptsWrites());
  }

  @Test
  void suspendingHoldsReadsBackAndResumingReadsAgain() {
    ConnectionState s = new ConnectionState();
    s.suspend();
    assertEquals(Input.SUSPENDED, s.input());
    assertFalse(s.isReading());
    assertTrue(s.acceptsWrites(), "backpressure on reads leaves writing alone");
    assertTrue(s.resume());
    assertEquals(Input.OPEN, s.input());
    assertTrue(s.isReading());
  }

  @Test
  void suspendingOrResumingTwiceIsTheSameAsOnce() {
    ConnectionState s = new ConnectionState();
    assertTrue(s.resume(), "resuming an input that reads already keeps it reading");
    s.suspend();
    s.suspend();
    assertEquals(Input.SUSPENDED, s.input());
    assertTrue(s.resume());
    assertTrue(s.resume());
    assertEquals(Input.OPEN, s.input());
  }

  @Test
  void theFinEndsAnOpenInput() {
    ConnectionState s = new ConnectionState();
    s.endInput();
    assertState(Input.ENDED, Output.OPEN, Life.OPEN, s);
    assertFalse(s.isReading());
    assertTrue(s.acceptsWrites(), "half-close: the other direction flows on");
  }

  @Test
  void theFinEndsASuspendedInputTooForAReadinessReportedBeforeTheSuspension() {
    ConnectionState s = new ConnectionState();
    s.suspend();
    s.endInput();
    assertEquals(Input.ENDED, s.input());
  }

  @Test
  void onceTheInputEndedSuspendingAndResumingChangeNothing() {
    ConnectionState s = new ConnectionState();
    s.endInput();
    s.suspend();
    assertEquals(Input.ENDED, s.input());
    assertFalse(s.resume(), "an ended input is never read again");
    assertEquals(Input.ENDED, s.input());
  }

  @Test
  void aSecondFinIsABrokenInvariant() {
    ConnectionState s = new ConnectionState();
    s.endInput();
    IllegalStateException e = assertThrows(IllegalStateException.class, s::endInput);
    assertEquals("input ended twice", e.getMessage());
  }

  @Test
  void aFinOnAClosedOrDetachedConnectionIsABrokenInvariant() {
    ConnectionState closed = new ConnectionState();
    closed.close();
    assertEquals(
        "input ended after CLOSED",
        assertThrows(IllegalStateException.class, closed::endInput).getMessage());
    ConnectionState detached = new ConnectionState();
    detached.detach();
    assertEquals(
        "input ended after DETACHED",
        assertThrows(IllegalStateException.class, detached::endInput).getMessage());
    assertEquals(Input.OPEN, detached.input());
  }

  // ---- output: FIN

  @Test
  void aShutdownWithNothingQueuedSendsTheFinNow() {
    ConnectionState s = new ConnectionState();
    assertEquals(Action.SHUT_OUTPUT, s.shutdownOutput(FLUSHED));
    assertState(Input.OPEN, Output.SHUT, Life.OPEN, s);
    assertFalse(s.acceptsWrites());
    assertTrue(s.isReading(), "half-close: reading goes on after our FIN");
  }

  @Test
  void aShutdownWithBytesQueuedSendsTheFinOnceTheyDrain() {
    ConnectionState s = new ConnectionState();
    assertEquals(Action.NONE, s.shutdownOutput(QUEUED));
    assertEquals(Output.SHUT_WHEN_FLUSHED, s.output());
    assertFalse(s.acceptsWrites(), "nothing may be queued behind the FIN");
    assertEquals(Action.NONE, s.shutdownOutput(QUEUED), "asking twice changes nothing");
    assertEquals(Action.SHUT_OUTPUT, s.flushed());
    assertEquals(Output.SHUT, s.output());
  }

  @Test
  void aFinWhenTheInputHasEndedIsAClose() {
    ConnectionState now = new ConnectionState();
    now.endInput();
    assertEquals(Action.CLOSE, now.shutdownOutput(FLUSHED));
    assertEquals(Output.SHUT, now.output(), "the close sends the FIN: the output counts as shut");

    ConnectionState drained = new ConnectionState();
    drained.endInput();
    assertEquals(Action.NONE, drained.shutdownOutput(QUEUED));
    assertEquals(Action.CLOSE, drained.flushed());
    assertEquals(Output.SHUT, drained.output());
  }

  @Test
  void theInputMayEndAfterTheFinWithoutClosing() {
    ConnectionState s = new ConnectionState();
    s.shutdownOutput(FLUSHED);
    s.endInput();
    assertState(Input.ENDED, Output.SHUT, Life.OPEN, s);
  }

  @Test
  void aShutdownAfterTheFinOrWhileACloseWaitsChangesNothing() {
    ConnectionState shut = new ConnectionState();
    shut.shutdownOutput(FLUSHED);
    assertEquals(Action.NONE, shut.shutdownOutput(FLUSHED));
    assertEquals(Output.SHUT, shut.output());

    ConnectionState closing = new ConnectionState();
    closing.closeWhenFlushed(QUEUED);
    assertEquals(Action.NONE, closing.shutdownOutput(QUEUED));
    assertEquals(Output.CLOSE_WHEN_FLUSHED, closing.output());
  }

  // ---- output: close when flushed

  @Test
  void aCloseWhenFlushedWithNothingQueuedClosesNow() {
    ConnectionState s = new ConnectionState();
    assertEquals(Action.CLOSE, s.closeWhenFlushed(FLUSHED));
    assertEquals(Output.OPEN, s.output(), "no FIN was sent on its own: the output is not shut");
  }

  @Test
  void aCloseWhenFlushedWithBytesQueuedClosesOnceTheyDrain() {
    ConnectionState s = new ConnectionState();
    assertEquals(Action.NONE, s.closeWhenFlushed(QUEUED));
    assertEquals(Output.CLOSE_WHEN_FLUSHED, s.output());
    assertFalse(s.acceptsWrites());
    assertTrue(s.isReading());
    assertEquals(Action.NONE, s.closeWhenFlushed(QUEUED), "asking twice changes nothing");
    assertEquals(Action.CLOSE, s.flushed());
  }

  @Test
  void aCloseWhenFlushedTakesThePlaceOfAWaitingFin() {
    ConnectionState s = new ConnectionState();
    s.shutdownOutput(QUEUED);
    assertEquals(Action.NONE, s.closeWhenFlushed(QUEUED));
    assertEquals(Output.CLOSE_WHEN_FLUSHED, s.output());
    assertEquals(Action.CLOSE, s.flushed());
  }

  @Test
  void aCloseWhenFlushedAfterTheFinClosesNowAndTheOutputStaysShut() {
    ConnectionState s = new ConnectionState();
    s.shutdownOutput(FLUSHED);
    assertEquals(Action.CLOSE, s.closeWhenFlushed(FLUSHED));
    assertEquals(Output.SHUT, s.output());
  }

  // ---- output: the queue drained

  @Test
  void aDrainedQueueWithNothingAskedForOnlyTellsTheHandler() {
    ConnectionState s = new ConnectionState();
    assertEquals(Action.NONE, s.flushed());
    assertState(Input.OPEN, Output.OPEN, Life.OPEN, s);
  }

  @Test
  void aDrainAfterTheFinIsABrokenInvariant() {
    ConnectionState s = new ConnectionState();
    s.shutdownOutput(FLUSHED);
    assertEquals(
        "output drained after the FIN was sent",
        assertThrows(IllegalStateException.class, s::flushed).getMessage());
  }

  @Test
  void bytesQueuedBehindTheFinAreABrokenInvariant() {
    ConnectionState s = new ConnectionState();
    s.shutdownOutput(FLUSHED);
    assertThrows(IllegalStateException.class, () -> s.shutdownOutput(QUEUED));
    assertThrows(IllegalStateException.class, () -> s.closeWhenFlushed(QUEUED));
    assertEquals(Output.SHUT, s.output());
  }

  @Test
  void aDrainOnAClosedOrDetachedConnectionIsABrokenInvariant() {
    ConnectionState closed = new ConnectionState();
    closed.closeWhenFlushed(QUEUED);
    closed.close();
    assertEquals(
        "output drained after CLOSED",
        assertThrows(IllegalStateException.class, closed::flushed).getMessage());
    ConnectionState detached = new ConnectionState();
    detached.detach();
    assertThrows(IllegalStateException.class, detached::flushed);
  }

  // ---- life

  @Test
  void aConnectionClosesOnceAndOnlyOnce() {
    ConnectionState s = new ConnectionState();
    assertTrue(s.close(), "the first close closes the socket");
    assertState(Input.OPEN, Output.OPEN, Life.CLOSED, s);
    assertFalse(s.close());
    assertFalse(s.detach(), "a closed socket cannot be handed to a child");
    assertEquals(Life.CLOSED, s.life());
  }

  @Test
  void aDetachIsACloseThatHandsTheSocketOver() {
    ConnectionState s = new ConnectionState();
    assertTrue(s.detach());
    assertEquals(Life.DETACHED, s.life());
    assertFalse(s.isOpen());
    assertFalse(s.isReading());
    assertFalse(s.acceptsWrites());
    assertFalse(s.detach());
    assertFalse(s.close(), "porter's copy is the taker's to close");
    assertEquals(Life.DETACHED, s.life());
  }

  @Test
  void requestsOnAConnectionThatIsOverChangeNothingAndKeepHowItsSidesEnded() {
    for (boolean detach : new boolean[] {false, true}) {
      ConnectionState s = new ConnectionState();
      s.endInput();
      s.shutdownOutput(QUEUED);
      if (detach) s.detach();
      else s.close();
      Life life = detach ? Life.DETACHED : Life.CLOSED;
      s.suspend();
      assertFalse(s.resume());
      assertEquals(Action.NONE, s.shutdownOutput(FLUSHED));
      assertEquals(Action.NONE, s.closeWhenFlushed(FLUSHED));
      assertFalse(s.acceptsWrites());
      assertState(Input.ENDED, Output.SHUT_WHEN_FLUSHED, life, s);
    }
  }

  // ---- every path a connection can take

  /** The calls {@link Connection} makes, each under the condition in which it makes it. */
  private enum Event {
    WRITE,
    DRAIN,
    READ_FIN,
    SUSPEND,
    RESUME,
    SHUTDOWN,
    CLOSE_WHEN_FLUSHED,
    CLOSE,
    DETACH
  }

  /** A state with whether bytes are queued: what the connection's write queue adds to it. */
  private record Node(Input input, Output output, Life life, boolean queued) {}

  /** A connection reduced to its queue: replays events the way {@link Connection} drives them. */
  private static final class Model {
    final ConnectionState s = new ConnectionState();
    boolean queued;

    Node node() {
      return new Node(s.input(), s.output(), s.life(), queued);
    }

    void apply(Event e) {
      switch (e) {
        case WRITE -> queued |= s.acceptsWrites(); // a write the kernel does not take at once
        case DRAIN -> {
          // The selector reports a writable socket only while bytes are queued.
          if (!queued) return;
          queued = false;
          perform(s.flushed());
        }
        case READ_FIN -> {
          // The socket is read while open and not yet ended (suspended included: a readiness
          // reported before the suspension is served).
          if (s.isOpen() && s.input() != Input.ENDED) s.endInput();
        }
        case SUSPEND -> s.suspend();
        case RESUME -> s.resume();
        case SHUTDOWN -> perform(s.shutdownOutput(!queued));
        case CLOSE_WHEN_FLUSHED -> perform(s.closeWhenFlushed(!queued));
        case CLOSE -> close();
        case DETACH -> {
          if (s.detach()) queued = false;
        }
        default -> throw new AssertionError(e);
      }
    }

    private void perform(Action a) {
      if (a == Action.CLOSE) close();
    }

    private void close() {
      if (s.close()) queued = false;
    }
  }

  @Test
  void noPathRefusesAnEventOrBringsBackWhatEnded() {
    // Breadth-first over every reachable state, each reached by replaying the events that found it.
    Map<Node, List<Event>> paths = new HashMap<>();
    ArrayDeque<Node> todo = new ArrayDeque<>();
    Node start = new Model().node();
    paths.put(start, List.of());
    todo.add(start);
    while (!todo.isEmpty()) {
      Node from = todo.poll();
      for (Event e : Event.values()) {
        Model m = new Model();
        paths.get(from).forEach(m::apply);
        m.apply(e); // a refusal here would throw: no path of the rules reaches one
        Node to = m.node();
        String step = from + " --" + e + "--> " + to;
        if (from.input() == Input.ENDED) assertEquals(Input.ENDED, to.input(), step);
        if (from.output() == Output.SHUT) assertEquals(Output.SHUT, to.output(), step);
        if (from.output() != Output.OPEN) assertFalse(m.s.acceptsWrites(), step);
        if (from.life() != Life.OPEN) assertEquals(from, to, step);
        assertFalse(to.output() == Output.SHUT && to.queued(), step);
        assertFalse(to.life() != Life.OPEN && to.queued(), step);
        if (!paths.containsKey(to)) {
          List<Event> path = new ArrayList<>(paths.get(from));
          path.add(e);
          paths.put(to, path);
          todo.add(to);
        }
      }
    }
    // Reachable: every input and output once the life is over (they stay as they were); while
    // open, a FIN or a close waits only while bytes are queued, and none are queued after the FIN.
    Set<Node> expected = new HashSet<>();
    for (Input i : Input.values()) {
      for (Output o : Output.values()) {
        for (Life l : Life.values()) {
          for (boolean queued : new boolean[] {false, true}) {
            boolean waiting = o == Output.SHUT_WHEN_FLUSHED || o == Output.CLOSE_WHEN_FLUSHED;
            boolean open = l == Life.OPEN;
            if (open ? (queued ? o != Output.SHUT : !waiting) : !queued) {
              expected.add(new Node(i, o, l, queued));
            }
          }
        }
      }
    }
    assertEquals(expected, paths.keySet());
    assertEquals(39, expected.size(), "15 open states, 12 closed, 12 detached");
  }
}
