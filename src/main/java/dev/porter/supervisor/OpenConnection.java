package dev.porter.supervisor;

import dev.porter.net.Connection;

/**
 * porter's record of one client connection it serves: which component serves it (a TCPMUX master
 * hands it to a subordinate, so it changes once), for the close log line, the control socket's
 * connection list and the shutdown's drain.
 */
final class OpenConnection {
  final Connection connection;

  /** Set by the connection's loop; read by the control socket and the metrics. */
  volatile Serving serving;

  OpenConnection(Connection connection, Serving serving) {
    this.connection = connection;
    this.serving = serving;
  }

  String component() {
    return serving.name();
  }
}
