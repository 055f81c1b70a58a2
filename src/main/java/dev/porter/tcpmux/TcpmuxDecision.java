package dev.porter.tcpmux;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RFC 1078's decision once a client has named a service: {@code help} lists the services, an
 * unknown name is refused, a name whose subordinate's ACL refuses the client is refused, and any
 * other is served. Pure: the TCPMUX master and a mux link's exits both act on it, each sending the
 * answer its own way and logging the client as it knows it.
 */
public sealed interface TcpmuxDecision<S extends Subordinate> {
  /** RFC 1078: the reserved name that lists the services. */
  String HELP = "help";

  /**
   * Decides for {@code name}, read from the name line of {@code client} (the address every ACL
   * layer sees); {@code directory} is the master's subordinates, or the link's exits.
   */
  static <S extends Subordinate> TcpmuxDecision<S> decide(
      String name, Directory<S> directory, SocketAddress client) {
    // RFC 1078: the service name is never case sensitive, "help" included.
    if (name.equalsIgnoreCase(HELP)) {
      List<String> names = new ArrayList<>();
      for (S s : directory.all()) {
        if (s.acl().allows(client)) names.add(s.service());
      }
      return new Help<>(names);
    }
    Optional<S> found = directory.find(name);
    if (found.isEmpty()) return new Unknown<>(name);
    S s = found.get();
    return s.acl().allows(client) ? new Serve<>(s) : new Denied<>(s);
  }

  /**
   * {@code help}: the names the client may use, in declaration order. A subordinate whose ACL
   * refuses the client is not listed: the list reveals nothing the client cannot use.
   */
  record Help<S extends Subordinate>(List<String> services) implements TcpmuxDecision<S> {
    public Help {
      services = List.copyOf(services);
    }

    /** RFC 1078: one name a line, each ended by CRLF, no {@code +} or {@code -} before the list. */
    public String text() {
      StringBuilder sb = new StringBuilder();
      for (String s : services) sb.append(s).append("\r\n");
      return sb.toString();
    }
  }

  /** No subordinate has the name: {@code -unknown service}. */
  record Unknown<S extends Subordinate>(String name) implements TcpmuxDecision<S> {
    /** The reason after {@code -}. */
    public String reply() {
      return "unknown service";
    }
  }

  /** The subordinate's own ACL layer refuses the client: {@code -access denied}. */
  record Denied<S extends Subordinate>(S subordinate) implements TcpmuxDecision<S> {
    /** The reason after {@code -}. */
    public String reply() {
      return "access denied";
    }
  }

  /** The client may use the subordinate, which still applies its limits before it serves. */
  record Serve<S extends Subordinate>(S subordinate) implements TcpmuxDecision<S> {}
}
