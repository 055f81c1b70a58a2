package dev.porter.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes converted inetd.conf components as commented HOCON: a header, then in file order each
 * component under its original line(s), and each line left out with the reason.
 */
final class InetdRenderer {
  private static final String INDENT = "  ";
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

  private record Item(int line, int rank, String text) {}

  private InetdRenderer() {}

  static String render(
      String source, List<InetdComponent> components, List<InetdParser.Skipped> skipped) {
    List<Item> items = new ArrayList<>();
    for (InetdComponent c : components)
      items.add(new Item(c.sortLine(), c.isImplicitMaster() ? 0 : 1, component(c)));
    for (InetdParser.Skipped s : skipped) items.add(new Item(s.line(), 1, skippedLine(s)));
    items.sort(Comparator.comparingInt(Item::line).thenComparingInt(Item::rank));

    StringBuilder out = new StringBuilder();
    out.append("# porter configuration converted from ")
        .append(oneLine(source))
        .append(" (inetd.conf syntax)\n");
    out.append("# by `porter convert inetd`.\n");
    out.append("#\n");
    out.append(
        "# Each component follows its inetd.conf line, shown as a comment. A \"root\" user is"
            + " not\n");
    out.append(
        "# repeated: programs run as porter's own user, which is root when porter runs as inetd"
            + " does.\n");
    if (!skipped.isEmpty()) {
      out.append("# ")
          .append(skipped.size())
          .append(skipped.size() == 1 ? " line" : " lines")
          .append(" could not be converted; each is shown with the reason and left out.\n");
    }
    out.append("# Check it with: porter check -c FILE\n");
    out.append("\ncomponents {\n");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) out.append('\n');
      out.append(items.get(i).text());
    }
    out.append("}\n");
    return out.toString();
  }

  private static String component(InetdComponent c) {
    StringBuilder b = new StringBuilder();
    if (c.isImplicitMaster()) {
      comment(b, "The TCPMUX master (RFC 1078) that inetd runs for the tcpmux/ lines.");
    }
    for (InetdEntry e : c.lines()) comment(b, "line " + e.line() + ": " + e.text());
    for (String n : c.notes()) comment(b, n);
    InetdEntry e = c.first();
    List<String> notes = new ArrayList<>();
    List<String> body = new ArrayList<>();
    if (!c.isMaster()) body.add("mode = inetd");
    if (c.master().isPresent()) {
      body.add("tcpmux-master = " + key(c.master().get()));
      body.add("service = " + quote(e.service()));
    } else {
      body.add("socket = " + quote(c.socketUrl()));
    }
    if (c.builtin().isPresent()) {
      body.add("builtin = " + c.builtin().get().configName());
      if (!c.isImplicitMaster() && (!e.user().equals("root") || e.group().isPresent())) {
        notes.add(
            "user "
                + e.user()
                + e.group().map(g -> ":" + g).orElse("")
                + " is not used: porter serves built-in services itself");
      }
    } else {
      List<String> argv = new ArrayList<>();
      argv.add(e.program());
      if (e.args().size() > 1) argv.addAll(e.args().subList(1, e.args().size()));
      body.add("command = " + list(argv));
      if (!e.args().isEmpty()) {
        String argv0 = e.args().get(0);
        String base = e.program().substring(e.program().lastIndexOf('/') + 1);
        if (!argv0.equals(e.program()) && !argv0.equals(base)) {
          notes.add(
              "argv[0] \""
                  + argv0
                  + "\" is not passed on: porter gives a program its own path as argv[0]");
        }
      }
    }
    List<String> flags = new ArrayList<>();
    if (e.waits()) flags.add("wait");
    if (c.master().isPresent()) flags.add(e.tcpmuxPlus() ? "tcpmuxplus" : "tcpmux");
    if (!flags.isEmpty()) body.add("flags = [ " + String.join(", ", flags) + " ]");
    if (e.maxRate() > 0)
      body.add(
          "max-rate = "
              + e.maxRate()
              + "   # spawns per minute ("
              + e.text().split("\\s+")[3]
              + ")");
    if (c.builtin().isEmpty()) {
      if (!e.user().equals("root")) body.add("user = " + quote(e.user()));
      e.group().ifPresent(g -> body.add("group = " + quote(g)));
    }
    for (String n : notes) comment(b, n);
    b.append(INDENT).append(key(c.name())).append(" {\n");
    for (String s : body) b.append(INDENT).append(INDENT).append(s).append('\n');
    b.append(INDENT).append("}\n");
    return b.toString();
  }

  private static String skippedLine(InetdParser.Skipped s) {
    StringBuilder b = new StringBuilder();
    comment(b, "line " + s.line() + ": " + s.text());
    comment(b, "not converted: " + s.reason());
    return b.toString();
  }

  private static void comment(StringBuilder b, String text) {
    b.append(INDENT).append("# ").append(oneLine(text)).append('\n');
  }

  private static String oneLine(String s) {
    return s.replaceAll(
        "[\\x00-\\x08\\x0a-\\x1f\\x7f]", "?"); // tabs stay: they align like the original
  }

  static String key(String name) {
    return PLAIN_KEY.matcher(name).matches() ? name : quote(name);
  }

  private static String list(List<String> items) {
    List<String> q = new ArrayList<>();
    for (String s : items) q.add(quote(s));
    return "[ " + String.join(", ", q) + " ]";
  }

  /** A HOCON quoted string (JSON escapes): no substitution, no comment, no splitting. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (ch < 0x20 || ch == 0x7f) b.append(String.format("\\u%04x", (int) ch));
          else b.append(ch);
      }
    }
    return b.append('"').toString();
  }
}
