package dev.porter.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Records porter's log lines during a test so that tests can assert what was logged. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  public LogCapture() {
    setContext(root.getLoggerContext());
    start();
    root.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent e) {
    // As the log prints it (logback.xml's %safemsg): control characters escaped.
    lines.add(dev.porter.cli.EscapedMessage.escape(e.getFormattedMessage()));
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public boolean contains(String fragment) {
    return lines.stream().anyMatch(l -> l.contains(fragment));
  }

  /** Waits (bounded) for a line containing every fragment. */
  public String awaitLine(String... fragments) {
    String[] found = new String[1];
    Await.until(
        () -> "a log line with " + List.of(fragments) + " in " + lines,
        Duration.ofSeconds(10),
        () -> {
          for (String l : lines) {
            boolean all = true;
            for (String f : fragments) all &= l.contains(f);
            if (all) {
              found[0] = l;
              return true;
            }
          }
          return false;
        });
    return found[0];
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
