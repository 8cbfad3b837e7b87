package io.cairn.server;

import io.cairn.engine.TestFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import java.util.concurrent.TimeUnit;

/**
 * A real redis-server child process on a free loopback port, for differential tests: the one on the PATH (Debian's
 * 7.0), else (or with {@code -Dcairn.redis.embedded=true}) the 6.2.6 binary shipped inside embedded-redis.
 * {@link #start} returns null, with the reason in {@link #whyNot}, when neither runs here.
 */
final class RealRedis implements AutoCloseable {
  static String whyNot = "";
  final Process process;
  final int port;
  final String version;
  final Path dir;

  private RealRedis(Process process, int port, String version, Path dir) {
    this.process = process;
    this.port = port;
    this.version = version;
    this.dir = dir;
  }

  static RealRedis start() throws Exception {
    Path dir = Files.createTempDirectory("cairn-real-redis-");
    String binary = Boolean.getBoolean("cairn.redis.embedded") ? null : onPath();
    if (binary == null) {
      binary = embedded(dir);
    }
    if (binary == null) {
      whyNot = "no redis-server on the PATH and the embedded-redis binary could not be extracted";
      return null;
    }
    int port = freePort();
    Process p = new ProcessBuilder(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--protected-mode", "yes")
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        whyNot = binary + " exited: " + Files.readString(dir.resolve("redis.log"));
        return null;
      }
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        if (c.call("PING").equals("+PONG")) {
          String info = c.call("INFO", "server");
          String v = info.replaceAll("(?s).*redis_version:([0-9.]+).*", "$1");
          return new RealRedis(p, port, v, dir);
        }
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    whyNot = binary + " did not answer PING within 10 s";
    return null;
  }

  private static String onPath() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d, "redis-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static String embedded(Path dir) {
    try (InputStream in = RealRedis.class.getClassLoader().getResourceAsStream("redis-server-6.2.6-v5-linux-amd64")) {
      if (in == null) {
        return null;
      }
      Path bin = dir.resolve("redis-server");
      Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
      bin.toFile().setExecutable(true);
      return bin.toString();
    } catch (IOException e) {
      return null;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Major version at least {@code major}. */
  boolean atLeast(int major) {
    return Integer.parseInt(version.split("\\.")[0]) >= major;
  }

  @Override
  public void close() throws java.io.IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    TestFiles.deleteTree(dir);
  }

}
