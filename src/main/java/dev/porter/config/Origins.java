package dev.porter.config;

import com.typesafe.config.ConfigOrigin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Typesafe Config origins into {@link Origin}s that name files as the user wrote them, and
 * ranks files in the order they were read (the main file, its includes, then conf.d) so that
 * components and problems can be sorted by where they were declared.
 */
final class Origins {
  private static final String MERGE = "merge of ";

  private final String source;
  private final Path base;
  private final List<String> files = new ArrayList<>();

  /**
   * @param source what the user called the configuration (a path as given, or a source name)
   * @param base when the user gave a relative path, the directory to show file names relative to
   */
  private Origins(String source, Path base) {
    this.source = source;
    this.base = base;
    files.add(source);
  }

  /**
   * For a configuration read from {@code file}: absolute origins are shown as the user wrote the
   * path.
   */
  static Origins forFile(Path file) {
    Path base = file.isAbsolute() ? null : Path.of("").toAbsolutePath();
    return new Origins(file.toString(), base);
  }

  /** For a configuration parsed from a string called {@code sourceName}. */
  static Origins forText(String sourceName) {
    return new Origins(sourceName, null);
  }

  String source() {
    return source;
  }

  /**
   * Notes that {@code file} (an absolute path) is read next; files not noted rank after those
   * noted.
   */
  void noteFile(Path file) {
    String shown = show(file.toString());
    if (!files.contains(shown)) files.add(shown);
  }

  /** The position of a value; a value merged from several places gets its first declaration. */
  Origin of(ConfigOrigin o) {
    if (o == null) return new Origin(source, -1);
    String desc = o.description();
    if (desc.startsWith(MERGE)) {
      // "merge of b.conf: 2,a.conf: 3": newest first, so the last part is where it was declared.
      String[] parts = desc.substring(MERGE.length()).split(",");
      return fromDescription(parts[parts.length - 1]);
    }
    if (o.filename() != null) return new Origin(show(o.filename()), o.lineNumber());
    return fromDescription(desc);
  }

  // "FILE: 12" or "FILE: 12-15" or just "FILE".
  private Origin fromDescription(String desc) {
    int colon = desc.lastIndexOf(": ");
    if (colon > 0) {
      String lines = desc.substring(colon + 2);
      int dash = lines.indexOf('-');
      String first = dash > 0 ? lines.substring(0, dash) : lines;
      if (!first.isEmpty() && first.chars().allMatch(Character::isDigit)) {
        return new Origin(show(desc.substring(0, colon)), Integer.parseInt(first));
      }
    }
    return new Origin(show(desc), -1);
  }

  // The file was read by its absolute path, the working directory put in front of what the user
  // gave; relative includes extend that path, absolute ones do not. Taking the prefix off again
  // shows both as the user wrote them.
  private String show(String file) {
    if (base == null) return file;
    String prefix = base.toString().endsWith("/") ? base.toString() : base + "/";
    return file.startsWith(prefix) ? file.substring(prefix.length()) : file;
  }

  /**
   * The order in which {@code o}'s file was read; unknown files (includes) come right after the
   * first.
   */
  int rank(Origin o) {
    int i = files.indexOf(o.file());
    return i < 0 ? 1 : i * 2;
  }
}
