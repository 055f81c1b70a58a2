package dev.porter.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every telnet-oracle case, whole, must print exactly what libtelnet (target semantics) printed.
 */
class GoldenCasesTest {

  @TestFactory
  Stream<DynamicTest> everyCasePrintsExactlyWhatLibtelnetPrinted() {
    List<OracleCases.Case> cases = OracleCases.all();
    assertEquals(364, cases.size(), "number of golden cases");
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.toString(),
                    () ->
                        assertEquals(
                            new String(c.expected(), StandardCharsets.ISO_8859_1),
                            OracleCases.decode(c.args(), c.input()))));
  }
}
