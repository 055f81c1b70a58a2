package dev.porter.telnet;

import java.util.List;

/**
 * Receives the events of one {@link Telnet} connection, one method per libtelnet event, in
 * libtelnet's order.
 *
 * <p>Byte ranges ({@code buf, off, len}) point into buffers the codec owns or the caller passed to
 * {@link Telnet#recv}; they are valid only during the call. Copy what you keep. Events are raised
 * synchronously on the thread that called into the {@link Telnet}.
 */
public interface TelnetHandler {

  /** Received application data (TELNET_EV_DATA), with IAC escapes already removed. */
  void onData(byte[] buf, int off, int len);

  /**
   * Bytes to write to the peer (TELNET_EV_SEND): the codec's output, already escaped/compressed.
   */
  void onSend(byte[] buf, int off, int len);

  /**
   * A received IAC command other than negotiation and SB, e.g. {@link Telnet#GA} (TELNET_EV_IAC).
   */
  default void onIac(int command) {}

  /**
   * A negotiation event (TELNET_EV_WILL/WONT/DO/DONT). Without {@link Telnet#FLAG_PROXY} this is
   * the outcome of the RFC 1143 Q method, raised after any answer was sent; with it, every received
   * command is reported as is.
   *
   * @param command one of {@link Telnet#WILL}, {@link Telnet#WONT}, {@link Telnet#DO}, {@link
   *     Telnet#DONT}
   */
  default void onNegotiate(int command, int option) {}

  /** A complete received subnegotiation (TELNET_EV_SUBNEGOTIATION), IAC IAC already unescaped. */
  default void onSubnegotiation(int option, byte[] buf, int off, int len) {}

  /** MCCP2 compression started ({@code true}) or stopped ({@code false}) (TELNET_EV_COMPRESS). */
  default void onCompress(boolean enabled) {}

  /** A parsed ZMP command (TELNET_EV_ZMP): the NUL-separated arguments, command name first. */
  default void onZmp(List<byte[]> arguments) {}

  /**
   * A parsed TERMINAL-TYPE subnegotiation (TELNET_EV_TTYPE).
   *
   * @param command {@link Telnet#TTYPE_IS} or {@link Telnet#TTYPE_SEND}
   * @param name the terminal name for IS (may contain a NUL libtelnet would cut at), empty for SEND
   */
  default void onTtype(int command, byte[] name) {}

  /**
   * A parsed ENVIRON or NEW-ENVIRON subnegotiation (TELNET_EV_ENVIRON).
   *
   * @param option {@link Telnet#TELOPT_ENVIRON} or {@link Telnet#TELOPT_NEW_ENVIRON}
   * @param command {@link Telnet#ENVIRON_IS}, {@link Telnet#ENVIRON_SEND} or {@link
   *     Telnet#ENVIRON_INFO}
   */
  default void onEnviron(int option, int command, List<EnvironValue> values) {}

  /** A parsed MSSP subnegotiation (TELNET_EV_MSSP). */
  default void onMssp(List<MsspVariable> variables) {}

  /** A recoverable protocol problem (TELNET_EV_WARNING); parsing goes on. */
  default void onWarning(String message) {}

  /** A serious problem (TELNET_EV_ERROR), e.g. a corrupt compressed stream; parsing goes on. */
  default void onError(String message) {}
}
