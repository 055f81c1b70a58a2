package dev.porter.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** RFC 867 daytime: the date and time as text, in the ctime(3) layout inetd has always used. */
final class Daytime {
  // ctime: "Sun Nov 22 01:51:14 2026" (day of month padded with a space).
  private static final DateTimeFormatter CTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

  private Daytime() {}

  static byte[] answer(Clock clock) {
    String text = ZonedDateTime.now(clock).format(CTIME) + "\r\n";
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
