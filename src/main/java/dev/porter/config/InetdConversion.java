package dev.porter.config;

import java.util.List;

/**
 * An inetd.conf turned into porter HOCON.
 *
 * @param hocon the configuration, commented, ready for {@link ConfigLoader#parse}
 * @param skipped the lines left out, one problem each as {@code FILE:LINE: cannot convert SERVICE:
 *     why}, in file order
 */
public record InetdConversion(String hocon, List<String> skipped) {
  public InetdConversion {
    skipped = List.copyOf(skipped);
  }
}
