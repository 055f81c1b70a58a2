package dev.porter.cli;

import picocli.CommandLine.Command;

/** {@code porter telnet ...}: tools around porter's TELNET codec. */
@Command(
    name = "telnet",
    mixinStandardHelpOptions = true,
    description = "TELNET tools built on porter's libtelnet-compatible codec.",
    subcommands = {TelnetDecodeCommand.class})
final class TelnetCommand {}
