package dev.porter.relay;

import dev.porter.config.ComponentSpec;
import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.telnet.EnvironValue;
import dev.porter.telnet.MsspVariable;
import dev.porter.telnet.OracleFormatPrinter;
import dev.porter.telnet.Telnet;
import dev.porter.telnet.TelnetHandler;
import dev.porter.telnet.TeloptTable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays TELNET between a client and a backend through two codecs in proxy mode, as libtelnet's
 * {@code telnet-proxy} does: one {@link Telnet} per connection parses what that side sends and
 * encodes what goes to it. Data is re-sent with {@link Telnet#send} (IAC escaped again), commands
 * with {@link Telnet#iac}, negotiations raw with {@link Telnet#negotiate}, subnegotiations with
 * {@link Telnet#subnegotiation}.
 *
 * <p>MCCP2, libtelnet's proxy semantics: when the server sends {@code IAC SB COMPRESS2 IAC SE}, the
 * server side starts inflating, and forwarding that subnegotiation makes the client side send the
 * same marker and compress everything after it (the codec's proxy mode). So the client gets a
 * compressed stream of its own, re-deflated by porter: every decoded byte arrives intact, the
 * compressed bytes differ. Two libtelnet limits remain: when the server ends its zlib stream, the
 * client's stays open (the client keeps inflating, which it can), and a second COMPRESS2 from the
 * server is an error that closes the pair.
 *
 * <p>MCCP2 compresses what the server sends; a client that starts compression toward the server
 * (its own {@code IAC SB COMPRESS2 IAC SE}) is closed, with one log line, unless the component says
 * {@code telnet-compress-from-client = allow} (then porter inflates it and compresses again toward
 * the server, as libtelnet's proxy does). Real MUD clients never send it: they answer the server's
 * WILL with DO, and client-to-server compression is a different option (MCCP3, 87). A stream from
 * either side that expands more than {@link #MAX_INFLATE_RATIO} to one past {@link
 * #INFLATE_RATIO_FLOOR} is a TELNET error, and closes the pair.
 *
 * <p>Flow and memory as {@link Relay}: reads land in the loop's buffer, are parsed from a
 * per-thread copy, and the re-encoded output is staged per thread and written at once; only what
 * the kernel does not take is queued, and while anything is queued for a side, porter stops reading
 * from (and parsing for) the side that feeds it. One turn of the loop parses at most one read
 * ({@link #IN_CHUNK}) of a side and inflates at most {@link #INFLATE_PER_TURN} of it; what is left
 * of the read is held by that side, its reads stop, and a task posted to the loop goes on with it
 * after the loop's other connections had their turn. So per pair porter holds at most: one read per
 * side held ({@code IN_CHUNK}), the output of one turn per side queued (twice what it parsed, a
 * read and 64 KiB inflated, were every byte an IAC: about 260 KiB), zlib's state while a stream is
 * open (about 40 KiB to inflate, 256 KiB to deflate, per side), and the {@code telnet-log} lines of
 * one turn ({@link TelnetLog}). EOF travels on as a half-close; a reset, an error, or a TELNET
 * ERROR event closes both; idle-timeout and send-timeout as for routes.
 */
public final class TelnetProxy implements ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.relay");

  /** Parse input this long at a time: the event loop's read buffer size, so a read is one recv. */
  static final int IN_CHUNK = 64 * 1024;

  /**
   * Output staged before a write: twice a read, the most a read of all IACs becomes, plus room for
   * small events; larger output (inflated MCCP2 data) is written in several pieces.
   */
  static final int OUT_STAGE = 2 * IN_CHUNK + 1024;

  /**
   * MCCP2 data inflated per turn of the loop for one side: 64 KiB, one read's worth, so that a
   * compressed read costs a turn no more than a plain one (at most 128 KiB of output either way).
   * Without it one 64 KiB read of a bomb (1000:1) was inflated, parsed and re-deflated whole: about
   * a second in which the loop served no one else.
   */
  static final int INFLATE_PER_TURN = 64 * 1024;

  /**
   * Inflated bytes a stream may make per compressed byte: 100. MUD text under MCCP2's sync flushes
   * compresses 3 to 10 times; zlib's most is about 1032 (a run of one byte), which only a bomb or
   * blank padding reaches.
   */
  static final int MAX_INFLATE_RATIO = 100;

  /**
   * Inflated bytes of a stream that are never checked against the ratio: 1 MiB, so that a short
   * stream of padding (a cleared screen, a blank map) passes; a bomb is stopped there.
   */
  static final long INFLATE_RATIO_FLOOR = 1 << 20;

  private static final byte[] IAC_IAC = {(byte) Telnet.IAC, (byte) Telnet.IAC};

  /** The per-thread buffers: a read copied out of the loop's direct buffer, and staged output. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final byte[] in = new byte[IN_CHUNK];
    // A heap buffer: the codec hands output on in many small pieces (one per IAC), and small puts
    // into a direct buffer cost several times an arraycopy (measured: 1% IAC data relayed at 330
    // MB/s staged direct, 975 MB/s staged on the heap); the socket write then copies it once,
    // whole.
    final ByteBuffer out = ByteBuffer.allocate(OUT_STAGE);
  }

  private final String component;
  private final boolean compressFromClient;
  private final Side client;
  private final Side backend;
  private final SendStall stall;
  private final Optional<TelnetLog.Session> events;
  private IdleTimeout idle = IdleTimeout.NONE;

  /** Set while a codec runs (a read being parsed), so its zlib stream is not released under it. */
  private boolean dispatching;

  private boolean released;
  private ByteBuffer stage;
  private Connection stageTarget;

  private TelnetProxy(ComponentSpec spec, Connection c, Connection b, Optional<TelnetLog> logs) {
    this.component = spec.name();
    this.compressFromClient = spec.telnetCompressFromClient();
    this.events = logs.map(l -> l.open(c.client()));
    this.client = new Side(c, "client");
    this.backend = new Side(b, "server");
    this.stall = new SendStall(component, c, b, spec.sendTimeout());
    client.telnet.acceptCompress2(compressFromClient);
    client.other = backend;
    backend.other = client;
    events.ifPresent(
        s -> {
          boolean stdout = logs.get().isStdout();
          client.printer = printer(s, stdout, "client", c.client());
          backend.printer = printer(s, stdout, "server", c.client());
        });
  }

  private static TelnetHandler printer(
      TelnetLog.Session s, boolean stdout, String side, String tag) {
    if (stdout) {
      return new TelnetProxyFormatPrinter(
          s, "[" + tag + "]", side.toUpperCase(Locale.ROOT), System.console() != null);
    }
    return new OracleFormatPrinter(s.lines(side + "> "), true, false);
  }

  /** The route joiner that runs the telnet proxy, logging events to {@code logs} if present. */
  public static Route.Joiner joiner(Optional<TelnetLog> logs) {
    return (spec, c, b, early) -> start(spec, c, b, early, logs);
  }

  /**
   * Proxies between two open connections of the same loop from now on; call on that loop. {@code
   * early} (bytes the client sent after a TCPMUX name line) is parsed as client input first.
   */
  static void start(
      ComponentSpec spec, Connection c, Connection b, ByteBuffer early, Optional<TelnetLog> logs) {
    if (c.loop() != b.loop())
      throw new IllegalArgumentException("a proxy's two connections share one loop");
    TelnetProxy p = new TelnetProxy(spec, c, b, logs);
    c.noDelay();
    c.setHandler(p);
    b.setHandler(p);
    if (!c.isOpen() || !b.isOpen()) {
      c.close();
      b.close();
      return;
    }
    p.note("CLIENT CONNECTION RECEIVED");
    p.note("SERVER CONNECTION ESTABLISHED");
    p.idle =
        IdleTimeout.start(
            c.loop(),
            spec.idleTimeout(),
            p.component,
            c.client(),
            () -> {
              c.close();
              b.close();
            });
    if (early.hasRemaining()) p.onData(c, early);
    if (!p.released) {
      p.flowControl(p.client);
      p.flowControl(p.backend);
    }
  }

  @Override
  public void onData(Connection from, ByteBuffer data) {
    Side side = side(from);
    // Reads stop while a side holds input, so nothing read can overtake it.
    if (side.held != null)
      throw new IllegalStateException("read from " + side.name + " while input is held");
    idle.activity();
    byte[] in = SCRATCH.get().in;
    int n = Math.min(data.remaining(), in.length);
    data.get(in, 0, n);
    int used = parse(side, in, 0, n);
    if (used < n || data.hasRemaining()) side.hold(in, used, n - used, data);
    afterTurn(side);
  }

  /** Goes on with what a side holds, one turn's worth, unless its output is still queued. */
  private void resume(Side side) {
    side.resumePosted = false;
    if (released || side.held == null) return;
    if (side.other.conn.pendingBytes() > 0) return; // onWritable posts this again once it drained
    int used = parse(side, side.held, side.heldOff, side.heldLen);
    side.heldOff += used;
    side.heldLen -= used;
    if (side.heldLen == 0) side.held = null;
    afterTurn(side);
  }

  /**
   * Runs one side's codec over {@code buf[off, off + len)}, at most one turn's worth; returns the
   * bytes used.
   */
  private int parse(Side side, byte[] buf, int off, int len) {
    Scratch s = SCRATCH.get();
    stage = s.out;
    dispatching = true;
    try {
      int used = side.telnet.recvBounded(buf, off, len, INFLATE_PER_TURN);
      flushStage();
      return used;
    } finally {
      dispatching = false;
      stage = null;
      stageTarget = null;
      s.out.clear();
    }
  }

  /** After a side's turn: the log lines go, and the side reads, waits, or goes on in a task. */
  private void afterTurn(Side side) {
    flushLog();
    if (!client.conn.isOpen() && !backend.conn.isOpen()) {
      release();
      return;
    }
    if (!side.conn.isOpen()) {
      side.held = null;
      return;
    }
    flowControl(side);
  }

  @Override
  public void onWritable(Connection to) {
    Side from = side(to).other;
    if (from.held != null) from.postResume();
    else if (from.conn.isOpen()) from.conn.resumeReadsNow();
  }

  @Override
  public void onInputClosed(Connection from) {
    note(from == client.conn ? "CLIENT DISCONNECTED" : "SERVER DISCONNECTED");
    flushLog();
    // Half-close: the other side gets FIN after what is queued; the opposite direction flows on.
    side(from).other.conn.shutdownOutput();
    if (from.isOutputShut()) from.close();
  }

  @Override
  public void onClosed(Connection c) {
    Connection other = side(c).other.conn;
    // As in Relay: a side that ended cleanly leaves the other to finish; a reset ends both.
    boolean clean = c.isInputClosed() && c.isOutputShut();
    if (!clean) other.close();
    if (!other.isOpen() && !dispatching) release();
  }

  /** Both sides are closed: ends the zlib streams and the event log, once. */
  private void release() {
    if (released) return;
    released = true;
    client.held = null;
    backend.held = null;
    idle.cancel();
    stall.cancel();
    client.telnet.close();
    backend.telnet.close();
    finishPrinters();
    note("BOTH CONNECTIONS CLOSED");
    events.ifPresent(TelnetLog.Session::close);
    log.debug(
        "component {}: telnet proxy {} ended: backend in={} out={}",
        component,
        client.conn.client(),
        backend.conn.bytesIn(),
        backend.conn.bytesOut());
  }

  /** Hands the lines of this read to the log writer. */
  private void flushLog() {
    if (events.isEmpty()) return;
    finishPrinters();
    events.get().flush();
  }

  // The oracle-format printer merges consecutive DATA events into one line until told the read is
  // over.
  private void finishPrinters() {
    if (client.printer instanceof OracleFormatPrinter p) p.finish();
    if (backend.printer instanceof OracleFormatPrinter p) p.finish();
  }

  /** A connection-level line, for the telnet-proxy-format (standard output) log only. */
  private void note(String what) {
    if (client.printer instanceof TelnetProxyFormatPrinter) {
      events.get().line("[" + client.conn.client() + "] " + what + "\n");
    }
  }

  /**
   * The backpressure rule: a side is read only while nothing is queued for the other side and it
   * holds nothing; what it holds goes on in a task once nothing is queued.
   */
  private void flowControl(Side side) {
    Connection from = side.conn;
    boolean queued = side.other.conn.pendingBytes() > 0;
    if (queued) stall.queued();
    if (side.held != null) {
      from.suspendReads();
      if (!queued) side.postResume();
    } else if (queued) {
      from.suspendReads();
    } else {
      from.resumeReads();
    }
  }

  /**
   * Closes both connections from inside a codec's callback, after writing out what was staged: what
   * the peer sent before the offence still reaches the other side (as far as the kernel takes it).
   */
  private void closeParsing() {
    if (stage != null) flushStage();
    client.conn.close();
    backend.conn.close();
  }

  private Side side(Connection c) {
    return c == client.conn ? client : backend;
  }

  /**
   * Stages bytes for {@code to}; output for another connection, or a full stage, goes out first.
   */
  private void output(Connection to, byte[] buf, int off, int len) {
    ByteBuffer o = stage;
    if (o == null) { // not inside a read (cannot happen in proxy mode): write at once
      to.write(ByteBuffer.wrap(buf, off, len));
      return;
    }
    if (to != stageTarget || len > o.remaining()) {
      flushStage();
      stageTarget = to;
    }
    if (len > o.remaining()) {
      to.write(ByteBuffer.wrap(buf, off, len));
      return;
    }
    o.put(buf, off, len);
  }

  private void flushStage() {
    ByteBuffer o = stage;
    if (o.position() == 0) return;
    o.flip();
    stageTarget.write(o); // what the kernel does not take is copied into the connection's queue
    o.clear();
  }

  /**
   * One connection of the pair with its codec: {@code telnet} parses what {@code conn} sends, and
   * its SEND events are bytes for {@code conn}. Each event is forwarded through the other side's
   * codec, as telnet-proxy's event handler does.
   */
  private final class Side implements TelnetHandler {
    final Connection conn;
    final String name;
    final Telnet telnet;
    Side other;
    TelnetHandler printer;

    /** No zlib stream was ever started on this side, so DATA for it may bypass its codec. */
    boolean plain = true;

    /**
     * Input read from {@code conn} and not parsed yet ({@code heldLen} bytes from {@code heldOff}),
     * or null.
     */
    byte[] held;

    int heldOff;
    int heldLen;
    boolean resumePosted;

    Side(Connection conn, String name) {
      this.conn = conn;
      this.name = name;
      this.telnet = new Telnet(TeloptTable.rejectAll(), this, Telnet.FLAG_PROXY);
      telnet.limitInflateRatio(MAX_INFLATE_RATIO, INFLATE_RATIO_FLOOR);
    }

    /**
     * Keeps the unparsed rest of a read: {@code buf[off, off + len)}, then what is left in {@code
     * more}.
     */
    void hold(byte[] buf, int off, int len, ByteBuffer more) {
      byte[] h = new byte[len + more.remaining()];
      System.arraycopy(buf, off, h, 0, len);
      more.get(h, len, more.remaining());
      held = h;
      heldOff = 0;
      heldLen = h.length;
    }

    void postResume() {
      if (resumePosted) return;
      resumePosted = true;
      conn.loop().execute(() -> resume(this));
    }

    @Override
    public void onData(byte[] buf, int off, int len) {
      if (printer != null) printer.onData(buf, off, len);
      if (other.plain) {
        // The fast path, byte for byte what other.telnet.send would emit without scanning again:
        // in proxy mode a DATA event is a run without IAC, or the one 0xFF of an IAC IAC pair.
        if (len == 1 && buf[off] == (byte) Telnet.IAC) output(other.conn, IAC_IAC, 0, 2);
        else output(other.conn, buf, off, len);
        return;
      }
      other.telnet.send(buf, off, len);
    }

    @Override
    public void onSend(byte[] buf, int off, int len) {
      output(conn, buf, off, len);
    }

    @Override
    public void onIac(int command) {
      if (printer != null) printer.onIac(command);
      other.telnet.iac(command);
    }

    @Override
    public void onNegotiate(int command, int option) {
      if (printer != null) printer.onNegotiate(command, option);
      other.telnet.negotiate(command, option);
    }

    @Override
    public void onSubnegotiation(int option, byte[] buf, int off, int len) {
      if (printer != null) printer.onSubnegotiation(option, buf, off, len);
      if (option == Telnet.TELOPT_COMPRESS2 && this == client && !compressFromClient) {
        // The codec refuses it too (an ERROR follows): what comes next is compressed, for no one.
        log.info(
            "component {}: client {} started compression toward the server (COMPRESS2), which MCCP2"
                + " does not define; closing (telnet-compress-from-client = deny)",
            component,
            conn.client());
        closeParsing();
        return;
      }
      other.telnet.subnegotiation(option, buf, off, len);
    }

    @Override
    public void onCompress(boolean enabled) {
      if (printer != null) printer.onCompress(enabled);
      plain =
          false; // this codec has a zlib stream (either way): its output goes through it from now
      // on
    }

    @Override
    public void onZmp(List<byte[]> arguments) {
      if (printer != null) printer.onZmp(arguments);
    }

    @Override
    public void onTtype(int command, byte[] name) {
      if (printer != null) printer.onTtype(command, name);
    }

    @Override
    public void onEnviron(int option, int command, List<EnvironValue> values) {
      if (printer != null) printer.onEnviron(option, command, values);
    }

    @Override
    public void onMssp(List<MsspVariable> variables) {
      if (printer != null) printer.onMssp(variables);
    }

    @Override
    public void onWarning(String message) {
      if (printer != null) printer.onWarning(message);
      log.debug(
          "component {}: telnet warning from {} of {}: {}",
          component,
          name,
          client.conn.client(),
          message);
    }

    @Override
    public void onError(String message) {
      if (printer != null) printer.onError(message);
      if (!client.conn.isOpen() && !backend.conn.isOpen())
        return; // the pair ended already, and said why
      // telnet-proxy exits on an ERROR event; porter ends just this pair.
      log.info(
          "component {}: telnet error from {} of {}: {}; closing",
          component,
          name,
          client.conn.client(),
          message);
      closeParsing();
    }
  }
}
