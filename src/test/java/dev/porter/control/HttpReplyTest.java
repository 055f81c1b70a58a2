package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replies of the metrics endpoint as they go on the wire (RFC 9112 §4, RFC 9110 §6.6.1). */
class HttpReplyTest {
  static final ZonedDateTime NOW =
      ZonedDateTime.of(2026, 3, 4, 5, 6, 7, 0, ZoneId.of("Europe/Paris"));

  static String head(HttpReply r) {
    return new String(r.head(NOW), StandardCharsets.US_ASCII);
  }

  @Test
  void aReplyCarriesItsLengthAnImfFixdateInGmtAndConnectionClose() {
    HttpReply r =
        HttpReply.ok(
            "text/plain; version=0.0.4; charset=utf-8",
            "a 1\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(
        "HTTP/1.1 200 OK\r\n"
            + "Date: Wed, 04 Mar 2026 04:06:07 GMT\r\n"
            + "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            + "Content-Length: 4\r\n"
            + "Connection: close\r\n\r\n",
        head(r));
  }

  @Test
  void aRefusalSaysItsStatusInItsBodyAndCarriesItsFields() {
    HttpReply r = HttpReply.error(405, Map.of("Allow", "GET, HEAD"));
    assertEquals(
        "HTTP/1.1 405 Method Not Allowed\r\n"
            + "Date: Wed, 04 Mar 2026 04:06:07 GMT\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 23\r\n"
            + "Allow: GET, HEAD\r\n"
            + "Connection: close\r\n\r\n",
        head(r));
    assertEquals("405 Method Not Allowed\n", new String(r.body(), StandardCharsets.US_ASCII));
  }

  @Test
  void everyStatusTheDecoderCanAskForHasItsReasonPhrase() {
    assertEquals("Bad Request", HttpReply.reason(400));
    assertEquals("URI Too Long", HttpReply.reason(414));
    assertEquals("Request Header Fields Too Large", HttpReply.reason(431));
    assertEquals("HTTP Version Not Supported", HttpReply.reason(505));
    assertThrows(IllegalArgumentException.class, () -> HttpReply.reason(418));
  }
}
