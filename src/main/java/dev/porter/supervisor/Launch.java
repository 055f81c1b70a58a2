package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Flag;
import dev.porter.config.OutputSpec;
import dev.porter.process.CommandLine;
import dev.porter.process.Credentials;
import dev.porter.process.Environment;
import dev.porter.process.SpawnRequest;
import dev.porter.process.Stdio;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a component's declaration into a spawn request: argv, environment, credentials, limits. */
final class Launch {
  private Launch() {}

  /**
   * @param stdin the child's fd 0
   * @param stdout the child's fd 1 unless the component redirects it
   * @param stderr the child's fd 2 unless the component redirects it
   * @param socketEnv extra variables (the socket environment of {@code sockenv})
   */
  static SpawnRequest request(ComponentSpec spec, Stdio stdin, Stdio stdout, Stdio stderr,
      Map<String, String> socketEnv) {
    List<String> env = Environment.build(spec.env(), socketEnv);
    List<String> argv = spec.command();
    if (spec.has(Flag.EXPANDENV)) {
      Map<String, String> vars = new HashMap<>();
      for (String kv : env) {
        int eq = kv.indexOf('=');
        vars.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      argv = argv.stream().map(w -> CommandLine.expand(w, vars)).toList();
    }
    SpawnRequest.Builder b = SpawnRequest.builder(argv).env(env)
        .stdin(spec.has(Flag.NULLINPUT) ? Stdio.devNull() : stdin)
        .stdout(redirect(spec.stdout(), stdout))
        .stderr(redirect(spec.stderr(), stderr))
        .rlimits(spec.limits());
    spec.chdir().ifPresent(b::chdir);
    spec.umask().ifPresent(b::umask);
    if (spec.user().isPresent() || spec.group().isPresent()) {
      b.credentials(new Credentials(spec.user(), spec.group()));
    }
    return b.build();
  }

  private static Stdio redirect(Optional<OutputSpec> out, Stdio dflt) {
    if (out.isEmpty()) return dflt;
    OutputSpec o = out.get();
    switch (o.kind()) {
      case FILE: return Stdio.append(o.file().orElseThrow());
      // "log": the child writes to porter's own stderr, which systemd sends to the journal.
      case LOG: return Stdio.inherit(2);
      default: throw new AssertionError(o.kind());
    }
  }
}
