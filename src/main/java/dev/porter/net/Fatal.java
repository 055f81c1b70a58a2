package dev.porter.net;

import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What porter does when one of its threads cannot go on. The rule, the same for every thread: an
 * {@link Exception} fails only the task or connection that threw it (one log line, resources
 * released, the thread goes on); an {@link Error} (out of memory, a stack overflow, a broken
 * invariant of porter's own) means the process can no longer be trusted, and so does the death of a
 * thread porter cannot run without (an event loop, the supervisor, the reaper). Those are reported
 * here, once, and the command line's handler logs one line and exits with {@link #EXIT_CODE} so
 * that the process's supervisor (systemd: {@code Restart=on-failure}) starts a fresh porter: never
 * a porter that is half alive, its ports listening with nobody accepting.
 */
public final class Fatal {
  private static final Logger log = LoggerFactory.getLogger("dev.porter");

  /**
   * The exit code after a fatal failure: the same as the JVM's {@code -XX:+ExitOnOutOfMemoryError}.
   */
  public static final int EXIT_CODE = 3;

  private static volatile BiConsumer<String, Throwable> handler = Fatal::logOnly;

  private Fatal() {}

  /**
   * Sets what a fatal failure does ({@code cli} exits; tests record). The handler gets the name of
   * the thread or part that failed and why; it may be called from any thread. Returns the handler
   * it replaces.
   */
  public static BiConsumer<String, Throwable> onFatal(BiConsumer<String, Throwable> h) {
    BiConsumer<String, Throwable> before = handler;
    handler = h;
    Thread.setDefaultUncaughtExceptionHandler(Fatal::uncaught);
    return before;
  }

  /** Reports a failure porter cannot continue after: {@code where} names the thread or part. */
  public static void report(String where, Throwable why) {
    try {
      handler.accept(where, why);
    } catch (Throwable t) {
      // Reporting must not fail its caller; the handler of the command line exits before this.
    }
  }

  /**
   * True for a throwable that ends porter rather than one task: anything that is not an Exception.
   */
  public static boolean isFatal(Throwable t) {
    return !(t instanceof Exception);
  }

  /**
   * Makes {@code t} a thread porter cannot run without: if it ever dies of an uncaught throwable,
   * even an Exception, that is fatal.
   */
  public static Thread essential(Thread t) {
    t.setUncaughtExceptionHandler((thread, e) -> report("thread " + thread.getName() + " died", e));
    return t;
  }

  /**
   * Threads that are not essential (pool workers, which their pool replaces) that die of an
   * uncaught Exception cost only their task: one line. An Error is fatal wherever it happens.
   */
  private static void uncaught(Thread t, Throwable e) {
    if (isFatal(e)) {
      report("thread " + t.getName(), e);
    } else {
      log.error("thread {}: task failed: {}", t.getName(), describe(e));
      log.debug("thread {}: task failed", t.getName(), e);
    }
  }

  /**
   * One line for a throwable: its class and message, and where in porter it was thrown, which is
   * what a bug report needs; the whole stack goes to the debug log.
   */
  public static String describe(Throwable t) {
    StringBuilder b = new StringBuilder(t.toString());
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("dev.porter.")) {
        b.append(" (at ").append(e).append(')');
        break;
      }
    }
    return b.toString();
  }

  private static void logOnly(String where, Throwable why) {
    log.error("porter: {} failed: {}; porter cannot go on", where, describe(why));
  }
}
