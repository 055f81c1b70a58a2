package dev.porter.supervisor;

import dev.porter.net.Connection;
import dev.porter.net.LingeringClose;
import dev.porter.tcpmux.TcpmuxMaster;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One connection on its way into the component that serves it: which component, whether a TCPMUX
 * master (or a mux stream's name exchange) answered for it, and the record porter keeps of it. It
 * knows how to refuse: through a master, or at a master's own port, with RFC 1078's {@code -reason}
 * line; otherwise with a plain close.
 */
final class Arrival {
  private final Connection connection;
  private final Serving serving;
  private final boolean throughMaster;
  private final Optional<OpenConnection> record;

  private Arrival(
      Connection connection,
      Serving serving,
      boolean throughMaster,
      Optional<OpenConnection> record) {
    this.connection = connection;
    this.serving = serving;
    this.throughMaster = throughMaster;
    this.record = record;
  }

  /** A connection accepted on {@code s}'s own socket. */
  static Arrival accepted(Connection c, Serving s) {
    return new Arrival(c, s, false, Optional.empty());
  }

  /** A bridged mux stream for exit {@code s}: the stream's name exchange is TCPMUX's. */
  static Arrival stream(Connection c, Serving s) {
    return new Arrival(c, s, true, Optional.empty());
  }

  /** The same connection, handed by its master to subordinate {@code s}. */
  Arrival handedTo(Serving s) {
    return new Arrival(connection, s, true, record);
  }

  /** The same arrival, now recorded as an open connection. */
  Arrival recorded(OpenConnection r) {
    return new Arrival(connection, serving, throughMaster, Optional.of(r));
  }

  Connection connection() {
    return connection;
  }

  Serving serving() {
    return serving;
  }

  /** True when a master answered for the connection: a subordinate's {@code +} may be due. */
  boolean throughMaster() {
    return throughMaster;
  }

  Optional<OpenConnection> record() {
    return record;
  }

  /**
   * Refuses with {@code reason}: {@code -reason} where the client speaks TCPMUX, a close otherwise.
   */
  void refuse(String reason) {
    if (speaksTcpmux()) TcpmuxMaster.refuse(connection, reason);
    else connection.close();
  }

  /**
   * Refuses for a limit: {@code max-instances-message} (or the limit's own words through a master)
   * is sent, and the connection closed without losing it.
   */
  void refuse(Limit limit) {
    Optional<String> message = serving.spec().maxInstancesMessage();
    if (throughMaster) {
      TcpmuxMaster.refuse(connection, message.orElse(limit.reply()));
      return;
    }
    message.ifPresent(
        m ->
            connection.write((m.endsWith("\n") ? m : m + "\r\n").getBytes(StandardCharsets.UTF_8)));
    LingeringClose.start(connection);
  }

  // A master's own client speaks TCPMUX from its first byte, as does one a master handed on.
  private boolean speaksTcpmux() {
    return throughMaster || serving.spec().isTcpmuxMaster();
  }
}
