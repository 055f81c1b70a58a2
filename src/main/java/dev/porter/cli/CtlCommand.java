package dev.porter.cli;

import dev.porter.control.ControlClient;
import dev.porter.control.ControlException;
import dev.porter.control.ControlRequest;
import dev.porter.control.ControlSocketPath;
import dev.porter.control.Json;
import dev.porter.control.Reply;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code porter ctl}: asks a running porter, through its control socket, and prints the answer. */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    description = {
      "Steer a running porter through its control socket.",
      "Commands: list, status NAME, start NAME, stop NAME, restart NAME, reload, shutdown,"
          + " connections, links.",
      "Exit status: 0 done, 1 usage error, unknown component, refused or failed request,",
      "2 porter not reachable, access denied, or no reply."
    })
final class CtlCommand implements Callable<Integer> {
  @Option(
      names = {"-s", "--socket"},
      paramLabel = "SOCKET",
      description =
          "the control socket (default: $PORTER_CONTROL_SOCKET, else /run/porter/control.sock)")
  Optional<String> socket = Optional.empty();

  @Option(names = "--json", description = "print porter's reply as JSON")
  boolean json;

  @Parameters(
      arity = "1..2",
      paramLabel = "COMMAND [NAME]",
      description = "what to do, and to which component")
  List<String> words;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ControlRequest request;
    try {
      request =
          ControlRequest.of(
              words.get(0), words.size() > 1 ? Optional.of(words.get(1)) : Optional.empty());
    } catch (ControlException e) {
      err.println("porter: " + e.getMessage());
      return Main.USAGE;
    }
    Path path =
        socket
            .map(s -> Path.of(ControlSocketPath.stripScheme(s)))
            .orElseGet(
                () ->
                    ControlSocketPath.forClient(
                        System.getenv(), ControlSocketPath.runningAsRoot()));
    Map<String, Object> reply;
    try {
      reply = ControlClient.send(path, request);
    } catch (ControlException e) {
      err.println("porter: " + e.getMessage());
      return Main.RUNTIME;
    }
    boolean ok = Boolean.TRUE.equals(reply.get("ok"));
    if (json) {
      out.println(Json.write(reply));
    } else if (ok) {
      out.print(CtlOutput.render(request, reply));
    } else {
      err.println("porter: " + reply.getOrDefault("error", "request failed"));
      Object problems = reply.get("problems");
      if (problems instanceof List) for (Object p : (List<?>) problems) err.println(p);
    }
    out.flush();
    err.flush();
    if (ok) return Main.OK;
    return Reply.DENIED.equals(reply.get("code")) ? Main.RUNTIME : Main.USAGE;
  }
}
