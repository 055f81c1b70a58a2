package dev.porter.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * The util-linux commands a child is exec'ed through when it needs what posix_spawn cannot do:
 * {@code prlimit --NAME=SOFT:HARD --} for resource limits, then {@code setpriv --reuid --regid
 * --init-groups --} for credentials. Both exec the next program in place and keep descriptors.
 * prlimit comes first so that root can still raise hard limits before setpriv drops privileges.
 */
final class ExecPrefix {
  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

  private ExecPrefix() {}

  /** The full argv: the prefix, then {@code program} replacing argv[0]'s lookup, then argv[1..]. */
  static List<String> argv(SpawnRequest req, Path program) throws SpawnException {
    List<String> out = new ArrayList<>();
    if (!req.rlimits().isEmpty()) {
      out.add(tool("prlimit", "resource limits").toString());
      for (Map.Entry<String, Long> e : new TreeMap<>(req.rlimits()).entrySet()) {
        String v = e.getValue() == -1 ? "unlimited" : Long.toString(e.getValue());
        out.add("--" + e.getKey() + "=" + v + ":" + v);
      }
      out.add("--");
    }
    if (req.credentials().isPresent()) {
      out.add(tool("setpriv", "user/group").toString());
      out.addAll(setprivOptions(req.credentials().get()));
      out.add("--");
    }
    out.add(program.toString());
    out.addAll(req.argv().subList(1, req.argv().size()));
    return out;
  }

  /** True when the request needs a prefix. */
  static boolean needed(SpawnRequest req) {
    return !req.rlimits().isEmpty() || req.credentials().isPresent();
  }

  private static List<String> setprivOptions(Credentials c) throws SpawnException {
    int euid = Native.C.geteuid();
    if (euid != 0) {
      throw new SpawnException(
          "user/group need porter to run as root, but it runs as uid "
              + euid
              + " (user="
              + c.user().orElse("-")
              + " group="
              + c.group().orElse("-")
              + ")");
    }
    if (c.group().isPresent()) requireGroup(c.group().get());
    if (c.user().isEmpty()) {
      return List.of("--regid=" + c.group().get(), "--clear-groups");
    }
    String user = c.user().get();
    Passwd pw =
        user.chars().allMatch(Character::isDigit)
            ? POSIX.getpwuid(Integer.parseInt(user))
            : POSIX.getpwnam(user);
    if (pw == null) throw new SpawnException("unknown user \"" + user + "\"");
    String group = c.group().orElse(Long.toString(pw.getGID()));
    return List.of("--reuid=" + pw.getUID(), "--regid=" + group, "--init-groups");
  }

  /** Checked here so that a typo is a SpawnException now, not a child exiting 1 later. */
  private static void requireGroup(String group) throws SpawnException {
    if (group.chars().allMatch(Character::isDigit)) return;
    Group gr = POSIX.getgrnam(group);
    if (gr == null) throw new SpawnException("unknown group \"" + group + "\"");
  }

  private static Path tool(String name, String why) throws SpawnException {
    Optional<Path> p = ProgramLookup.systemTool(name);
    if (p.isEmpty()) {
      throw new SpawnException(why + " need " + name + " (util-linux), which was not found");
    }
    return p.get();
  }
}
