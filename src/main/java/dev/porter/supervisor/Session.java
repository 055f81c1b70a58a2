package dev.porter.supervisor;

import dev.porter.net.Connection;

/**
 * porter's record of one client connection: which component serves it (a TCPMUX master hands it
 * to a subordinate), for the close log line and the control socket's connection list.
 */
final class Session {
  final Connection connection;
  volatile String component;

  Session(Connection connection, String component) {
    this.connection = connection;
    this.component = component;
  }
}
