package dev.porter.tcpmux;

import dev.porter.acl.Acl;
import dev.porter.net.Connection;
import java.nio.ByteBuffer;

/** A service a TCPMUX master may hand a connection to; the supervisor builds one per component. */
public interface Subordinate {
  /** The name clients ask for, as configured (matched case-insensitively). */
  String service();

  /** The component's name, for logs. */
  String component();

  /** The subordinate's own ACL layer. */
  Acl acl();

  /**
   * Admits the connection under the component's limits; when a limit refuses, the subordinate
   * answers {@code -reason} itself (see {@link TcpmuxMaster#refuse}) and returns false. An
   * admitted connection's slot is released when it closes.
   */
  boolean admit(Connection c);

  /** Counts a connection the subordinate's ACL refused (for metrics). */
  void refusedByAcl();

  /**
   * Serves an admitted connection. {@code leftover} holds what the client sent after the name
   * line. The subordinate sends {@code +} itself (tcpmuxplus) or lets its server do it (tcpmux).
   */
  void serve(Connection c, ByteBuffer leftover);
}
