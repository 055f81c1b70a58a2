package dev.porter.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" hints: the nearest candidate by edit distance, offered only when it is close. */
final class Suggest {
  private Suggest() {}

  /** {@code " (did you mean \"x\"?)"}, or {@code ""} when no candidate is close enough. */
  static String didYouMean(String input, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String in = input.toLowerCase(Locale.ROOT);
    for (String c : candidates) {
      int d = distance(in, c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    if (best == null || bestDistance > threshold(input.length())) return "";
    return " (did you mean \"" + best + "\"?)";
  }

  // Short words tolerate one slip, longer ones a few; beyond that a suggestion is a guess.
  private static int threshold(int length) {
    if (length <= 3) return 1;
    if (length <= 6) return 2;
    return 3;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
