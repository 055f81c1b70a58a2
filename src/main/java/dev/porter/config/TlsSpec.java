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
 * @param key {@code key}: the private key of the chain's leaf; present exactly when chain is not empty
 * @param trusted {@code ca}: the CAs that verify the peer; empty means the JDK's default trust
 *     store for a connector and no client certificate asked for by a receptor
 * @param serverName {@code server-name}: the name the connector checks the server certificate
 *     against (default the mux.connect host)
 * @param digest SHA-256 of the files' contents: a reload restarts the link when one changes
 */
public record TlsSpec(
    List<X509Certificate> chain,
    Optional<PrivateKey> key,
    List<X509Certificate> trusted,
    Optional<String> serverName,
    String digest) {

  /** True when the peer must present a certificate signed by {@link #trusted} (receptor side). */
  public boolean mutual() {
    return !trusted.isEmpty();
  }
}
