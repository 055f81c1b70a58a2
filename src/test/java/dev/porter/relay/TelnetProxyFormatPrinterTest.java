package dev.porter.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.telnet.Telnet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The standard-output event format of {@code porter telnet-proxy}, and telnet-log file names. */
class TelnetProxyFormatPrinterTest {
  private static String printed(byte[] session) {
    TelnetLog.Session s = TelnetLog.of(Path.of("-")).open("127.0.0.1:5000");
    TelnetProxyFormatPrinter p =
        new TelnetProxyFormatPrinter(s, "[127.0.0.1:5000]", "SERVER", false);
    new Telnet(
            dev.porter.telnet.TeloptTable.rejectAll(),
            new dev.porter.telnet.TelnetHandler() {
              @Override
              public void onData(byte[] buf, int off, int len) {
                p.onData(buf, off, len);
              }

              @Override
              public void onSend(byte[] buf, int off, int len) {}

              @Override
              public void onIac(int command) {
                p.onIac(command);
              }

              @Override
              public void onNegotiate(int command, int option) {
                p.onNegotiate(command, option);
              }

              @Override
              public void onSubnegotiation(int option, byte[] buf, int off, int len) {
                p.onSubnegotiation(option, buf, off, len);
              }

              @Override
              public void onTtype(int command, byte[] name) {
                p.onTtype(command, name);
              }

              @Override
              public void onCompress(boolean enabled) {
                p.onCompress(enabled);
              }
            },
            Telnet.FLAG_PROXY)
        .recv(session);
    return s.pending();
  }

  private static byte[] bytes(int... b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) r[i] = (byte) b[i];
    return r;
  }

  @Test
  void eventsPrintAsTelnetProxyPrintsThemWithTheConnectionFirst() {
    byte[] session =
        concat(
            "hello\r\n".getBytes(StandardCharsets.US_ASCII),
            bytes(
                255, 255, 255, 251, 86, 255, 250, 24, 1, 255, 240, 255, 249, 255, 250, 86, 255,
                240));
    assertEquals(
        "[127.0.0.1:5000] SERVER DATA: hello<0x0D><0x0A>\n\n"
            + "[127.0.0.1:5000] SERVER DATA: <0xFF>\n"
            + "[127.0.0.1:5000] SERVER IAC WILL 86 (COMPRESS2)\n"
            + "[127.0.0.1:5000] SERVER SUB 24 (TTYPE) [1 bytes]: <0x01>\n"
            + "[127.0.0.1:5000] SERVER TTYPE SEND \n"
            + "[127.0.0.1:5000] SERVER IAC GA\n"
            + "[127.0.0.1:5000] SERVER SUB 86 (COMPRESS2)\n"
            + "[127.0.0.1:5000] SERVER COMPRESSION ON\n",
        printed(session));
  }

  @Test
  void logFilesAreNamedByPrefixClientAndNumberWithUnsafeCharactersReplaced() {
    assertEquals(
        Path.of("/var/log/mud.127.0.0.1_51514.7.log"),
        TelnetLog.fileFor(Path.of("/var/log/mud"), "127.0.0.1:51514", 7));
    assertEquals(
        Path.of("/var/log/mud.___1__5000.1.log"),
        TelnetLog.fileFor(Path.of("/var/log/mud"), "[::1]:5000", 1));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
