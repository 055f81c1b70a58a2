package dev.porter.acl;

/**
 * A rule that cannot be parsed or a reference that cannot be resolved; the message names the value.
 */
public final class AclException extends Exception {
  public AclException(String message) {
    super(message);
  }
}
