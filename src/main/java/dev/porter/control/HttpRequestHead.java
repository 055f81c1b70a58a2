package dev.porter.control;

/**
 * The parts of one HTTP/1.x request head that the metrics endpoint acts on: the request line (RFC
 * 9112 §3). The fields are checked by {@link HttpHeadDecoder}; the target is opaque ASCII.
 */
record HttpRequestHead(String method, String target, int minorVersion) {
  /**
   * The path the target names, without its query: origin-form {@code /metrics?x} gives {@code
   * /metrics}; absolute-form {@code http://host:9465/metrics}, which a server must accept (RFC 9112
   * §3.2.2), gives the same. Asterisk- and authority-form come back unchanged.
   */
  String path() {
    String t = target;
    int scheme = t.indexOf("://");
    if (scheme > 0 && t.charAt(0) != '/') {
      int end = scheme + 3; // the authority ends at the path, the query or the end
      while (end < t.length() && t.charAt(end) != '/' && t.charAt(end) != '?') end++;
      t = end == t.length() || t.charAt(end) == '?' ? "/" : t.substring(end);
    }
    int query = t.indexOf('?');
    return query < 0 ? t : t.substring(0, query);
  }

  boolean isHead() {
    return method.equals("HEAD");
  }
}
