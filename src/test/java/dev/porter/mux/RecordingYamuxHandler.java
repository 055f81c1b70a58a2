package dev.porter.mux;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Records a session's events as text and its data and output as bytes. */
class RecordingYamuxHandler implements YamuxHandler {
  final List<String> events = new ArrayList<>();
  final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  final Map<Integer, ByteArrayOutputStream> data = new HashMap<>();

  /** Set to make the handler consume data as it arrives. */
  Yamux consumeWith;

  @Override
  public void onSend(ByteBuffer bytes) {
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    sent.write(b, 0, b.length);
  }

  @Override
  public void onStreamOpened(int id) {
    events.add("opened " + id);
  }

  @Override
  public void onStreamAcknowledged(int id) {
    events.add("acknowledged " + id);
  }

  @Override
  public void onData(int id, ByteBuffer d) {
    int n = d.remaining();
    byte[] b = new byte[n];
    d.get(b);
    data.computeIfAbsent(id, k -> new ByteArrayOutputStream()).write(b, 0, n);
    // Consecutive pieces of data for one stream are one event, however the input was split.
    String last = events.isEmpty() ? "" : events.get(events.size() - 1);
    if (last.startsWith("data " + id + " ")) {
      int had = Integer.parseInt(last.substring(last.lastIndexOf(' ') + 1));
      events.set(events.size() - 1, "data " + id + " " + (had + n));
    } else {
      events.add("data " + id + " " + n);
    }
    if (consumeWith != null) consumeWith.consumed(id, n);
  }

  @Override
  public void onWindowOpened(int id, long window) {
    events.add("window " + id + " " + window);
  }

  @Override
  public void onRemoteClose(int id) {
    events.add("fin " + id);
  }

  @Override
  public void onReset(int id) {
    events.add("rst " + id);
  }

  @Override
  public void onPong(int value) {
    events.add("pong " + value);
  }

  @Override
  public void onGoAway(int code) {
    events.add("goaway " + code);
  }

  @Override
  public void onProtocolError(String message) {
    events.add("error " + message);
  }

  /** Takes what the session sent so far. */
  byte[] takeSent() {
    byte[] b = sent.toByteArray();
    sent.reset();
    return b;
  }

  byte[] data(int id) {
    ByteArrayOutputStream b = data.get(id);
    return b == null ? new byte[0] : b.toByteArray();
  }
}
