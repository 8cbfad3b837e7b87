package io.cairn.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server child process on a loopback port, for the tests that need Redis itself (they never mock it):
 * the {@code redis-server} on the PATH (Debian's 7.0 in CI), else, or with {@code -Dcairn.redis.embedded=true}, the
 * 6.2.6 binary inside the embedded-redis test dependency, copied out and made executable. No persistence, protected
 * mode on, its own directory (deleted on close) with {@code redis.log}.
 */
public final class RedisServerProcess implements AutoCloseable {
  /** The resource name of the binary inside embedded-redis. */
  private static final String EMBEDDED = "redis-server-6.2.6-v5-linux-amd64";

  public final Process process;
  public final int port;
  public final Path dir;
  public final String binary;

  private RedisServerProcess(Process process, int port, Path dir, String binary) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.binary = binary;
  }

  /** A server on a free port, with these extra {@code --setting value} arguments. */
  public static RedisServerProcess start(String... extra) throws IOException, InterruptedException {
    return start(freePort(), extra);
  }

  /**
   * A server on {@code port}; returns once it answers PING (10 s at most).
   *
   * @throws IllegalStateException naming the binary and with its log, if it exits or does not answer
   * @throws IOException if no binary can be found or started
   */
  public static RedisServerProcess start(int port, String... extra) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("cairn-redis-" + port + "-");
    String binary = binary(dir);
    List<String> cmd = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--protected-mode", "yes"));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    RedisServerProcess server = new RedisServerProcess(p, port, dir, binary);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        String log = Files.readString(dir.resolve("redis.log"));
        TestFiles.deleteTree(dir);
        throw new IllegalStateException(binary + " exited: " + log);
      }
      if (server.call("PING").equals("+PONG")) {
        return server;
      }
      Thread.sleep(50);
    }
    server.close();
    throw new IllegalStateException(binary + " did not answer PING within 10 s");
  }

  /**
   * The redis-server to run: the PATH's (unless {@code cairn.redis.embedded} is set), else embedded-redis's, copied
   * into {@code dir}.
   *
   * @throws IOException if there is neither
   */
  public static String binary(Path dir) throws IOException {
    if (!Boolean.getBoolean("cairn.redis.embedded")) {
      for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path p = Path.of(d, "redis-server");
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
      if (in == null) {
        throw new IOException("no redis-server on the PATH and no " + EMBEDDED + " inside embedded-redis on the"
            + " class path");
      }
      Path bin = dir.resolve("redis-server");
      Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
      if (!bin.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + bin + " executable");
      }
      return bin.toString();
    }
  }

  /** A loopback port free now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** {@code redis://127.0.0.1:port}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Sends one command over a fresh connection and returns the first line of its reply ({@code +PONG}, {@code $5},
   * {@code -ERR ...}), or an empty string if the server does not answer.
   */
  public String call(String... args) {
    StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    TestFiles.deleteTree(dir);
  }
}
