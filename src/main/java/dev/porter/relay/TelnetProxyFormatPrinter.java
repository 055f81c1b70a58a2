package dev.porter.relay;

import dev.porter.telnet.EnvironValue;
import dev.porter.telnet.MsspVariable;
import dev.porter.telnet.Telnet;
import dev.porter.telnet.TelnetHandler;
import java.util.List;

/**
 * Prints TELNET events in the format of libtelnet's {@code telnet-proxy} utility, for people
 * watching a proxy on standard output ({@code telnet-log = "-"}): {@code SERVER IAC WILL 86
 * (COMPRESS2)}, {@code CLIENT DATA: hi<0x0D><0x0A>}, each line prefixed with the connection's tag
 * since porter serves many clients at once. Two bugs of libtelnet 0.21's printer are not copied:
 * bytes over 0x7F print as {@code <0xFF>}, not {@code <0xFFFFFFFF>}, and a TTYPE line ends with a
 * newline. Colours only on a terminal.
 */
final class TelnetProxyFormatPrinter implements TelnetHandler {
  private static final String BOLD = "\u001b[1m";
  private static final String UNBOLD = "\u001b[22m";
  private static final String NORMAL = "\u001b[0m";

  private final TelnetLog.Session out;
  private final String head;
  private final boolean colour;

  /**
   * @param tag the connection, e.g. {@code [127.0.0.1:51514]}
   * @param name {@code CLIENT} or {@code SERVER}, libtelnet's names for the two sides
   */
  TelnetProxyFormatPrinter(TelnetLog.Session out, String tag, String name, boolean colour) {
    this.out = out;
    this.colour = colour;
    // telnet-proxy's colours: blue for the client, magenta for the server.
    String c = name.equals("CLIENT") ? "\u001b[34m" : "\u001b[35m";
    this.head = tag + " " + (colour ? c : "") + name + " ";
  }

  @Override
  public void onData(byte[] buf, int off, int len) {
    StringBuilder b = start("DATA: ");
    bytes(b, buf, off, len);
    end(b);
  }

  @Override
  public void onSend(byte[] buf, int off, int len) {
    // telnet-proxy prints no SEND events ("DONT SPAM").
  }

  @Override
  public void onIac(int command) {
    end(start("IAC " + command(command)));
  }

  @Override
  public void onNegotiate(int command, int option) {
    end(start("IAC " + command(command) + " " + option + " (" + option(option) + ")"));
  }

  @Override
  public void onSubnegotiation(int option, byte[] buf, int off, int len) {
    StringBuilder b = start("SUB " + option + " (" + option(option) + ")");
    if (len > 0) {
      b.append(" [").append(len).append(" bytes]: ");
      bytes(b, buf, off, len);
    }
    end(b);
  }

  @Override
  public void onCompress(boolean enabled) {
    end(start("COMPRESSION " + (enabled ? "ON" : "OFF")));
  }

  @Override
  public void onZmp(List<byte[]> arguments) {
    if (arguments.isEmpty()) return;
    StringBuilder b = start("ZMP (");
    bytes(b, arguments.get(0), 0, arguments.get(0).length);
    b.append(") [").append(arguments.size()).append(']');
    for (byte[] a : arguments.subList(1, arguments.size())) {
      b.append(" \"");
      bytes(b, a, 0, a.length);
      b.append('"');
    }
    end(b);
  }

  @Override
  public void onTtype(int command, byte[] name) {
    StringBuilder b = start("TTYPE " + (command == Telnet.TTYPE_SEND ? "SEND" : "IS") + " ");
    bytes(b, name, 0, cStringLength(name));
    end(b);
  }

  @Override
  public void onEnviron(int option, int command, List<EnvironValue> values) {
    String cmd =
        command == Telnet.ENVIRON_IS ? "IS" : command == Telnet.ENVIRON_SEND ? "SEND" : "INFO";
    StringBuilder b = start("ENVIRON (" + cmd + ") [" + values.size() + "]");
    for (EnvironValue v : values) {
      b.append(v.type() == Telnet.ENVIRON_VAR ? " VAR \"" : " USERVAR \"");
      bytes(b, v.name(), 0, cStringLength(v.name()));
      if (command != Telnet.ENVIRON_SEND) {
        b.append("\"=\"");
        bytes(b, v.value(), 0, cStringLength(v.value()));
      }
      b.append('"');
    }
    end(b);
  }

