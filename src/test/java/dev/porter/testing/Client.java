package dev.porter.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A blocking test client with bounded reads: every read gives up after the socket timeout. */
public final class Client implements AutoCloseable {
  public static final int TIMEOUT_MILLIS = 10_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public Client(String host, int port) throws IOException {
    this(host, port, null);
  }

  /** Connects from a chosen local address (any 127.x.y.z works on Linux loopback). */
  public Client(String host, int port, String localAddress) throws IOException {
    socket = new Socket();
    if (localAddress != null) socket.bind(new InetSocketAddress(localAddress, 0));
    socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
    socket.setSoTimeout(TIMEOUT_MILLIS);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public static Client to(int port) throws IOException {
    return new Client("127.0.0.1", port);
  }

  public static Client from(String localAddress, int port) throws IOException {
    return new Client("127.0.0.1", port, localAddress);
  }

  public Socket socket() {
    return socket;
  }

  public Client send(String s) throws IOException {
    return send(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  public Client send(byte[] b) throws IOException {
    out.write(b);
    out.flush();
    return this;
  }

  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /**
   * Writes {@code payload} and half-closes from another thread while reading everything the server
   * sends back until EOF (an echo that waits for the whole payload would deadlock).
   */
  public byte[] sendAllAndReadBack(byte[] payload) throws Exception {
    java.util.concurrent.CompletableFuture<Void> writer =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                out.write(payload);
                shutdownOutput();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    byte[] back = readAllBytes();
    writer.get(TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    return back;
  }

  /** Reads until EOF. */
  public byte[] readAllBytes() throws IOException {
    return in.readAllBytes();
  }

  public String readAll() throws IOException {
    return new String(readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  /** Reads exactly {@code n} bytes (fails at EOF or timeout). */
  public byte[] readN(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) throw new IOException("EOF after " + b.length + " of " + n + " bytes");
    return b;
  }

  public String readN(String expected) throws IOException {
    return new String(readN(expected.length()), StandardCharsets.ISO_8859_1);
  }

  /** Reads one line including its CRLF or LF. */
  public String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      if (c == '\n') break;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** True when the server closed the connection (EOF or reset) within the socket timeout. */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  public InputStream in() {
    return in;
  }

  public OutputStream out() {
    return out;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
