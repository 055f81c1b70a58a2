package dev.porter.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code mux.tls} block as the grammar read it, before its files are: the PEM files it names,
 * {@code server-name} and {@code peers}. {@link TlsFiles} then reads the files into a {@link
 * TlsSpec}. Like {@link Draft}, it never leaves {@code config}.
 */
final class TlsDeclaration {
  /** What a PEM file of the block holds. */
  enum Role {
    CERT,
    KEY,
    CA
  }

  /** A PEM file the block names, with the value that named it, for FILE:LINE problems. */
  record PemFile(Role role, Path path, ConfigValue value, String key) {}

  /** The block as written. */
  final ConfigObject block;

  /** The block's full key, e.g. {@code components.link.mux.tls}. */
  final String key;

  /** {@code cert}, {@code key} and {@code ca}, in the order written. */
  final List<PemFile> files = new ArrayList<>();

  Optional<String> serverName = Optional.empty();
  List<TlsSpec.Peer> peers = List.of();

  /** False once the grammar has found something wrong in the block: no {@link TlsSpec} then. */
  boolean wellFormed = true;

  TlsDeclaration(ConfigObject block, String key) {
    this.block = block;
    this.key = key;
  }

  /** True when the statement was written (even if its value was wrong). */
  boolean has(String statement) {
    return block.containsKey(statement);
  }

  Optional<PemFile> file(Role role) {
    return files.stream().filter(f -> f.role() == role).findFirst();
  }
}
