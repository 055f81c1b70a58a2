package dev.porter.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** Payloads and checksums for relay tests: random bytes out, SHA-256 of what came in. */
final class Streams {
  private Streams() {}

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) {
    return HexFormat.of().formatHex(digest().digest(b));
  }

  /** Reads {@code in} to EOF on a thread of its own; completes with the SHA-256 and the count. */
  static CompletableFuture<String> digestToEof(InputStream in) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                MessageDigest d = digest();
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                  d.update(buf, 0, n);
                  total += n;
                }
                f.complete(HexFormat.of().formatHex(d.digest()) + " (" + total + " bytes)");
              } catch (IOException e) {
                f.completeExceptionally(e);
              }
            },
            "test-digest");
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** Writes {@code payload} in uneven chunks on a thread of its own, then runs {@code after}. */
  static CompletableFuture<Void> writeThen(OutputStream out, byte[] payload, IoAction after) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                Random r = new Random(payload.length);
                int off = 0;
                while (off < payload.length) {
                  int n = Math.min(payload.length - off, 1 + r.nextInt(100_000));
                  out.write(payload, off, n);
                  off += n;
                }
                out.flush();
                after.run();
                f.complete(null);
              } catch (IOException e) {
                f.completeExceptionally(e);
              }
            },
            "test-writer");
    t.setDaemon(true);
    t.start();
    return f;
  }

  static String expected(byte[] payload) {
    return sha256(payload) + " (" + payload.length + " bytes)";
  }

  /** An I/O step run after writing, e.g. a half-close. */
  interface IoAction {
    void run() throws IOException;
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
