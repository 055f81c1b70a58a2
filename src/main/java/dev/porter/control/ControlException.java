package dev.porter.control;

/** Something the control socket, its protocol or a notification channel could not do. */
public final class ControlException extends Exception {
  private static final long serialVersionUID = 1L;

  public ControlException(String message) {
    super(message);
  }
}
