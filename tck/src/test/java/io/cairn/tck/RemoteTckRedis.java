package io.cairn.tck;

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
import java.util.concurrent.TimeUnit;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * The TCK's remote run ({@code -Dcairn.tck.remote=true}): starts a real redis-server on a free loopback port for the
 * session (the one on the PATH, else the binary inside embedded-redis), points every Cairn cache manager at it with
 * {@code cairn.remote.uri}, and empties it before each test, as each test of the local runs starts with fresh caches.
 * A remote cache is the shared tier's view: a cache created again over entries an earlier test left would see them.
 */
public final class RemoteTckRedis implements LauncherSessionListener, TestExecutionListener {
  private static Process server;
  private static int port;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (!Boolean.getBoolean("cairn.tck.remote")) {
      return;
    }
    try {
      Path dir = Files.createTempDirectory("cairn-tck-redis-");
      port = freePort();
      server = new ProcessBuilder(binary(dir), "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!call("PING").startsWith("+PONG")) {
        if (System.nanoTime() > deadline || !server.isAlive()) {
          throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
        }
        Thread.sleep(50);
      }
      System.setProperty("cairn.remote.uri", "redis://127.0.0.1:" + port);
      System.setProperty("cairn.remote.ping-interval", "200ms");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("the remote TCK run needs a redis-server: " + e, e);
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (server != null) {
      server.destroyForcibly();
    }
  }

  @Override
  public void executionStarted(TestIdentifier test) {
    if (server != null && test.isTest()) {
      String reply = call("FLUSHALL");
      if (!reply.startsWith("+OK")) {
        throw new IllegalStateException("FLUSHALL before " + test.getDisplayName() + " answered " + reply);
      }
    }
  }

  /** One command over a fresh connection; its first reply line, or an empty string if the server is not up. */
  private static String call(String command) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write(("*1\r\n$" + command.length() + "\r\n" + command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString();
    } catch (IOException e) {
      return "";
    }
  }

  private static String binary(Path dir) throws IOException {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d, "redis-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    try (InputStream in = RemoteTckRedis.class.getClassLoader()
        .getResourceAsStream("redis-server-6.2.6-v5-linux-amd64")) {
      if (in == null) {
        throw new IOException("no redis-server on the PATH and no binary inside embedded-redis");
      }
      Path bin = dir.resolve("redis-server");
      Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
      bin.toFile().setExecutable(true);
      return bin.toString();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
