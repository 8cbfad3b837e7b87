package io.cairn.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal RESP2/RESP3 client for tests that must see the protocol itself: it sends commands as multibulk (or raw
 * bytes) and reads each reply as a canonical text that keeps the reply's type, e.g. {@code +OK}, {@code :1},
 * {@code $bar}, {@code -ERR syntax error}, {@code *[$a,$b]}, {@code %{$k=:1}}, {@code _} (RESP3 null),
 * {@code $nil} / {@code *nil} (RESP2 nulls), {@code >[...]} (push).
 */
final class RespClient implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RespClient(String host, int port) throws IOException {
    this(new Socket(host, port));
  }

  /** Over an already connected socket (a TLS one, say). */
  RespClient(Socket connected) throws IOException {
    socket = connected;
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  static byte[] encode(String... args) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[][] bs = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bs[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
    }
    writeCommand(b, bs);
    return b.toByteArray();
  }

  static void writeCommand(ByteArrayOutputStream b, byte[][] args) {
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : args) {
      b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.writeBytes(a);
      b.writeBytes(new byte[] {'\r', '\n'});
    }
  }

  /** Sends one command and returns its reply. */
  String call(String... args) throws IOException {
    send(encode(args));
    return read();
  }

  void send(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
  }

  void send(String raw) throws IOException {
    send(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads one reply; throws at end of stream. */
  String read() throws IOException {
    int t = in.read();
    if (t < 0) {
      throw new java.io.EOFException("connection closed");
    }
    String line = line();
    switch (t) {
      case '+', '-', ':', ',', '(', '#' -> {
        return (char) t + line;
      }
      case '_' -> {
        return "_";
      }
      case '$', '=' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return "$nil";
        }
        byte[] b = in.readNBytes(n);
        in.readNBytes(2);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return "$" + (t == '=' ? s.substring(4) : s);
      }
      case '*', '~', '>', '%' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return "*nil";
        }
        int items = t == '%' ? 2 * n : n;
        StringBuilder sb = new StringBuilder();
        sb.append(t == '%' ? "%{" : (char) t + "[");
        for (int i = 0; i < items; i++) {
          if (i > 0) {
            sb.append(t == '%' && i % 2 == 1 ? "=" : ",");
          }
          sb.append(read());
        }
        return sb.append(t == '%' ? "}" : "]").toString();
      }
      default -> throw new IOException("unexpected reply type '" + (char) t + "' then " + line);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\r') {
        in.read();
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** True if the server closed the connection (reading returns end of stream) within the socket timeout. */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
