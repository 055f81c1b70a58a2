package dev.porter.process;

/**
 * A child could not be started: the program is missing or not executable, a redirection failed, or
 * the request asks for something porter cannot do (a user without root).
 */
public final class SpawnException extends Exception {
  /** inetd/shell convention: the command was not found. */
  public static final int NOT_FOUND = 127;

  /** inetd/shell convention: found but could not be executed. */
  public static final int CANNOT_EXECUTE = 126;

  private final int errno;
  private final int exitCode;

  SpawnException(String message, int errno, int exitCode) {
    super(message);
    this.errno = errno;
    this.exitCode = exitCode;
  }

  /** The request was refused before anything ran. */
  SpawnException(String message) {
    this(message, 0, CANNOT_EXECUTE);
  }

  /** The program {@code program} could not be executed; errno says why. */
  static SpawnException cannotExecute(String program, int errno) {
    return new SpawnException(
        "cannot execute " + program + ": " + Native.strerror(errno),
        errno,
        errno == Native.ENOENT ? NOT_FOUND : CANNOT_EXECUTE);
  }

  /** The errno behind the failure, or 0 when the request itself was refused. */
  public int errno() {
    return errno;
  }

  /**
   * The exit code a shell or inetd would report for this failure, for logs: 127 when the program
   * was not found, 126 for everything else.
   */
  public int exitCode() {
    return exitCode;
  }
}
