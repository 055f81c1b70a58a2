package dev.porter.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.config.EnvSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentIT {
  @TempDir Path tmp;

  @Test
  void theChildSeesExactlyTheBuiltEnvironment() throws Exception {
    Map<String, String> porter = Map.of("PATH", "/usr/bin:/bin", "SECRET", "x", "LANG", "C");
    EnvSpec spec =
        new EnvSpec(true, List.of("PATH", "LANG"), Map.of("GREETING", "hi $LANG"), List.of("LANG"));
    List<String> env = Environment.build(spec, porter, Map.of("PROTO", "TCP"));
    Path out = tmp.resolve("env");
    CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    new Spawner(Reaper.instance())
        .spawn(
            SpawnRequest.builder(List.of("env")).env(env).stdout(Stdio.append(out)).build(),
            (p, s) -> exit.complete(s));
    assertEquals(ExitStatus.exited(0), exit.get(20, TimeUnit.SECONDS));
    assertEquals(
        List.of("GREETING=hi C", "PATH=/usr/bin:/bin", "PROTO=TCP"),
        Files.readAllLines(out).stream().sorted().toList());
  }
}
