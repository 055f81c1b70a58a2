package dev.porter.cli;

import dev.porter.telnet.DecodeException;
import dev.porter.telnet.TelnetDecode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code porter telnet decode}: prints a TELNET stream's events in the canonical oracle format. */
@Command(
    name = "decode",
    description = {
      "Print the events of a TELNET byte stream read from stdin, one per line, in the canonical"
          + " format of the libtelnet telnet-oracle (same options, byte-identical output).",
      "With -s, stdin is a script of send-side calls instead (see FORMAT.md)."
    },
    sortOptions = false)
public final class TelnetDecodeCommand implements Callable<Integer> {

  /** Exit status for bad arguments or script syntax, as the C oracle uses. */
  static final int EXIT_USAGE = 2;

  // Repeatable like the oracle's hand-rolled parser: booleans as arrays, -f ORed, -c appended,
  // the last -t and -n win.
  @Option(names = "-p", description = "Proxy mode (TELNET_FLAG_PROXY).")
  boolean[] proxy = new boolean[0];

  @Option(
      names = "-f",
      paramLabel = "N",
      description = "OR flag bits N (decimal, 0x.., 0..) into the flags; 2 = NVT_EOL.")
  List<String> flags = new ArrayList<>();

  @Option(
      names = "-t",
      paramLabel = "SPEC",
      description = "Option table: OPT:US:HIM,... (US WILL/WONT, HIM DO/DONT) or none.")
  List<String> telopts = new ArrayList<>();

  @Option(
      names = "-c",
      paramLabel = "OFFS",
      description = "Split the input at these ascending byte offsets (comma list).")
  List<String> offsets = new ArrayList<>();

  @Option(
      names = "-n",
      paramLabel = "N",
      description = "Split the input into N-byte pieces (overrides -c).")
  List<String> chunk = new ArrayList<>();

  @Option(names = "-s", description = "Script mode: stdin is a script of send-side calls.")
  boolean[] script = new boolean[0];

  @Option(names = "-e", description = "Name libtelnet's reporting function on WARNING/ERROR lines.")
  boolean[] detail = new boolean[0];

  @Option(names = "-M", description = "Merge consecutive DATA (and SEND) events into one line.")
  boolean[] merge = new boolean[0];

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
  boolean help;

  /** Anything else: reported in one line by {@link #call} rather than picocli's usage dump. */
  @Unmatched List<String> unmatched = new ArrayList<>();

  private final InputStream in;
  private final OutputStream out;
  private final PrintStream err;

  /** Reads stdin, writes stdout and stderr. */
  public TelnetDecodeCommand() {
    this(System.in, System.out, System.err);
  }

  /** Uses the given streams (for tests). */
  public TelnetDecodeCommand(InputStream in, OutputStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws IOException {
    if (!unmatched.isEmpty()) {
      err.println("porter telnet decode: unknown argument '" + unmatched.get(0) + "' (see --help)");
      return EXIT_USAGE;
    }
    try {
      TelnetDecode.run(TelnetDecode.Options.parse(oracleArguments()), in, out);
      return 0;
    } catch (DecodeException e) {
      err.println("porter telnet decode: " + e.getMessage());
      return EXIT_USAGE;
    }
  }

  /** The options back in the oracle's own syntax, so one parser defines their meaning. */
  private List<String> oracleArguments() {
    List<String> args = new ArrayList<>();
    for (int i = 0; i < proxy.length; i++) {
      args.add("-p");
    }
    for (String f : flags) {
      args.add("-f");
      args.add(f);
    }
    for (String t : telopts) {
      args.add("-t");
      args.add(t);
    }
    for (String c : offsets) {
      args.add("-c");
      args.add(c);
    }
    for (String n : chunk) {
      args.add("-n");
      args.add(n);
    }
    if (script.length > 0) {
      args.add("-s");
    }
    if (detail.length > 0) {
      args.add("-e");
    }
    if (merge.length > 0) {
      args.add("-M");
    }
    return args;
  }
}
