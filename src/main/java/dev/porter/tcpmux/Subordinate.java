package dev.porter.tcpmux;

import dev.porter.acl.Acl;

/**
 * A service a TCPMUX master may hand a connection to, as the name exchange sees it: its name and
 * its own ACL layer. What serves the connection then is the master's {@link TcpmuxMaster.Handoff};
 * the supervisor builds one subordinate per component.
 */
public interface Subordinate {
  /** The name clients ask for, as configured (matched case-insensitively). */
  String service();

  /** The component's name, for logs. */
  String component();

  /** The subordinate's own ACL layer. */
  Acl acl();

  /** Counts a connection the subordinate's ACL refused (for metrics). */
  void refusedByAcl();
}
