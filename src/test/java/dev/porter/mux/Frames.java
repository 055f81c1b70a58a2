package dev.porter.mux;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Builds yamux frames for tests, and reads frames back as text. */
final class Frames {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Frames frames() {
    return new Frames();
  }

  Frames header(int version, int type, int flags, int id, int length) {
    ByteBuffer b = ByteBuffer.allocate(Yamux.HEADER_LENGTH);
    b.put((byte) version).put((byte) type).putShort((short) flags).putInt(id).putInt(length);
    out.write(b.array(), 0, b.capacity());
    return this;
  }

  Frames data(int id, int flags, byte[] payload) {
    header(0, Yamux.TYPE_DATA, flags, id, payload.length);
    out.write(payload, 0, payload.length);
    return this;
  }

  Frames window(int id, int flags, int delta) {
    return header(0, Yamux.TYPE_WINDOW_UPDATE, flags, id, delta);
  }

  Frames syn(int id) {
    return window(id, Yamux.FLAG_SYN, 0);
  }

  Frames ping(int flags, int value) {
    return header(0, Yamux.TYPE_PING, flags, 0, value);
  }

  Frames goAway(int code) {
    return header(0, Yamux.TYPE_GO_AWAY, 0, 0, code);
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** Decodes frames into lines like {@code window 1 SYN 0} or {@code data 1 - 5}. */
  static List<String> describe(byte[] bytes) {
    List<String> lines = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    String[] types = {"data", "window", "ping", "goaway"};
    while (b.remaining() >= Yamux.HEADER_LENGTH) {
      b.get();
      int type = b.get() & 0xff;
      int flags = b.getShort() & 0xffff;
      int id = b.getInt();
      long length = b.getInt() & 0xFFFF_FFFFL;
      StringBuilder f = new StringBuilder();
      String[] names = {"SYN", "ACK", "FIN", "RST"};
      for (int i = 0; i < 4; i++)
        if ((flags & (1 << i)) != 0) f.append(f.length() == 0 ? "" : "|").append(names[i]);
      lines.add(types[type] + " " + id + " " + (f.length() == 0 ? "-" : f) + " " + length);
      if (type == Yamux.TYPE_DATA) b.position(b.position() + (int) length);
    }
    if (b.hasRemaining()) lines.add("partial " + b.remaining());
    return lines;
  }
}
