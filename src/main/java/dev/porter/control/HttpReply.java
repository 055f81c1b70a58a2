package dev.porter.control;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 response of the metrics endpoint: a status, a content type, a body and any further
 * fields. Porter sends {@code Connection: close} with every reply and closes after it (RFC 9112
 * §9.6), so a client holds a connection for one request only. The body is shared, never copied.
 */
final class HttpReply {
  /** IMF-fixdate (RFC 9110 §5.6.7); the JDK's RFC_1123_DATE_TIME drops the day's leading zero. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

  private final int status;
  private final String contentType;
  private final byte[] body;
  private final Map<String, String> fields;

  private HttpReply(int status, String contentType, byte[] body, Map<String, String> fields) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.fields = fields;
  }

  /** A 200 with {@code body}, which the caller must not change afterwards. */
  static HttpReply ok(String contentType, byte[] body) {
    return new HttpReply(200, contentType, body, Map.of());
  }

  /** A refusal: {@code status}, its reason phrase as a one-line text body. */
  static HttpReply error(int status) {
    return error(status, Map.of());
  }

  /** A refusal with further fields, e.g. {@code Allow} for a 405 (RFC 9110 §15.5.6). */
  static HttpReply error(int status, Map<String, String> fields) {
    byte[] text = (status + " " + reason(status) + "\n").getBytes(StandardCharsets.US_ASCII);
    return new HttpReply(status, "text/plain; charset=utf-8", text, Map.copyOf(fields));
  }

  int status() {
    return status;
  }

  byte[] body() {
    return body;
  }

  /**
   * The status line and the fields, ending with the empty line. A reply to HEAD has the same fields
   * as the GET would, Content-Length included, and no body (RFC 9110 §9.3.2).
   */
  byte[] head(ZonedDateTime now) {
    StringBuilder s = new StringBuilder(160);
    s.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    s.append("Date: ")
        .append(IMF_FIXDATE.format(now.withZoneSameInstant(ZoneOffset.UTC)))
        .append("\r\n");
    s.append("Content-Type: ").append(contentType).append("\r\n");
    s.append("Content-Length: ").append(body.length).append("\r\n");
    for (Map.Entry<String, String> f : fields.entrySet()) {
      s.append(f.getKey()).append(": ").append(f.getValue()).append("\r\n");
    }
    s.append("Connection: close\r\n\r\n");
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** RFC 9110 §15's reason phrases for the statuses porter sends. */
  static String reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 400:
        return "Bad Request";
      case 404:
        return "Not Found";
      case 405:
        return "Method Not Allowed";
      case 414:
        return "URI Too Long";
      case 431:
        return "Request Header Fields Too Large";
      case 500:
        return "Internal Server Error";
      case 503:
        return "Service Unavailable";
      case 505:
        return "HTTP Version Not Supported";
      default:
        throw new IllegalArgumentException("porter sends no status " + status);
    }
  }
}
