package dev.porter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The step after the grammar that reads the PEM files a {@code mux.tls} block names and checks that
 * they fit together, so that a missing or broken file is a configuration error with its line rather
 * than a link that never comes up. Problems name the statement that named the file.
 */
final class TlsFiles {
  private TlsFiles() {}

  /** Sets {@code d.muxTls} from {@code d.muxTlsDeclared} when every file reads and fits. */
  static void read(Draft d, Values values) {
    TlsDeclaration t = d.muxTlsDeclared;
    if (t == null) return;
    boolean ok = t.wellFormed;
    MessageDigest digest = sha256();
    List<X509Certificate> chain = List.of();
    Optional<PrivateKey> privateKey = Optional.empty();
    List<X509Certificate> trusted = List.of();
    for (TlsDeclaration.PemFile f : t.files) {
      try {
        switch (f.role()) {
          case CERT:
            chain = Pem.certificates(f.path());
            break;
          case KEY:
            privateKey = Optional.of(Pem.privateKey(f.path()));
            break;
          case CA:
            trusted = Pem.certificates(f.path());
            break;
          default:
            throw new AssertionError(f.role());
        }
        digest.update(Files.readAllBytes(f.path()));
      } catch (Pem.PemException e) {
        values.problem(f.value(), f.key(), e.getMessage());
        ok = false;
      } catch (IOException e) {
        values.problem(f.value(), f.key(), "cannot read " + f.path() + ": " + e.getMessage());
        ok = false;
      }
    }
    if (ok && privateKey.isPresent()) ok = keyFits(t, privateKey.get(), chain.get(0), values);
    if (!ok) return;
    d.muxTls =
        new TlsSpec(
            List.copyOf(chain),
            privateKey,
            List.copyOf(trusted),
            t.serverName,
            HexFormat.of().formatHex(digest.digest()),
            t.peers);
  }

  private static boolean keyFits(
      TlsDeclaration t, PrivateKey key, X509Certificate leaf, Values values) {
    TlsDeclaration.PemFile f = t.file(TlsDeclaration.Role.KEY).orElseThrow();
    String certificates = leaf.getPublicKey().getAlgorithm();
    if (!certificates.equals(key.getAlgorithm())) {
      values.problem(
          f.value(),
          f.key(),
          "the key is " + key.getAlgorithm() + " but the certificate's is " + certificates);
      return false;
    }
    if (!Pem.belongTogether(key, leaf.getPublicKey())) {
      values.problem(
          f.value(), f.key(), "the key does not belong to the first certificate of cert");
      return false;
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
