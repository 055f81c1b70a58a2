package dev.porter.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files (RFC 7468) as the JDK reads them: X.509 certificates ({@code CERTIFICATE} blocks) and
 * unencrypted PKCS#8 private keys ({@code PRIVATE KEY}, RSA or EC). Every failure is a {@link
 * PemException} whose message names the file and what is wrong with it.
 */
public final class Pem {
  /**
   * Larger than any certificate bundle in practice (Mozilla's whole CA bundle is about 220 KiB).
   */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  // RFC 7468 §2: the label between BEGIN and END; text outside the blocks is explanatory and
  // ignored.
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** Thrown when a PEM file cannot be read or does not hold what it should. */
  public static final class PemException extends Exception {
    private static final long serialVersionUID = 1L;

    PemException(String message) {
      super(message);
    }
  }

  private Pem() {}

  /** The certificates of {@code file}, in order (a chain: the leaf first); at least one. */
  public static List<X509Certificate> certificates(Path file) throws PemException {
    List<byte[]> ders = blocks(file, "CERTIFICATE");
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (byte[] der : ders)
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
    } catch (CertificateException e) {
      throw new PemException(file + ": not a valid X.509 certificate: " + e.getMessage());
    }
    return out;
  }

  /** The one private key of {@code file}: PKCS#8, RSA or EC, unencrypted. */
  public static PrivateKey privateKey(Path file) throws PemException {
    String text = read(file);
    if (text.contains("-----BEGIN RSA PRIVATE KEY-----")
        || text.contains("-----BEGIN EC PRIVATE KEY-----")
        || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new PemException(
          file
              + ": the key must be unencrypted PKCS#8 (\"BEGIN PRIVATE KEY\"); convert it with"
              + " openssl pkcs8 -topk8 -nocrypt -in "
              + file);
    }
    List<byte[]> ders = blocks(file, text, "PRIVATE KEY");
    if (ders.size() != 1)
      throw new PemException(file + ": holds " + ders.size() + " private keys, expected one");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(ders.get(0));
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new PemException(file + ": not an RSA or EC private key in PKCS#8 form");
  }

  /**
   * True when {@code key} is the private half of {@code pub}: a signature made with one checks with
   * the other.
   */
  public static boolean belongTogether(PrivateKey key, java.security.PublicKey pub) {
    if (!key.getAlgorithm().equals(pub.getAlgorithm())) return false;
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] probe = "porter key check".getBytes(StandardCharsets.US_ASCII);
    try {
      java.security.Signature sign = java.security.Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] sig = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(algorithm);
      verify.initVerify(pub);
      verify.update(probe);
      return verify.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static List<byte[]> blocks(Path file, String label) throws PemException {
    return blocks(file, read(file), label);
  }

  private static List<byte[]> blocks(Path file, String text, String label) throws PemException {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (!m.group(1).equals(label)) continue;
      try {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      } catch (IllegalArgumentException e) {
        throw new PemException(file + ": a " + label + " block is not valid base64");
      }
    }
    if (out.isEmpty()) throw new PemException(file + ": no \"BEGIN " + label + "\" block in it");
    return out;
  }

  private static String read(Path file) throws PemException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new PemException(
            file
                + ": "
                + size
                + " bytes is too large for a PEM file (at most "
                + MAX_FILE_BYTES
                + ")");
      }
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new PemException("cannot read " + file + ": " + reason(e));
    }
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
