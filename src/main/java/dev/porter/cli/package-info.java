/**
 * The {@code porter} command and its subcommands (picocli): {@code run}, {@code check}, {@code
 * ctl}, {@code convert}, {@code mux --stdio}, {@code telnet decode} and {@code telnet-proxy}, plus
 * the pidfile, signals ({@code sun.misc.Signal}) and the log line's format. Each {@code main} reads
 * like a recipe: parse arguments, load the configuration, start, run, return an exit code. It may
 * use every other package, and it is the only one that calls {@code System.exit}.
 */
package dev.porter.cli;
