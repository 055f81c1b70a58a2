package dev.porter.net;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The directory rule porter applies before it creates a file that others rely on (its pidfile, a
 * Unix socket): the directory, and every directory above it, may be changed only by root or by
 * porter's own user. A directory that anyone else can write lets them plant a symlink, or swap a
 * file between two of porter's steps, so that porter writes, chmods or chowns a file of their
 * choosing. A directory writable by others is accepted when it has the sticky bit (as {@code /tmp}
 * has): there only a file's owner may remove or rename it (unlink(2), rename(2)), so what porter
 * created stays porter's. The same test as OpenSSH's StrictModes for the directories above {@code
 * authorized_keys}.
 */
public final class SecureDirectory {
  /** S_IWGRP | S_IWOTH (inode(7)). */
  private static final int WRITABLE_BY_OTHERS = 0022;

  /** S_ISVTX (inode(7)): entries may be removed or renamed only by their owner. */
  private static final int STICKY = 01000;

  private SecureDirectory() {}

  /**
   * Checks {@code dir} and every directory above it, and returns its real path (no symlink left in
   * it): create files through that path, so that no component is looked up again.
   *
   * @throws IOException saying which directory breaks the rule and how; its message reads after
   *     "cannot write X: "
   */
  public static Path require(Path dir) throws IOException {
    Path real;
    try {
      real = dir.toAbsolutePath().toRealPath();
    } catch (NoSuchFileException e) {
      throw new IOException("directory " + dir + " does not exist");
    }
    if (!Files.isDirectory(real)) throw new IOException(dir + " is not a directory");
    long self = new UnixSystem().getUid();
    for (Path d = real; d != null; d = d.getParent()) {
      Map<String, Object> a = Files.readAttributes(d, "unix:uid,mode");
      int uid = (Integer) a.get("uid");
      int mode = (Integer) a.get("mode") & 07777;
      if (uid != 0 && uid != self) {
        throw new IOException(
            "directory " + d + " belongs to uid " + uid + ", neither root nor porter's user");
      }
      if ((mode & WRITABLE_BY_OTHERS) != 0 && (mode & STICKY) == 0) {
        throw new IOException(
            "directory "
                + d
                + " is writable by "
                + ((mode & 0002) != 0 ? "others" : "its group")
                + " (mode "
                + String.format("%04o", mode)
                + ") and not sticky");
      }
    }
    return real;
  }
}
