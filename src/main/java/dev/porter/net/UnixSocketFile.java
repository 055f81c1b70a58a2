package dev.porter.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A listening Unix stream socket and its file, made so that nobody else can take part: the socket's
 * directory must pass {@link SecureDirectory}; porter binds inside a private directory (mode 0700)
 * that it creates next to the final path, sets the mode, group and owner there, where no one else
 * can reach the file, then renames it into place. So no chmod or chown can follow a symlink planted
 * at the path, the socket never exists under its name with the mode bind(2) gave it (0777 less
 * porter's umask), no umask has to change (it is process-wide), and rename(2) replaces a stale
 * socket file atomically without following a link there.
 *
 * <p>The kernel keeps the name the socket was bound to, so getsockname(2) (and {@code ss -x}) show
 * the private path, which no longer exists; {@link #address} is the path clients connect to.
 */
public final class UnixSocketFile {
  /** S_IFMT and S_IFSOCK (inode(7)). */
  private static final int TYPE_MASK = 0170000;

  private static final int SOCKET = 0140000;

  /** sun_path is 108 bytes on Linux, including the terminating NUL (unix(7)). */
  private static final int MAX_PATH_BYTES = 107;

  /** Name of the socket inside the private directory: one byte keeps the bound path short. */
  private static final String BOUND_NAME = "s";

  /** Random characters in the private directory's name ({@code .porter-XXXXXX}). */
  private static final int RANDOM_CHARS = 6;

  /** Names tried before giving up; another name is taken only if someone planted one there. */
  private static final int ATTEMPTS = 8;

  private final ServerSocketChannel channel;
  private final Path path;

  /** The path with its directory's real path: what porter created, and removes. */
  private final Path file;

  private final Object fileKey;

  private UnixSocketFile(ServerSocketChannel channel, Path path, Path file, Object fileKey) {
    this.channel = channel;
    this.path = path;
    this.file = file;
    this.fileKey = fileKey;
  }

  /**
   * Binds a listening socket at {@code path}. A stale socket file there (nobody listens) is
   * replaced; a live one, or anything that is not a socket (a symlink included), is an error.
   *
   * @param mode the file's permission bits; empty keeps what bind(2) gives (0777 less the umask)
   * @param owner user name to own the file, empty to keep porter's
   * @param group group name for the file, empty to keep porter's
   * @throws IOException with a message that reads after "cannot listen on URL: "
   */
  public static UnixSocketFile bind(
      Path path,
      int backlog,
      Optional<Integer> mode,
      Optional<String> owner,
      Optional<String> group)
      throws IOException {
    Path name = path.getFileName();
    if (name == null) throw new IOException(path + " names no file");
    Path dir = SecureDirectory.require(path.toAbsolutePath().getParent());
    Path target = dir.resolve(name.toString());
    refuseUnlessAbsentOrStale(target);
    Path privateDir = createPrivateDirectory(dir);
    Path bound = privateDir.resolve(BOUND_NAME);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      s.bind(UnixDomainSocketAddress.of(bound), backlog);
      // Inside the private directory, which no one but porter's user and root can enter, the path
      // is the socket bound above. (The JDK cannot chmod a socket without following links: it opens
      // the file, which a socket refuses with ENXIO.) Owner last: then porter touches it no more.
      PosixFileAttributeView view =
          Files.getFileAttributeView(
              bound, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (mode.isPresent()) Files.setPosixFilePermissions(bound, permissions(mode.get()));
      UserPrincipalLookupService users = bound.getFileSystem().getUserPrincipalLookupService();
      try {
        if (group.isPresent()) view.setGroup(users.lookupPrincipalByGroupName(group.get()));
        if (owner.isPresent()) view.setOwner(users.lookupPrincipalByName(owner.get()));
      } catch (UserPrincipalNotFoundException e) {
        throw new IOException("no user or group named \"" + e.getName() + "\"");
      }
      Files.move(bound, target, StandardCopyOption.ATOMIC_MOVE);
      return new UnixSocketFile(s, path, target, fileKey(target));
    } catch (IOException | RuntimeException e) {
      Closeables.closeQuietly(s);
      Files.deleteIfExists(bound);
      throw e;
    } finally {
      Files.deleteIfExists(privateDir);
    }
  }

  public ServerSocketChannel channel() {
    return channel;
  }

  /** The path as configured. */
  public Path path() {
    return path;
  }

  /**
   * The address clients connect to (not the one the socket was bound to: see the class comment).
   */
  public UnixDomainSocketAddress address() {
    return UnixDomainSocketAddress.of(path);
  }

  /** Removes the file, unless it is no longer the one bound here (another process replaced it). */
  public void delete() throws IOException {
    Object now;
    try {
      now = fileKey(file);
    } catch (NoSuchFileException gone) {
      return;
    }
    if (fileKey.equals(now)) Files.deleteIfExists(file);
  }

  /** Device and inode: what stays the same exactly as long as the file is the same. */
  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  // A socket file left by a dead process refuses connections; rename(2) will replace it.
  private static void refuseUnlessAbsentOrStale(Path target) throws IOException {
    int type;
    try {
      type =
          (Integer) Files.getAttribute(target, "unix:mode", LinkOption.NOFOLLOW_LINKS) & TYPE_MASK;
    } catch (NoSuchFileException absent) {
      return;
    }
    if (type != SOCKET) throw new IOException(target + " exists and is not a socket");
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(target))) {
      throw new IOException(target + " is in use by another process");
    } catch (ConnectException stale) {
      // nobody listens: replaced below
    }
  }

  // mkdir(2) fails on any existing name, a symlink included, so the directory is new and ours.
  private static Path createPrivateDirectory(Path dir) throws IOException {
    Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
    for (int i = 0; i < ATTEMPTS; i++) {
      Path p = dir.resolve(".porter-" + randomName());
      int bytes = p.resolve(BOUND_NAME).toString().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_PATH_BYTES) {
        throw new IOException(
            "directory "
                + dir
                + " is too long to bind in: the private path "
                + p.resolve(BOUND_NAME)
                + " takes "
                + bytes
                + " bytes, at most "
                + MAX_PATH_BYTES
                + " fit in sun_path (unix(7))");
      }
      try {
        Path created = Files.createDirectory(p, PosixFilePermissions.asFileAttribute(owner));
        // The umask may only have removed bits; make sure nothing more than 0700 is set.
        Files.setPosixFilePermissions(created, owner);
        return created;
      } catch (FileAlreadyExistsException taken) {
        // someone else's name: draw another
      }
    }
    throw new IOException(
        "cannot create a private directory in " + dir + " after " + ATTEMPTS + " attempts");
  }

  private static String randomName() {
    StringBuilder sb = new StringBuilder(RANDOM_CHARS);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < RANDOM_CHARS; i++) sb.append(Character.forDigit(r.nextInt(36), 36));
    return sb.toString();
  }

  /** Permission bits as the JDK's set ({@code 0660} is rw-rw----). */
  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) if ((mode & (1 << i)) != 0) p.add(order[i]);
    return p;
  }
}
