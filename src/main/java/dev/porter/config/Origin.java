package dev.porter.config;

/** Where a value came from: a file and a line, printed as {@code FILE:LINE}. */
public record Origin(String file, int line) {
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file;
  }
}