  @Override
  public void onMssp(List<MsspVariable> variables) {
    StringBuilder b = start("MSSP [" + variables.size() + "]");
    for (MsspVariable v : variables) {
      if (!v.filled()) continue;
      b.append(" \"");
      bytes(b, v.name(), 0, cStringLength(v.name()));
      b.append("\"=\"");
      bytes(b, v.value(), 0, cStringLength(v.value()));
      b.append('"');
    }
    end(b);
  }

  @Override
  public void onWarning(String message) {
    end(start("WARNING: " + message));
  }

  @Override
  public void onError(String message) {
    end(start("ERROR: " + message));
  }

  private StringBuilder start(String what) {
    return new StringBuilder(64).append(head).append(what);
  }

  private void end(StringBuilder b) {
    if (colour) b.append(NORMAL);
    out.line(b.append('\n').toString());
  }

  /** telnet-proxy's print_buffer: printable bytes as they are, the rest as {@code <0xNN>}. */
  private void bytes(StringBuilder b, byte[] buf, int off, int len) {
    for (int i = off; i < off + len; i++) {
      int c = buf[i] & 0xff;
      if (c == ' ' || (c > ' ' && c < 0x7f)) {
        b.append((char) c);
        continue;
      }
      b.append('<');
      if (colour) b.append(BOLD);
      b.append("0x")
          .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      if (colour) b.append(UNBOLD);
      b.append('>');
      if (c == '\n') b.append('\n'); // as telnet-proxy: a newline byte also breaks the line
    }
  }

  private static int cStringLength(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) n++;
    return n;
  }

  /** telnet-proxy's get_cmd. */
  static String command(int c) {
    switch (c) {
      case 255:
        return "IAC";
      case 254:
        return "DONT";
      case 253:
        return "DO";
      case 252:
        return "WONT";
      case 251:
        return "WILL";
      case 250:
        return "SB";
      case 249:
        return "GA";
      case 248:
        return "EL";
      case 247:
        return "EC";
      case 246:
        return "AYT";
      case 245:
        return "AO";
      case 244:
        return "IP";
      case 243:
        return "BREAK";
      case 242:
        return "DM";
      case 241:
        return "NOP";
      case 240:
        return "SE";
      case 239:
        return "EOR";
      case 238:
        return "ABORT";
      case 237:
        return "SUSP";
      case 236:
        return "xEOF";
      default:
        return Integer.toString(c);
    }
  }

  private static final String[] OPTIONS = {
    "BINARY",
    "ECHO",
    "RCP",
    "SGA",
    "NAMS",
    "STATUS",
    "TM",
    "RCTE",
    "NAOL",
    "NAOP",
    "NAOCRD",
    "NAOHTS",
    "NAOHTD",
    "NAOFFD",
    "NAOVTS",
    "NAOVTD",
    "NAOLFD",
    "XASCII",
    "LOGOUT",
    "BM",
    "DET",
    "SUPDUP",
    "SUPDUPOUTPUT",
    "SNDLOC",
    "TTYPE",
    "EOR",
    "TUID",
    "OUTMRK",
    "TTYLOC",
    "3270REGIME",
    "X3PAD",
    "NAWS",
    "TSPEED",
    "LFLOW",
    "LINEMODE",
    "XDISPLOC",
    "ENVIRON",
    "AUTHENTICATION",
    "ENCRYPT",
    "NEW-ENVIRON"
  };

  /** telnet-proxy's get_opt. */
  static String option(int o) {
    if (o >= 0 && o < OPTIONS.length) return OPTIONS[o];
    switch (o) {
      case 70:
        return "MSSP";
      case 85:
        return "COMPRESS";
      case 86:
        return "COMPRESS2";
      case 93:
        return "ZMP";
      case 255:
        return "EXOPL";
      default:
        return "unknown";
    }
  }
}
