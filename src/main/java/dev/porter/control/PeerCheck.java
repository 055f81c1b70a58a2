package dev.porter.control;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * Decides who may use the control socket, from the peer's credentials ({@code SO_PEERCRED},
 * unix(7)): root, porter's own user, and members of the socket file's group (by primary group or by
 * the group's member list in the group database). The file's mode (0660) already keeps others out;
 * this check holds even when the mode was loosened.
 */
final class PeerCheck {
  private final Path socket;

  PeerCheck(Path socket) {
    this.socket = socket;
  }

  /** Loaded by {@link #load}: jnr-posix takes a while to start on a busy host. */
  private static final class Native {
    static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    static final long OWN_UID = POSIX.geteuid();
  }

  /**
   * Loads the native library now; call it off the selector thread at start, so that the first
   * peer's check (on the selector thread, which waits for the class to load) does not wait long.
   */
  static void load() {
    if (Native.OWN_UID < 0) throw new IllegalStateException("geteuid failed");
  }

  /** Empty when the peer may go on, else why not (for the reply and the log). */
  Optional<String> refusal(SocketChannel peer) throws IOException {
    UnixDomainPrincipal p = peer.getOption(ExtendedSocketOptions.SO_PEERCRED);
    String user = p.user().getName();
    long uid = uidOf(user);
    if (uid == 0 || uid == Native.OWN_UID) return Optional.empty();
    long socketGid =
        ((Number) Files.getAttribute(socket, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
    if (gidOf(p.group().getName()) == socketGid) return Optional.empty();
    Group g = Native.POSIX.getgrgid((int) socketGid);
    if (g != null && g.getMembers() != null && Arrays.asList(g.getMembers()).contains(user)) {
      return Optional.empty();
    }
    String groupName = g == null ? Long.toString(socketGid) : g.getName();
    return Optional.of(
        "user " + user + " (uid " + uid + ") is neither root nor a member of group " + groupName);
  }

  // The JDK names a principal by its uid in decimal when the user database has no entry for it.
  private static long uidOf(String user) {
    if (user.chars().allMatch(Character::isDigit)) return Long.parseLong(user);
    Passwd pw = Native.POSIX.getpwnam(user);
    return pw == null ? -1 : pw.getUID();
  }

  private static long gidOf(String group) {
    if (group.chars().allMatch(Character::isDigit)) return Long.parseLong(group);
    Group g = Native.POSIX.getgrnam(group);
    return g == null ? -1 : g.getGID();
  }
}
