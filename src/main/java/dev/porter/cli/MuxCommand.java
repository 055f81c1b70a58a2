package dev.porter.cli;

import dev.porter.config.ComponentSpec;
import dev.porter.config.ConfigException;
import dev.porter.config.ConfigLoader;
import dev.porter.config.Mode;
import dev.porter.config.PorterConfig;
import dev.porter.mux.MuxLink;
import dev.porter.mux.StdioBridge;
import dev.porter.supervisor.Porter;
import dev.porter.supervisor.StartException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code porter mux --stdio -c FILE}: runs FILE's components with one mux link carried on this
 * process's stdin and stdout (the far end of {@code mux.command}, e.g. over ssh); exits when the
 * link ends.
 */
@Command(
    name = "mux",
    mixinStandardHelpOptions = true,
    description =
        "The far end of a mux link carried on stdin/stdout, e.g. mux.command = \"ssh host porter"
            + " mux --stdio -c FILE\".%nFILE's mux link (the only mode-mux component, or --link"
            + " NAME) is carried on stdin/stdout instead of its own mux.*.")
final class MuxCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("dev.porter");

  /** How often the foreground thread looks whether the link has ended. */
  private static final long POLL_MILLIS = 100;

  @Option(names = "--stdio", required = true, description = "carry the link on stdin/stdout")
  boolean stdio;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "the configuration file")
  Path file;

  @Option(
      names = "--link",
      paramLabel = "NAME",
      description = "the mux link to carry (default: the only one)")
  Optional<String> link = Optional.empty();

  @Override
  public Integer call() throws InterruptedException, IOException {
    PorterConfig cfg;
    try {
      cfg = ConfigLoader.load(file);
    } catch (ConfigException e) {
      e.problems().forEach(System.err::println);
      return Main.USAGE;
    }
    List<String> links =
        cfg.components().stream()
            .filter(c -> c.mode() == Mode.MUX)
            .map(ComponentSpec::name)
            .toList();
    String name = link.orElse(links.size() == 1 ? links.get(0) : "");
    if (!links.contains(name)) {
      System.err.println(
          "porter: "
              + file
              + ": "
              + (link.isPresent()
                  ? "no mux link named " + link.get()
                  : links.isEmpty()
                      ? "no mux link (a component with mode = mux) to carry"
                      : "several mux links " + links + "; choose one with --link"));
      return Main.USAGE;
    }
    // stdout carries the link from now on: nothing else may write there.
    FileOutputStream out = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    SocketChannel channel = StdioBridge.start(new FileInputStream(FileDescriptor.in), out);

    CountDownLatch stop = new CountDownLatch(1);
    for (String sig : new String[] {"TERM", "INT", "HUP"}) {
      Signal.handle(new Signal(sig), s -> stop.countDown());
    }
    Porter porter = new Porter(cfg, Porter.defaultLoopCount(), Clock.systemDefaultZone());
    porter.carryLink(name, channel);
    try {
      porter.start();
    } catch (StartException e) {
      System.err.println("porter: " + e.getMessage());
      return Main.RUNTIME;
    }
    MuxLink l = porter.link(name).orElseThrow();
    while (!stop.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      if (l.status().sessions() > 0 && !l.isUp()) break;
    }
    log.info("porter: mux link {} on stdin/stdout ended; stopping", name);
    porter.shutdown();
    return Main.OK;
  }
}
