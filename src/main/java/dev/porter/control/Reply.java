package dev.porter.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the JSON object porter sends back: {@code {"ok":true, ...}} or {@code
 * {"ok":false,"code":CODE,"error":MESSAGE, ...}}. The codes let a client choose its exit status
 * without parsing messages.
 */
public final class Reply {
  /** The request was malformed or named an unknown command. */
  public static final String USAGE = "usage";

  /** The request named a component porter does not have. */
  public static final String UNKNOWN_COMPONENT = "unknown-component";

  /** The peer may not use the control socket. */
  public static final String DENIED = "denied";

  /** A reload found problems in the file; the running configuration stays. */
  public static final String INVALID_CONFIG = "invalid-config";

  /** porter could not do what was asked (a component without a daemon, a failed bind...). */
  public static final String FAILED = "failed";

  /** Carrying out the request threw something porter did not expect: a bug, or memory ran out. */
  public static final String INTERNAL = "internal";

  private Reply() {}

  static Map<String, Object> ok() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", true);
    return m;
  }

  static Map<String, Object> error(String code, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", false);
    m.put("code", code);
    m.put("error", message);
    return m;
  }

  static Map<String, Object> error(String code, String message, List<String> problems) {
    Map<String, Object> m = error(code, message);
    m.put("problems", List.copyOf(problems));
    return m;
  }
}
