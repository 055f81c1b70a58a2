package dev.porter.config;

import java.util.List;
import java.util.Optional;

/**
 * One inetd.conf service line that porter can express, its fields taken apart.
 *
 * @param line the line number in the file
 * @param text the line as written
 * @param host the address to listen on (an IPv6 literal without brackets); empty for all addresses
 * @param service the service name or port; for a tcpmux line, the name clients ask for
 * @param tcpmux a {@code tcpmux/NAME} or {@code tcpmux/+NAME} line: a subordinate of a TCPMUX
 *     master
 * @param tcpmuxPlus {@code tcpmux/+NAME}: porter sends the {@code +} reply, not the program
 * @param v6 protocol {@code tcp6} (or {@code tcp46})
 * @param waits {@code wait} rather than {@code nowait}
 * @param maxRate the {@code .N} of {@code wait.N}/{@code nowait.N}: spawns per minute; 0 for none
 * @param user as written before {@code :} or {@code .}
 * @param group as written after {@code :} or {@code .}
 * @param internal the server is {@code internal}: inetd (porter) serves it itself
 * @param program the server program's path; empty for internal servers
 * @param args the server's arguments, starting with argv[0] as inetd.conf writes them
 */
record InetdEntry(
    int line,
    String text,
    Optional<String> host,
    String service,
    boolean tcpmux,
    boolean tcpmuxPlus,
    boolean v6,
    boolean waits,
    int maxRate,
    String user,
    Optional<String> group,
    boolean internal,
    String program,
    List<String> args) {

  /** The line's first word, the name people know the service by. */
  String label() {
    return tcpmux ? "tcpmux/" + (tcpmuxPlus ? "+" : "") + service : service;
  }
}
