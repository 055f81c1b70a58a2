package dev.porter.process;

import java.util.Optional;

/**
 * The user and/or group a child runs as. Applied by exec'ing through util-linux {@code setpriv},
 * since posix_spawn cannot change ids; needs porter to run as root.
 */
public record Credentials(Optional<String> user, Optional<String> group) {
  public Credentials {
    if (user.isEmpty() && group.isEmpty()) {
      throw new IllegalArgumentException("credentials need a user or a group, got neither");
    }
    user.ifPresent(u -> requireName("user", u));
    group.ifPresent(g -> requireName("group", g));
  }

  public static Credentials user(String user) {
    return new Credentials(Optional.of(user), Optional.empty());
  }

  private static void requireName(String what, String name) {
    if (name.isEmpty() || name.startsWith("-") || name.contains(",") || name.contains("\0")) {
      throw new IllegalArgumentException(what + " is not a valid name: \"" + name + "\"");
    }
  }
}
