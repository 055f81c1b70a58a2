package dev.porter.control;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the control socket is when nobody says. porterd run by root uses {@link #SYSTEM}; run by
 * another user it uses {@code $XDG_RUNTIME_DIR/porter/control.sock} (that user's private runtime
 * directory, as the XDG Base Directory spec intends), and has no control socket when that variable
 * is unset. {@code porter ctl} looks at {@code PORTER_CONTROL_SOCKET}, then, for a user other than
 * root, at the per-user socket when it exists, then at {@link #SYSTEM}.
 */
public final class ControlSocketPath {
  /** The system-wide socket ({@code /run} is where systemd puts runtime state). */
  public static final Path SYSTEM = Path.of("/run/porter/control.sock");

  /** The environment variable that points {@code porter ctl} elsewhere. */
  public static final String ENV = "PORTER_CONTROL_SOCKET";

  private static final String XDG_RUNTIME_DIR = "XDG_RUNTIME_DIR";

  private ControlSocketPath() {}

  /** True when this process runs as uid 0. */
  public static boolean runningAsRoot() {
    return new UnixSystem().getUid() == 0;
  }

  /** Where porterd listens when {@code control.socket} is not set. */
  public static Optional<Path> forServer(Map<String, String> env, boolean root) {
    if (root) return Optional.of(SYSTEM);
    return perUser(env);
  }

  /** Where {@code porter ctl} connects when {@code -s} is not given. */
  public static Path forClient(Map<String, String> env, boolean root) {
    String explicit = env.get(ENV);
    if (explicit != null && !explicit.isBlank()) return Path.of(stripScheme(explicit));
    if (!root) {
      Optional<Path> mine = perUser(env);
      if (mine.isPresent() && Files.exists(mine.get())) return mine.get();
    }
    return SYSTEM;
  }

  /** Accepts {@code unix:///path} as well as a plain path, as the configuration writes it. */
  public static String stripScheme(String socket) {
    return socket.startsWith("unix://") ? socket.substring("unix://".length()) : socket;
  }

  private static Optional<Path> perUser(Map<String, String> env) {
    String dir = env.get(XDG_RUNTIME_DIR);
    if (dir == null || dir.isBlank() || !dir.startsWith("/")) return Optional.empty();
    return Optional.of(Path.of(dir, "porter", "control.sock"));
  }
}
