package dev.porter.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.config.Builtin;
import dev.porter.config.Flag;
import dev.porter.config.Mode;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The man pages render without a warning, and porter.conf(5) documents every statement. */
class ManPagesIT {
  private static final Path MAN = Packages.BASE.resolve("man");

  @ParameterizedTest
  @ValueSource(strings = {"porterd.8", "porterctl.8", "porter.conf.5"})
  void mandocFindsNothingToSay(String page) throws Exception {
    Tool.Result r =
        Tool.require("mandoc", "mandoc")
            .run("-T", "lint", "-W", "style", MAN.resolve(page).toString());
    assertEquals("", r.output(), "mandoc -T lint " + page);
    assertEquals(0, r.exitCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"porterd.8", "porterctl.8", "porter.conf.5"})
  void groffRendersWithoutWarnings(String page) throws Exception {
    Tool.Result r =
        Tool.require("groff", "groff").run("-ww", "-z", "-man", MAN.resolve(page).toString());
    assertEquals("", r.output(), "groff -ww -z -man " + page);
    assertEquals(0, r.exitCode());
  }

  /**
   * Every statement the configuration reader knows is the head of an entry (.TP) in porter.conf(5):
   * a statement added to porter fails this test until it is documented. The lists are read from the
   * reader itself (package-private constants, hence reflection) so that they cannot drift.
   */
  @Test
  void porterConfDocumentsEveryStatementFlagModeAndBuiltin() throws Exception {
    String roff = Files.readString(MAN.resolve("porter.conf.5")).replace("\\-", "-");
    Set<String> heads = entryHeads(roff);
    List<String> missing = new ArrayList<>();
    for (String key : constant("ModelBuilder", "GLOBAL_KEYS"))
      if (!heads.contains(key)) missing.add("global " + key);
    for (String key : constant("ComponentReader", "KEYS"))
      if (!heads.contains(key)) missing.add("statement " + key);
    for (Flag f : Flag.values())
      if (!heads.contains(f.configName())) missing.add("flag " + f.configName());
    for (Mode m : Mode.values())
      if (!heads.contains(m.configName())) missing.add("mode " + m.configName());
    for (Builtin b : Builtin.values())
      if (!heads.contains(b.configName())) missing.add("builtin " + b.configName());
    // Sub-statements are named in their statement's entry.
    for (String group : List.of("ENV_KEYS", "MUX_KEYS", "LIMITS")) {
      for (String key : constant("ComponentReader", group)) {
        if (!Pattern.compile("\\b" + Pattern.quote(key) + "\\b").matcher(roff).find())
          missing.add(group + " " + key);
      }
    }
    assertEquals(List.of(), missing, "not documented in man/porter.conf.5");
  }

  // The first word of each line after .TP or .TQ, without font macros and quotes: "control.socket"
  // counts as "control" too.
  private static Set<String> entryHeads(String roff) {
    Set<String> heads = new HashSet<>();
    Matcher m =
        Pattern.compile("^\\.T[PQ]\\n(?:\\.[A-Z]{1,2} )?\"?([a-z][a-z0-9.-]*)", Pattern.MULTILINE)
            .matcher(roff);
    while (m.find()) {
      heads.add(m.group(1));
      heads.add(m.group(1).split("\\.")[0]);
    }
    return heads;
  }

  @SuppressWarnings("unchecked")
  private static List<String> constant(String className, String field) throws Exception {
    Field f = Class.forName("dev.porter.config." + className).getDeclaredField(field);
    f.setAccessible(true);
    return (List<String>) f.get(null);
  }
}
