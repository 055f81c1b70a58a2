package dev.porter.mux;

import dev.porter.config.TlsSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A link's TLS configuration turned into the JDK's terms: an {@link SSLContext} built from the PEM
 * material of {@code mux.tls} (key store and trust store in memory), and engines for either end.
 */
public final class TlsSettings {
  /** TLS 1.3 preferred; 1.2 still accepted (RFC 8996 retired 1.0 and 1.1). */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** The key store entry's password: the store never leaves memory, the JDK API wants one. */
  private static final char[] IN_MEMORY = "porter".toCharArray();

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

  /** X.509 GeneralName tags (RFC 5280 §4.2.1.6) as the JDK reports subjectAltName entries. */
  private static final int SAN_DNS = 2;

  private static final int SAN_IP = 7;

  private final SSLContext context;
  private final TlsSpec spec;

  private TlsSettings(SSLContext context, TlsSpec spec) {
    this.context = context;
    this.spec = spec;
  }

  /**
   * Builds the context; fails only on material the config checks let through (a key that fits no
   * JDK provider).
   */
  public static TlsSettings of(TlsSpec spec) {
    try {
      KeyManager[] keys = null;
      if (spec.key().isPresent()) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
            "link", spec.key().get(), IN_MEMORY, spec.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, IN_MEMORY);
        keys = kmf.getKeyManagers();
      }
      TrustManager[] trust = null; // the JDK's default trust store
      if (!spec.trusted().isEmpty()) {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        List<X509Certificate> cas = spec.trusted();
        for (int i = 0; i < cas.size(); i++) ts.setCertificateEntry("ca-" + i, cas.get(i));
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        trust = tmf.getTrustManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return new TlsSettings(ctx, spec);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * The connector's engine: verifies the server's certificate against {@code server-name} or {@code
   * host}.
   */
  SSLEngine clientEngine(String host, int port) {
    String name = spec.serverName().orElse(host);
    SSLEngine e = context.createSSLEngine(name, port);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    p.setProtocols(PROTOCOLS);
    // RFC 6125 name checks, as for HTTPS: a DNS name or IP address in the subjectAltName.
    p.setEndpointIdentificationAlgorithm("HTTPS");
    if (!IP_LITERAL.matcher(name).matches()) p.setServerNames(List.of(new SNIHostName(name)));
    e.setSSLParameters(p);
    return e;
  }

  /**
   * The receptor's engine: asks for a client certificate signed by {@code ca} when one is given.
   */
  SSLEngine serverEngine() {
    SSLEngine e = context.createSSLEngine();
    e.setUseClientMode(false);
    SSLParameters p = e.getSSLParameters();
    p.setProtocols(PROTOCOLS);
    p.setNeedClientAuth(spec.mutual());
    e.setSSLParameters(p);
    return e;
  }

  Optional<String> serverName() {
    return spec.serverName();
  }

  /**
   * Why a receptor refuses the client certificate {@code cert} after the handshake, or empty when
   * it takes it: with {@code mux.tls.peers}, the certificate must hold one of those names.
   */
  Optional<String> peerRefusal(Optional<X509Certificate> cert) {
    List<TlsSpec.Peer> peers = spec.peers();
    if (peers.isEmpty()) return Optional.empty();
    if (cert.isEmpty()) return Optional.of("it showed no certificate");
    X509Certificate c = cert.get();
    for (TlsSpec.Peer p : peers) if (holds(c, p)) return Optional.empty();
    return Optional.of(
        "its certificate \"" + c.getSubjectX500Principal().getName() + "\" holds none of " + peers);
  }

  private static boolean holds(X509Certificate c, TlsSpec.Peer p) {
    if (p.kind() == TlsSpec.Peer.Kind.CN) {
      try {
        for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")
              && String.valueOf(rdn.getValue()).equalsIgnoreCase(p.name())) {
            return true;
          }
        }
      } catch (InvalidNameException e) {
        return false; // a subject the JDK printed and cannot read back holds no name porter can
        // match
      }
      return false;
    }
    Collection<List<?>> sans;
    try {
      sans = c.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans == null) return false;
    int tag = p.kind() == TlsSpec.Peer.Kind.DNS ? SAN_DNS : SAN_IP;
    for (List<?> san : sans) {
      if (san.size() < 2 || !(san.get(0) instanceof Integer) || (Integer) san.get(0) != tag)
        continue;
      String value = String.valueOf(san.get(1));
      if (tag == SAN_DNS
          ? value.toLowerCase(Locale.ROOT).equals(p.name().toLowerCase(Locale.ROOT))
          : sameAddress(value, p.name())) {
        return true;
      }
    }
    return false;
  }

  // Both are IP literals (the configuration checks its own; the JDK prints the certificate's), so
  // no lookup.
  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
