package dev.porter.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads pies' {@code return-code CODES { action = ...; exec = ... }} in HOCON form: an object whose
 * keys are exit codes separated by spaces or commas (numbers 0-255 or sysexits names such as {@code
 * EX_TEMPFAIL}) and whose values say what to do:
 *
 * <pre>
 * return-code {
 *   "1 2"       { action = restart }
 *   EX_TEMPFAIL { action = restart, exec = "/usr/bin/logger -t porter tempfail" }
 *   "78"        { action = disable }
 * }
 * </pre>
 */
final class ReturnCodes {
  private ReturnCodes() {}

  static final List<String> KEYS = List.of("action", "exec");

  // sysexits.h, as pies accepts them.
  private static final Map<String, Integer> SYSEXITS =
      Map.ofEntries(
          Map.entry("EX_OK", 0),
          Map.entry("EX_USAGE", 64),
          Map.entry("EX_DATAERR", 65),
          Map.entry("EX_NOINPUT", 66),
          Map.entry("EX_NOUSER", 67),
          Map.entry("EX_NOHOST", 68),
          Map.entry("EX_UNAVAILABLE", 69),
          Map.entry("EX_SOFTWARE", 70),
          Map.entry("EX_OSERR", 71),
          Map.entry("EX_OSFILE", 72),
          Map.entry("EX_CANTCREAT", 73),
          Map.entry("EX_IOERR", 74),
          Map.entry("EX_TEMPFAIL", 75),
          Map.entry("EX_PROTOCOL", 76),
          Map.entry("EX_NOPERM", 77),
          Map.entry("EX_CONFIG", 78));

  private static final Map<String, ReturnCodeAction.Action> ACTIONS =
      Map.of(
          "disable", ReturnCodeAction.Action.DISABLE, "restart", ReturnCodeAction.Action.RESTART);

  static Optional<List<ReturnCodeAction>> read(ConfigValue v, String key, Values values) {
    Optional<ConfigObject> obj = values.object(v, key);
    if (obj.isEmpty()) return Optional.empty();
    List<ReturnCodeAction> out = new ArrayList<>();
    Map<Integer, String> seen = new HashMap<>();
    boolean ok = true;
    for (String codesText : values.sortedKeys(obj.get())) {
      ConfigValue entry = obj.get().get(codesText);
      String entryKey = key + ".\"" + codesText + "\"";
      Optional<Set<Integer>> codes = codes(codesText, entry, entryKey, values);
      Optional<ConfigObject> body = values.object(entry, entryKey);
      if (codes.isEmpty() || body.isEmpty()) {
        ok = false;
        continue;
      }
      for (int c : codes.get()) {
        String prev = seen.putIfAbsent(c, codesText);
        if (prev != null) {
          values.problem(
              entry, entryKey, "exit code " + c + " already has an action (in \"" + prev + "\")");
          ok = false;
        }
      }
      values.rejectUnknownKeys(body.get(), entryKey + ".", KEYS);
      Optional<ReturnCodeAction.Action> action = Optional.empty();
      Optional<String> exec = Optional.empty();
      if (body.get().containsKey("action")) {
        action = values.choice(body.get().get("action"), entryKey + ".action", "action", ACTIONS);
        ok &= action.isPresent();
      }
      if (body.get().containsKey("exec")) {
        exec = values.string(body.get().get("exec"), entryKey + ".exec");
        if (exec.isPresent() && exec.get().isBlank()) {
          values.problem(body.get().get("exec"), entryKey + ".exec", "must not be empty");
          ok = false;
        }
      }
      if (!body.get().containsKey("action")
          && !body.get().containsKey("exec")
          && body.get().isEmpty()) {
        values.problem(
            entry, entryKey, "says nothing to do: give action (disable or restart) and/or exec");
        ok = false;
      }
      out.add(new ReturnCodeAction(Collections.unmodifiableSet(codes.get()), action, exec));
    }
    return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
  }

  private static Optional<Set<Integer>> codes(
      String text, ConfigValue at, String key, Values values) {
    Set<Integer> codes = new TreeSet<>();
    String[] words = text.trim().split("[\\s,]+");
    if (text.isBlank()) {
      values.problem(at, key, "no exit codes given");
      return Optional.empty();
    }
    for (String w : words) {
      Integer sys = SYSEXITS.get(w.toUpperCase(Locale.ROOT));
      if (sys != null) {
        codes.add(sys);
        continue;
      }
      int c;
      try {
        c = Integer.parseInt(w);
      } catch (NumberFormatException e) {
        values.problem(
            at,
            key,
            "not an exit code: \""
                + w
                + "\" (a number 0-255 or a name such as EX_TEMPFAIL)"
                + Suggest.didYouMean(w.toUpperCase(Locale.ROOT), SYSEXITS.keySet()));
        return Optional.empty();
      }
      if (c < 0 || c > 255) {
        values.problem(at, key, "exit codes are 0-255, got " + c);
        return Optional.empty();
      }
      codes.add(c);
    }
    return Optional.of(codes);
  }
}
