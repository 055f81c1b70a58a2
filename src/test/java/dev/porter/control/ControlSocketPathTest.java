package dev.porter.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSocketPathTest {
  @Test
  void rootListensOnTheSystemSocket() {
    assertEquals(
        Optional.of(Path.of("/run/porter/control.sock")),
        ControlSocketPath.forServer(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), true));
  }

  @Test
  void anotherUserListensInItsRuntimeDirectoryOrNowhere() {
    assertEquals(
        Optional.of(Path.of("/run/user/1000/porter/control.sock")),
        ControlSocketPath.forServer(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), false));
    assertEquals(Optional.empty(), ControlSocketPath.forServer(Map.of(), false));
  }

  @Test
  void theClientPrefersTheEnvironmentThenItsOwnSocketThenTheSystemOne(@TempDir Path dir)
      throws Exception {
    assertEquals(
        Path.of("/tmp/x.sock"),
        ControlSocketPath.forClient(Map.of("PORTER_CONTROL_SOCKET", "unix:///tmp/x.sock"), true));
    Map<String, String> env = Map.of("XDG_RUNTIME_DIR", dir.toString());
    assertEquals(ControlSocketPath.SYSTEM, ControlSocketPath.forClient(env, false));
    Files.createDirectories(dir.resolve("porter"));
    Files.createFile(dir.resolve("porter/control.sock"));
    assertEquals(dir.resolve("porter/control.sock"), ControlSocketPath.forClient(env, false));
    assertEquals(ControlSocketPath.SYSTEM, ControlSocketPath.forClient(env, true));
  }
}
