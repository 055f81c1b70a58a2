package dev.porter.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header and rows, columns padded to their widest cell, two spaces apart. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... header) {
    this.columns = header.length;
    rows.add(header);
  }

  Table row(Object... cells) {
    if (cells.length != columns)
      throw new IllegalArgumentException("row has " + cells.length + " cells, want " + columns);
    String[] r = new String[columns];
    for (int i = 0; i < columns; i++) r[i] = String.valueOf(cells[i]);
    rows.add(r);
    return this;
  }

  /** The table, one line per row with a trailing newline each; no trailing spaces. */
  String render() {
    int[] width = new int[columns];
    for (String[] r : rows)
      for (int i = 0; i < columns; i++) width[i] = Math.max(width[i], r[i].length());
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(r[i]);
        if (i < columns - 1) line.append(" ".repeat(width[i] - r[i].length() + 2));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}
