package dev.porter.cli;

import picocli.CommandLine;

/**
 * Runs {@link TelnetDecodeCommand} as a program, for checking it with telnet-oracle's {@code
 * run-cases.sh} until the lead registers it under {@code porter telnet decode}.
 */
public final class TelnetDecodeLauncher {
  private TelnetDecodeLauncher() {}

  /** Exits with the command's status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new TelnetDecodeCommand()).execute(args));
  }
}
