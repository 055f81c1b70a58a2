package dev.porter.cli;

import dev.porter.net.SecureDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * porter's pidfile, written so that it is never reached through a symlink: the directory must pass
 * {@link SecureDirectory}; the pid goes into a new file beside the final one, created with
 * O_CREAT|O_EXCL|O_NOFOLLOW (which fails on any existing name, a symlink included), which rename(2)
 * then puts in place: atomic, and a symlink at the final name is replaced, not followed. At exit
 * the file is removed only if it is still the one written here.
 */
final class Pidfile {
  /** rw-r--r--: anyone may read a pid, as with every daemon's pidfile. */
  private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");

  /** Names tried for the new file; another is drawn only if someone planted one there. */
  private static final int ATTEMPTS = 8;

  private final Path path;
  private final Object fileKey;

  private Pidfile(Path path, Object fileKey) {
    this.path = path;
    this.fileKey = fileKey;
  }

  /**
   * Writes {@code pid} to {@code path}.
   *
   * @throws IOException with a message that reads after "cannot write PATH: "
   */
  static Pidfile write(Path path, long pid) throws IOException {
    Path name = path.getFileName();
    if (name == null) throw new IOException("it names no file");
    Path dir = SecureDirectory.require(path.toAbsolutePath().getParent());
    Path target = dir.resolve(name.toString());
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))
      throw new IOException("it is a directory");
    for (int i = 0; i < ATTEMPTS; i++) {
      Path tmp =
          dir.resolve(
              "." + name + "." + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36));
      try (SeekableByteChannel ch =
          Files.newByteChannel(
              tmp,
              Set.<OpenOption>of(
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS),
              PosixFilePermissions.asFileAttribute(MODE))) {
        ByteBuffer b = ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) ch.write(b);
      } catch (FileAlreadyExistsException taken) {
        continue; // someone else's name: draw another
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      try {
        // The umask may have taken bits away: set exactly MODE (through O_NOFOLLOW, like the open).
        Files.getFileAttributeView(tmp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setPermissions(MODE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      return new Pidfile(target, fileKey(target));
    }
    throw new IOException(
        "cannot create a new file in " + dir + " after " + ATTEMPTS + " attempts");
  }

  /** Removes the pidfile unless someone (another porter) has since replaced it; empty when done. */
  Optional<String> removeIfOurs() {
    try {
      if (fileKey.equals(fileKey(path))) Files.deleteIfExists(path);
      return Optional.empty();
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.toString());
    }
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }
}
