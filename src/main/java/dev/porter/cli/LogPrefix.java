package dev.porter.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The start of each log line: {@code <N>} (sd-daemon(3) priority) when stderr goes to the journal,
 * otherwise a local timestamp and the level for a person reading a terminal.
 */
public final class LogPrefix extends ClassicConverter {
  private static final boolean JOURNAL = System.getenv("JOURNAL_STREAM") != null;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Override
  public String convert(ILoggingEvent e) {
    if (JOURNAL) return "<" + priority(e.getLevel()) + ">";
    return TIME.format(Instant.ofEpochMilli(e.getTimeStamp())) + " " + label(e.getLevel()) + " ";
  }

  static int priority(Level l) {
    switch (l.toInt()) {
      case Level.ERROR_INT:
        return 3;
      case Level.WARN_INT:
        return 4;
      case Level.INFO_INT:
        return 6;
      default:
        return 7;
    }
  }

  private static String label(Level l) {
    switch (l.toInt()) {
      case Level.ERROR_INT:
        return "error:";
      case Level.WARN_INT:
        return "warning:";
      case Level.INFO_INT:
        return "info:";
      default:
        return "debug:";
    }
  }
}
