package dev.porter.telnet;

import java.util.Optional;

/**
 * A terminal window size as carried by NAWS (RFC 1073): {@code IAC SB NAWS w1 w0 h1 h0 IAC SE}.
 *
 * @param width columns, 0..65535 (0 means unknown)
 * @param height rows, 0..65535 (0 means unknown)
 */
public record WindowSize(int width, int height) {

  /** RFC 1073: the payload is exactly two 16-bit big-endian numbers. */
  static final int NAWS_PAYLOAD_LENGTH = 4;

  /** Checks both dimensions fit NAWS's 16-bit fields. */
  public WindowSize {
    if (width < 0 || width > 0xffff) {
      throw new IllegalArgumentException("NAWS width must be 0..65535, got " + width);
    }
    if (height < 0 || height > 0xffff) {
      throw new IllegalArgumentException("NAWS height must be 0..65535, got " + height);
    }
  }

  /**
   * Reads the payload of a NAWS subnegotiation as delivered by {@link
   * TelnetHandler#onSubnegotiation}; empty if it is not exactly four bytes.
   */
  public static Optional<WindowSize> parse(byte[] buf, int off, int len) {
    if (len != NAWS_PAYLOAD_LENGTH) {
      return Optional.empty();
    }
    int w = (buf[off] & 0xff) << 8 | (buf[off + 1] & 0xff);
    int h = (buf[off + 2] & 0xff) << 8 | (buf[off + 3] & 0xff);
    return Optional.of(new WindowSize(w, h));
  }

  /** The four payload bytes, before IAC escaping. */
  byte[] payload() {
    return new byte[] {(byte) (width >> 8), (byte) width, (byte) (height >> 8), (byte) height};
  }
}
