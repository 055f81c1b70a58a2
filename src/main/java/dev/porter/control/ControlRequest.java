package dev.porter.control;

import java.util.Locale;
import java.util.Optional;

/**
 * One request on the control socket: a line {@code COMMAND [NAME]} ended by LF (a CR before it is
 * dropped), words separated by spaces, the command case-insensitive.
 */
public record ControlRequest(Command command, Optional<String> name) {
  /** Longest request line: a command word and a component name fit many times over. */
  static final int MAX_LINE_BYTES = 1024;

  /** The commands, and whether each takes a component name. */
  public enum Command {
    LIST(false),
    STATUS(true),
    START(true),
    STOP(true),
    RESTART(true),
    RELOAD(false),
    SHUTDOWN(false),
    CONNECTIONS(false),
    LINKS(false);

    final boolean takesName;

    Command(boolean takesName) {
      this.takesName = takesName;
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Command> of(String word) {
      for (Command c : values())
        if (c.word().equals(word.toLowerCase(Locale.ROOT))) return Optional.of(c);
      return Optional.empty();
    }
  }

  /** Builds a request, checking that the name is there exactly when the command takes one. */
  public static ControlRequest of(String command, Optional<String> name) throws ControlException {
    Command c =
        Command.of(command)
            .orElseThrow(
                () ->
                    new ControlException(
                        "unknown command \""
                            + command
                            + "\" (expected list, status, start, stop, restart, reload, shutdown,"
                            + " connections or links)"));
    if (c.takesName && name.isEmpty())
      throw new ControlException(c.word() + " needs a component name");
    if (!c.takesName && name.isPresent())
      throw new ControlException(c.word() + " takes no argument");
    if (name.isPresent() && !name.get().chars().allMatch(ch -> ch > ' ' && ch != 127)) {
      throw new ControlException("a component name cannot contain spaces or control characters");
    }
    return new ControlRequest(c, name);
  }

  /** Parses a request line (without its LF). */
  public static ControlRequest parse(String line) throws ControlException {
    String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    String[] words = l.trim().split(" +");
    if (words.length == 0 || words[0].isEmpty()) throw new ControlException("empty request");
    if (words.length > 2) throw new ControlException("too many words in \"" + l.trim() + "\"");
    return of(words[0], words.length == 2 ? Optional.of(words[1]) : Optional.empty());
  }

  /** The request as sent on the wire, LF included. */
  public String line() {
    return command.word() + name.map(n -> " " + n).orElse("") + "\n";
  }
}
