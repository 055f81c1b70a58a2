package dev.porter.supervisor;

import dev.porter.config.ComponentSpec;
import dev.porter.config.Flag;
import dev.porter.config.OutputSpec;
import dev.porter.process.Credentials;
import dev.porter.process.Environment;
import dev.porter.process.Expansion;
import dev.porter.process.OutputPipe;
import dev.porter.process.SpawnRequest;
import dev.porter.process.Stdio;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a component's declaration into a spawn request: argv, environment, credentials, limits. */
final class Launch {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger("dev.porter.output");

  private Launch() {}

  /**
   * @param stdin the child's fd 0
   * @param stdout the child's fd 1 unless the component redirects it
   * @param stderr the child's fd 2 unless the component redirects it
   * @param socketEnv extra variables (the socket environment of {@code sockenv})
   */
  static Prepared prepare(
      ComponentSpec spec, Stdio stdin, Stdio stdout, Stdio stderr, Map<String, String> socketEnv) {
    return prepare(spec, spec.command(), stdin, stdout, stderr, socketEnv);
  }

  /**
   * As above, running {@code command} (a mux link's {@code mux.command}) instead of {@code
   * command}.
   */
  static Prepared prepare(
      ComponentSpec spec,
      List<String> command,
      Stdio stdin,
      Stdio stdout,
      Stdio stderr,
      Map<String, String> socketEnv) {
    List<String> env = Environment.build(spec.env(), socketEnv);
    List<String> argv = command;
    if (spec.has(Flag.EXPANDENV)) {
      Map<String, String> vars = new HashMap<>();
      for (String kv : env) {
        int eq = kv.indexOf('=');
        vars.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      argv = argv.stream().map(w -> Expansion.expand(w, vars)).toList();
    }
    Optional<OutputPipe> outPipe = logPipe(spec.stdout());
    Optional<OutputPipe> errPipe = logPipe(spec.stderr());
    SpawnRequest.Builder b =
        SpawnRequest.builder(argv)
            .env(env)
            .stdin(spec.has(Flag.NULLINPUT) ? Stdio.devNull() : stdin)
            .stdout(
                outPipe
                    .map(p -> Stdio.inherit(p.writeFd()))
                    .orElseGet(() -> redirect(spec.stdout(), stdout)))
            .stderr(
                errPipe
                    .map(p -> Stdio.inherit(p.writeFd()))
                    .orElseGet(() -> redirect(spec.stderr(), stderr)))
            .rlimits(spec.limits());
    spec.chdir().ifPresent(b::chdir);
    spec.umask().ifPresent(b::umask);
    if (spec.user().isPresent() || spec.group().isPresent()) {
      b.credentials(new Credentials(spec.user(), spec.group()));
    }
    try {
      return new Prepared(spec.name(), b.build(), outPipe, errPipe);
    } catch (RuntimeException e) {
      outPipe.ifPresent(OutputPipe::abandon);
      errPipe.ifPresent(OutputPipe::abandon);
      throw e;
    }
  }

  private static Optional<OutputPipe> logPipe(Optional<OutputSpec> out) {
    return out.filter(o -> o.kind() == OutputSpec.Kind.LOG).map(o -> OutputPipe.open());
  }

  /** A spawn request and the log pipes that must be started, or closed, after the spawn. */
  record Prepared(
      String component, SpawnRequest request, Optional<OutputPipe> out, Optional<OutputPipe> err) {
    /** The child runs: porter lets go of the write ends and logs what comes out of the pipes. */
    void started(int pid) {
      out.ifPresent(
          p ->
              p.pumpLines(
                  "porter-out-" + pid, line -> log.info("component {}: {}", component, line)));
      err.ifPresent(
          p ->
              p.pumpLines(
                  "porter-err-" + pid,
                  line -> log.info("component {}: stderr: {}", component, line)));
    }

    /** The spawn failed: close the pipes. */
    void failed() {
      out.ifPresent(OutputPipe::abandon);
      err.ifPresent(OutputPipe::abandon);
    }
  }

  private static Stdio redirect(Optional<OutputSpec> out, Stdio dflt) {
    if (out.isEmpty()) return dflt;
    OutputSpec o = out.get();
    switch (o.kind()) {
      case FILE:
        return Stdio.append(o.file().orElseThrow());
      case LOG:
        throw new AssertionError("log output goes through a pipe");
      default:
        throw new AssertionError(o.kind());
    }
  }
}
