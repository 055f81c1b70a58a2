package dev.porter.telnet;

/**
 * A bad argument or script line given to {@link TelnetDecode}; the message is one line meant for
 * the user (the command exits with status 2, as the C telnet-oracle does).
 */
public final class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message naming the bad value. */
  public DecodeException(String message) {
    super(message);
  }
}
