package dev.porter.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * RFC 865 quote of the day. The file holds one quote, or several in fortune(6) style separated by
 * lines holding only {@code %}, of which each connection gets one at random.
 */
public final class Qotd {
  /** RFC 865: "the quote ... should be less than 512 characters". */
  static final int MAX_QUOTE = 512;

  /** Largest file read; a quotes file is text, so anything bigger is a mistake. */
  static final int MAX_FILE = 1 << 20;

  private static final String BUILT_IN =
      "The best way to predict the future is to invent it. (Alan Kay)\n";

  private final List<byte[]> quotes;
  private final Random random = new Random();

  private Qotd(List<byte[]> quotes) {
    this.quotes = List.copyOf(quotes);
  }

  /** The quote porter serves when no {@code qotd-file} is set. */
  public static Qotd builtIn() {
    return new Qotd(List.of(toWire(BUILT_IN)));
  }

  /** Reads a quotes file (blocking: call off the event loops). */
  public static Qotd fromFile(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE)
      throw new IOException(file + " is larger than " + MAX_FILE + " bytes");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<byte[]> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.equals("%")) {
        if (!cur.toString().isBlank()) out.add(toWire(cur.toString()));
        cur.setLength(0);
      } else {
        cur.append(line).append('\n');
      }
    }
    String last = cur.toString();
    if (last.endsWith("\n\n")) last = last.substring(0, last.length() - 1);
    if (!last.isBlank()) out.add(toWire(last));
    if (out.isEmpty()) throw new IOException(file + " holds no quote");
    return new Qotd(out);
  }

  // LF becomes CRLF (NVT end of line), then the quote is cut to RFC 865's limit at a character.
  static byte[] toWire(String quote) {
    String crlf = quote.replace("\r\n", "\n").replace("\n", "\r\n");
    if (!crlf.endsWith("\r\n")) crlf += "\r\n";
    byte[] b = crlf.getBytes(StandardCharsets.UTF_8);
    if (b.length <= MAX_QUOTE) return b;
    int cut = MAX_QUOTE - 2;
    while (cut > 0 && (b[cut] & 0xc0) == 0x80) cut--;
    byte[] r = new byte[cut + 2];
    System.arraycopy(b, 0, r, 0, cut);
    r[cut] = '\r';
    r[cut + 1] = '\n';
    return r;
  }

  byte[] next() {
    if (quotes.size() == 1) return quotes.get(0);
    synchronized (random) {
      return quotes.get(random.nextInt(quotes.size()));
    }
  }

  public int size() {
    return quotes.size();
  }
}
