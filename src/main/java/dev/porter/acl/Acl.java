package dev.porter.acl;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * An ordered list of allow/deny rules evaluated first match wins; a list in which no rule matches
 * denies (GNU pies semantics).
 */
public final class Acl {
  /** What a component without an {@code acl} statement has: everyone is allowed. */
  public static final Acl ALLOW_ALL = new Acl(List.of(new Rule(true, Rule.Kind.ANY, null, null)));

  /** Nobody: what a list with no rule at all means. */
  public static final Acl DENY_ALL = new Acl(List.of());

  private final List<Rule> rules;

  private Acl(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * Parses rules of the forms {@code allow|deny any}, {@code allow|deny from ADDR[/LEN]} and {@code
   * allow|deny acl NAME}; {@code named} resolves a name to an already parsed ACL.
   */
  public static Acl parse(List<String> lines, Function<String, Optional<Acl>> named)
      throws AclException {
    List<Rule> rules = new ArrayList<>();
    for (String line : lines) rules.add(parseRule(line, named));
    return new Acl(rules);
  }

  private static Rule parseRule(String line, Function<String, Optional<Acl>> named)
      throws AclException {
    String[] w = line.trim().split("\\s+");
    if (w.length == 0 || w[0].isEmpty()) throw new AclException("empty ACL rule");
    boolean allow;
    switch (w[0].toLowerCase(Locale.ROOT)) {
      case "allow":
        allow = true;
        break;
      case "deny":
        allow = false;
        break;
      default:
        throw new AclException(
            "ACL rule must start with allow or deny, got \"" + line.trim() + "\"");
    }
    if (w.length == 2 && w[1].equalsIgnoreCase("any"))
      return new Rule(allow, Rule.Kind.ANY, null, null);
    if (w.length == 3 && w[1].equalsIgnoreCase("from")) {
      if (w[2].equalsIgnoreCase("any")) return new Rule(allow, Rule.Kind.ANY, null, null);
      return new Rule(allow, Rule.Kind.FROM, Cidr.parse(w[2]), null);
    }
    if (w.length == 3 && w[1].equalsIgnoreCase("acl")) {
      Acl ref =
          named.apply(w[2]).orElseThrow(() -> new AclException("unknown ACL \"" + w[2] + "\""));
      return new Rule(allow, Rule.Kind.ACL, null, ref);
    }
    throw new AclException(
        "cannot parse ACL rule \""
            + line.trim()
            + "\" (expected: allow|deny any, allow|deny from ADDR[/LEN], allow|deny acl NAME)");
  }

  /** True when the first matching rule allows; false when it denies or nothing matches. */
  public boolean allows(SocketAddress client) {
    for (Rule r : rules) {
      if (r.matches(client)) return r.allow;
    }
    return false;
  }

  /**
   * True when this ACL allows addresses it does not name: the first of its rules that matches an
   * address outside every {@code from} block it lists is an allow ({@code allow any}, or a block as
   * wide as a whole address family, such as {@code 0.0.0.0/0}). Such an ACL lets the world in.
   */
  public boolean allowsUnnamedAddresses() {
    for (Rule r : rules) {
      switch (r.kind) {
        case ANY:
          return r.allow;
        case FROM:
          if (r.cidr.isWholeFamily()) return r.allow;
          break;
        case ACL:
          // "allow|deny acl NAME" matches exactly the addresses NAME allows.
          if (r.ref.allowsUnnamedAddresses()) return r.allow;
          break;
        default:
          throw new AssertionError(r.kind);
      }
    }
    return false;
  }

  private static final class Rule {
    enum Kind {
      ANY,
      FROM,
      ACL
    }

    final boolean allow;
    final Kind kind;
    final Cidr cidr;
    final Acl ref;

    Rule(boolean allow, Kind kind, Cidr cidr, Acl ref) {
      this.allow = allow;
      this.kind = kind;
      this.cidr = cidr;
      this.ref = ref;
    }

    boolean matches(SocketAddress client) {
      switch (kind) {
        case ANY:
          return true;
        // A Unix-socket client has no IP address: only "any" and ACL references can match it.
        case FROM:
          return client instanceof InetSocketAddress
              && !((InetSocketAddress) client).isUnresolved()
              && cidr.contains(((InetSocketAddress) client).getAddress());
        // "allow acl NAME" matches when NAME allows the client (pies: the referenced list decides).
        case ACL:
          return ref.allows(client);
        default:
          throw new AssertionError(kind);
      }
    }
  }
}
