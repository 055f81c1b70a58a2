package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesCompactlyKeepingMemberOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", true);
    m.put("n", 42L);
    m.put("list", List.of("a", 1, Json.NULL));
    m.put("x", 1.5);
    assertEquals("{\"ok\":true,\"n\":42,\"list\":[\"a\",1,null],\"x\":1.5}", Json.write(m));
  }

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", Json.write("a\"b\\c\nd\u0001"));
  }

  @Test
  void readsBackWhatItWrites() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", "tab\there \"quoted\" é");
    m.put("nested", List.of(Map.of("k", -7L), List.of()));
    m.put("f", false);
    assertEquals(m, Json.parse(Json.write(m)));
  }

  @Test
  void readsEscapesNumbersAndWhiteSpace() throws Exception {
    Object v = Json.parse(" { \"a\" : [ 1 , -2.5e1 , \"\\u00e9\\/\" , null ] } ");
    assertEquals(Map.of("a", List.of(1L, -25.0, "é/", Json.NULL)), v);
  }

  @Test
  void rejectsMalformedDocumentsWithThePlace() {
    for (String bad :
        List.of("", "{", "{\"a\" 1}", "[1,]", "\"open", "tru", "{} x", "[\"\u0001\"]")) {
      ControlException e = assertThrows(ControlException.class, () -> Json.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
    }
  }

  @Test
  void rejectsNestingDeeperThanTheLimit() {
    String deep = "[".repeat(100) + "]".repeat(100);
    assertThrows(ControlException.class, () -> Json.parse(deep));
  }
}
