package dev.porter.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureDirectoryTest {
  @TempDir Path tmp;

  @Test
  void aDirectoryOnlyItsOwnerCanWriteIsAcceptedAndComesBackAsItsRealPath() throws Exception {
    Path d = mkdir("run", "rwxr-xr-x");
    Path link = Files.createSymbolicLink(tmp.resolve("var-run"), d);
    assertEquals(d.toRealPath(), SecureDirectory.require(link));
  }

  @Test
  void aStickyDirectoryEveryoneCanWriteIsAccepted() throws Exception {
    Path d = mkdir("sticky", "rwxrwxrwx");
    Files.setAttribute(d, "unix:mode", 01777);
    assertEquals(d.toRealPath(), SecureDirectory.require(d));
  }

  @Test
  void aDirectoryOthersOrItsGroupCanWriteIsRefusedWithItsMode() throws Exception {
    Path open = mkdir("open", "rwxrwxrwx");
    assertEquals(
        "directory " + open.toRealPath() + " is writable by others (mode 0777) and not sticky",
        refusal(open));
    Path group = mkdir("group", "rwxrwxr-x");
    assertEquals(
        "directory " + group.toRealPath() + " is writable by its group (mode 0775) and not sticky",
        refusal(group));
  }

  @Test
  void aSafeDirectoryInsideAnUnsafeOneIsRefusedNamingTheUnsafeOne() throws Exception {
    Path open = mkdir("open", "rwxrwxrwx");
    Path inner = Files.createDirectory(open.resolve("inner"));
    Files.setPosixFilePermissions(inner, PosixFilePermissions.fromString("rwx------"));
    assertEquals(
        "directory " + open.toRealPath() + " is writable by others (mode 0777) and not sticky",
        refusal(inner));
  }

  @Test
  void aDirectoryOfAnotherUserIsRefused() throws Exception {
    assumeTrue(new UnixSystem().getUid() == 0, "needs root to give a directory away");
    Path theirs = mkdir("theirs", "rwxr-xr-x");
    Files.setOwner(
        theirs,
        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    assertEquals(
        "directory "
            + theirs.toRealPath()
            + " belongs to uid 65534, neither root nor porter's user",
        refusal(theirs));
  }

  @Test
  void aMissingDirectoryIsSaidToBeMissing() {
    assertEquals(
        "directory " + tmp.resolve("nowhere") + " does not exist", refusal(tmp.resolve("nowhere")));
  }

  private Path mkdir(String name, String mode) throws IOException {
    Path d = Files.createDirectory(tmp.resolve(name));
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(mode));
    return d;
  }

  private static String refusal(Path dir) {
    return assertThrows(IOException.class, () -> SecureDirectory.require(dir)).getMessage();
  }
}
