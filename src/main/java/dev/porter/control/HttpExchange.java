package dev.porter.control;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import dev.porter.net.LingeringClose;
import dev.porter.net.Timer;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * One connection to the metrics endpoint, one request and one reply: it reads the request head
 * under a deadline, hands it to the {@link MetricsServer} and stops reading, writes the reply in
 * bounded chunks under a second deadline, then closes lingering (FIN, drain, close). Runs on the
 * endpoint's event loop. A connection that ends any other way is one throttled log line.
 */
final class HttpExchange implements ConnectionHandler {
  /**
   * How much of a reply is handed to the connection at a time: what the kernel does not take waits
   * in one pooled buffer, so a client that does not read holds at most this much (plus the kernel's
   * socket buffer), however large the reply it asked for.
   */
  static final int WRITE_CHUNK = 16 * 1024;

  private enum State {
    HEAD,
    WAITING,
    SENDING,
    DONE
  }

  private final MetricsServer server;
  private HttpHeadDecoder decoder = new HttpHeadDecoder();
  private State state = State.HEAD;
  private Connection connection;
  private Timer deadline;
  private HttpRequestHead request;
  private ByteBuffer[] out;

  /** Why porter ended the exchange early, for the log line; empty while it did not. */
  private String why = "";

  HttpExchange(MetricsServer server) {
    this.server = server;
  }

  /** True once the connection was registered on the loop (and so will report its close). */
  boolean opened() {
    return connection != null;
  }

  /** The client's address for logs. */
  String client() {
    return connection.client();
  }

  /** The request, once its head is in. */
  HttpRequestHead request() {
    return request;
  }

  @Override
  public void onOpen(Connection c) {
    connection = c;
    c.onClose(this::closed);
    // The reply goes out as its head and then its body: Nagle's algorithm would hold the body's
    // last segment back for the client's delayed ACK of the head (40 ms on Linux).
    c.noDelay();
    deadline =
        c.loop()
            .schedule(
                MetricsServer.HEAD_TIMEOUT_NANOS,
                () ->
                    end(
                        c,
                        c.bytesIn() == 0
                            ? "no request in "
                                + MetricsServer.seconds(MetricsServer.HEAD_TIMEOUT_NANOS)
                            : "request head not complete in "
                                + MetricsServer.seconds(MetricsServer.HEAD_TIMEOUT_NANOS)));
  }

  @Override
  public void onData(Connection c, ByteBuffer data) {
    if (state != State.HEAD) {
      data.position(data.limit());
      return;
    }
    HttpHeadDecoder.Result r = decoder.feed(data);
    if (r == HttpHeadDecoder.Result.NEED_MORE) return;
    // One request per connection: what follows the head (a body, a pipelined request) is not
    // read until the lingering close drops it.
    c.suspendReads();
    data.position(data.limit());
    deadline.cancel();
    deadline =
        c.loop()
            .schedule(
                MetricsServer.REPLY_TIMEOUT_NANOS,
                () ->
                    end(
                        c,
                        state == State.WAITING
                            ? "no reply ready in "
                                + MetricsServer.seconds(MetricsServer.REPLY_TIMEOUT_NANOS)
                            : "reply not taken in "
                                + MetricsServer.seconds(MetricsServer.REPLY_TIMEOUT_NANOS)));
    if (r == HttpHeadDecoder.Result.INVALID) {
      int status = decoder.status();
      server.rejected(c.client(), status + " " + decoder.error());
      decoder = null;
      send(c, HttpReply.error(status), false);
      return;
    }
    request = decoder.head();
    decoder = null;
    state = State.WAITING;
    server.dispatch(this);
  }

  @Override
  public void onInputClosed(Connection c) {
    end(c, c.bytesIn() == 0 ? "" : "closed before the request head ended");
  }

  @Override
  public void onWritable(Connection c) {
    if (state == State.SENDING) writeMore(c);
  }

  /** The server's answer: sends it unless the connection is gone or the answer came too late. */
  void reply(HttpReply reply) {
    if (state != State.WAITING || !connection.isOpen()) return;
    send(connection, reply, request.isHead());
  }

  private void send(Connection c, HttpReply reply, boolean headOnly) {
    state = State.SENDING;
    ByteBuffer head = ByteBuffer.wrap(reply.head(ZonedDateTime.now(ZoneOffset.UTC)));
    out =
        headOnly ? new ByteBuffer[] {head} : new ByteBuffer[] {head, ByteBuffer.wrap(reply.body())};
    writeMore(c);
  }

  private void writeMore(Connection c) {
    for (ByteBuffer b : out) {
      while (b.hasRemaining()) {
        int n = Math.min(b.remaining(), WRITE_CHUNK);
        ByteBuffer chunk = b.slice(b.position(), n);
        b.position(b.position() + n);
        // false: the rest of the chunk is queued (onWritable goes on), or the connection failed.
        if (!c.write(chunk)) return;
      }
    }
    state = State.DONE;
    out = null;
    deadline.cancel();
    c.resumeReads();
    LingeringClose.start(c);
  }

  /** Closes early; {@code reason} goes to the log unless empty. */
  private void end(Connection c, String reason) {
    if (!c.isOpen()) return;
    why = reason;
    c.close();
  }

  private void closed(Connection c) {
    if (deadline != null) deadline.cancel();
    String reason = why;
    if (reason.isEmpty() && (state == State.WAITING || state == State.SENDING)) {
      reason = "client gone before the reply was sent";
    } else if (reason.isEmpty() && state == State.HEAD && c.bytesIn() > 0) {
      reason = "connection ended before the request head";
    }
    if (!reason.isEmpty()) server.broken(c.client(), reason);
    server.closed(this);
  }
}
