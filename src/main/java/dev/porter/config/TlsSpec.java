package dev.porter.config;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * TLS on a mux link ({@code mux.tls}), with its PEM files already read and checked.
 *
 * @param chain {@code cert}: this end's certificate chain, leaf first; empty for a connector
 *     without a client certificate
 * @param key {@code key}: the private key of the chain's leaf; present exactly when chain is not
 *     empty
 * @param trusted {@code ca}: the CAs that verify the peer; empty means the JDK's default trust
 *     store for a connector and no client certificate asked for by a receptor
 * @param serverName {@code server-name}: the name the connector checks the server certificate
 *     against (default the mux.connect host)
 * @param digest SHA-256 of the files' contents: a reload restarts the link when one changes
 * @param peers {@code peers} (receptor with {@code ca} only): the client certificate must hold one
 *     of these names; empty means any certificate {@code ca} signed will do
 */
public record TlsSpec(
    List<X509Certificate> chain,
    Optional<PrivateKey> key,
    List<X509Certificate> trusted,
    Optional<String> serverName,
    String digest,
    List<Peer> peers) {

  /** True when the peer must present a certificate signed by {@link #trusted} (receptor side). */
  public boolean mutual() {
    return !trusted.isEmpty();
  }

  /**
   * One name of {@code mux.tls.peers}, written as OpenSSL writes subjectAltNames and subjects:
   * {@code DNS:far.example.org}, {@code IP:192.0.2.7} (a subjectAltName entry) or {@code CN=far}
   * (the subject's common name). Matched case-insensitively, IP addresses as addresses.
   */
  public record Peer(Kind kind, String name) {
    /** Where in the certificate the name is looked for. */
    public enum Kind {
      DNS,
      IP,
      CN
    }

    @Override
    public String toString() {
      return kind == Kind.CN ? "CN=" + name : kind + ":" + name;
    }
  }
}
