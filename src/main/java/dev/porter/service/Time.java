package dev.porter.service;

import java.time.Clock;

/** RFC 868 time: seconds since 1900-01-01T00:00Z as a 32-bit big-endian number. */
final class Time {
  /** Seconds from 1900-01-01 to the Unix epoch 1970-01-01 (RFC 868's table: 2,208,988,800). */
  static final long EPOCH_OFFSET = 2_208_988_800L;

  private Time() {}

  static byte[] answer(Clock clock) {
    // The count wraps modulo 2^32 in 2036, as RFC 868's 32-bit field does.
    long t = (clock.millis() / 1000 + EPOCH_OFFSET) & 0xffff_ffffL;
    return new byte[] {(byte) (t >>> 24), (byte) (t >>> 16), (byte) (t >>> 8), (byte) t};
  }
}
