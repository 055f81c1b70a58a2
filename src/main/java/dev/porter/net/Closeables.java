package dev.porter.net;

import java.io.Closeable;
import java.io.IOException;

/** Closing what porter is done with, where a failure to close changes nothing. */
public final class Closeables {
  private Closeables() {}

  /**
   * Closes {@code c}, ignoring an {@link IOException}: on Linux close(2) releases the descriptor
   * even when it reports an error (close(2), NOTES), so there is nothing to retry and nothing
   * leaks; whoever is at the other end of a socket sees the close either way.
   */
  public static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // released all the same: see above
    }
  }
}
