package dev.porter.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Throwaway PEM files for TLS tests, made by openssl(1): two CAs ({@code ca}, {@code other-ca}), a
 * server certificate for localhost and 127.0.0.1 (RSA) and a client certificate (EC P-256, subject
 * {@code CN=client}, names far.example.org and 127.0.0.2), both signed by {@code ca}. A test
 * without openssl is skipped, saying so.
 */
public final class Certificates {
  private final Path dir;

  private Certificates(Path dir) {
    this.dir = dir;
  }

  /** Makes the files in {@code dir}; skips the calling test when openssl is not installed. */
  public static Certificates make(Path dir) throws IOException, InterruptedException {
    Assumptions.assumeTrue(
        new File("/usr/bin/openssl").canExecute() || onPath("openssl"),
        "openssl is not installed (.ci/run installs it); it makes the test certificates");
    Certificates c = new Certificates(dir);
    c.ca("ca");
    c.ca("other-ca");
    c.leaf(
        "server",
        "ca",
        List.of("-newkey", "rsa:2048"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n" + "extendedKeyUsage=serverAuth\n");
    c.leaf(
        "client",
        "ca",
        List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
        "subjectAltName=DNS:far.example.org,IP:127.0.0.2\nextendedKeyUsage=clientAuth\n");
    return c;
  }

  /** {@code NAME.pem}, the certificate; {@code NAME.key}, its PKCS#8 key. */
  public Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  private void ca(String name) throws IOException, InterruptedException {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key(name).toString(),
        "-out",
        cert(name).toString(),
        "-days",
        "2",
        "-subj",
        "/CN=porter test " + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
  }

  private void leaf(String name, String ca, List<String> keyArgs, String extensions)
      throws IOException, InterruptedException {
    Path csr = dir.resolve(name + ".csr");
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, extensions, StandardCharsets.US_ASCII);
    List<String> req = new ArrayList<>(List.of("req"));
    req.addAll(keyArgs);
    req.addAll(
        List.of(
            "-nodes",
            "-keyout",
            key(name).toString(),
            "-out",
            csr.toString(),
            "-subj",
            "/CN=" + name));
    openssl(req.toArray(new String[0]));
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        cert(ca).toString(),
        "-CAkey",
        key(ca).toString(),
        "-CAcreateserial",
        "-out",
        cert(name).toString(),
        "-days",
        "2",
        "-extfile",
        ext.toString());
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(
          "openssl "
              + String.join(" ", args)
              + " failed:\n"
              + new String(out, StandardCharsets.UTF_8));
    }
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (new File(d, program).canExecute()) return true;
    }
    return false;
  }
}
