/**
 * The TELNET codec: a sans-I/O protocol engine with libtelnet's semantics and an idiomatic Java
 * API. It imports nothing from the rest of porter and nothing outside the JDK, so it can be used on
 * its own.
 *
 * <p>{@link dev.porter.telnet.Telnet} holds one connection's state. Received bytes go in through
 * {@link dev.porter.telnet.Telnet#recv}; the send methods ({@code iac}, {@code negotiate}, {@code
 * send}, {@code sendText}, {@code beginSb}/{@code finishSb}, {@code subnegotiation}, {@code
 * beginCompress2}, ZMP, TERMINAL-TYPE, NEW-ENVIRON and NAWS helpers) produce output; every result,
 * outgoing bytes included, comes back as a call on a {@link dev.porter.telnet.TelnetHandler}, in
 * exactly libtelnet's order. Options are accepted per a {@link dev.porter.telnet.TeloptTable}
 * through the RFC 1143 Q method.
 *
 * <p>Behaviour is pinned to libtelnet by golden tests: the telnet-oracle cases (libtelnet's own
 * recorded output; upstream master 5f5ecee semantics where it differs from Debian's 0.21) must
 * print byte for byte the same through {@link dev.porter.telnet.OracleFormatPrinter}, whole, one
 * byte at a time and at random splits. {@link dev.porter.telnet.TelnetDecode} is the same runner
 * behind {@code porter telnet decode}. These two, the printer and the runner, are the only classes
 * here that do I/O (on streams they are given); the codec itself does none.
 *
 * <p>Limits: a subnegotiation keeps at most 16 KiB ({@code SB_LIMIT}, libtelnet's largest buffer;
 * beyond it a warning, the SB is dropped and the rest is data); MCCP2 input is inflated and parsed
 * 1 KiB at a time, so a decompression bomb never needs more memory than that. The time a bomb takes
 * is bounded by opt-in settings libtelnet does not have: {@link
 * dev.porter.telnet.Telnet#recvBounded} (at most so much inflated per call, the rest of the input
 * handed back), {@link dev.porter.telnet.Telnet#limitInflateRatio} (a stream expanding past a ratio
 * is an error) and {@link dev.porter.telnet.Telnet#acceptCompress2} (refuse the peer's COMPRESS2
 * start).
 */
package dev.porter.telnet;
