package dev.porter.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A fake {@link TelnetHandler} that records events as short readable lines. */
final class RecordingHandler implements TelnetHandler {
  private static final HexFormat HEX = HexFormat.of();

  final List<String> events = new ArrayList<>();
  final ByteArrayOutputStream data = new ByteArrayOutputStream();
  final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  int largestData;

  @Override
  public void onData(byte[] buf, int off, int len) {
    events.add("DATA " + HEX.formatHex(buf, off, off + len));
    data.write(buf, off, len);
    largestData = Math.max(largestData, len);
  }

  @Override
  public void onSend(byte[] buf, int off, int len) {
    events.add("SEND " + HEX.formatHex(buf, off, off + len));
    sent.write(buf, off, len);
  }

  @Override
  public void onIac(int command) {
    events.add("IAC " + command);
  }

  @Override
  public void onNegotiate(int command, int option) {
    String[] names = {"WILL", "WONT", "DO", "DONT"};
    events.add(names[command - Telnet.WILL] + " " + option);
  }

  @Override
  public void onSubnegotiation(int option, byte[] buf, int off, int len) {
    events.add("SB " + option + " " + HEX.formatHex(buf, off, off + len));
  }

  @Override
  public void onCompress(boolean enabled) {
    events.add("COMPRESS " + enabled);
  }

  @Override
  public void onZmp(List<byte[]> arguments) {
    StringBuilder sb = new StringBuilder("ZMP");
    for (byte[] a : arguments) {
      sb.append(' ').append(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    events.add(sb.toString());
  }

  @Override
  public void onTtype(int command, byte[] name) {
    events.add(
        "TTYPE " + command + " " + new String(name, java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  @Override
  public void onWarning(String message) {
    events.add("WARNING " + message);
  }

  @Override
  public void onError(String message) {
    events.add("ERROR " + message);
  }

  void assertEvents(String... expected) {
    assertEquals(List.of(expected), events);
    events.clear();
  }

  byte[] takeSent() {
    byte[] b = sent.toByteArray();
    sent.reset();
    return b;
  }
}
