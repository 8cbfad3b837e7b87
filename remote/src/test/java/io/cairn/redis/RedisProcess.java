package io.cairn.redis;

import io.cairn.engine.TestFiles;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server child process on a free loopback port: the one on the PATH (Debian's 7.0), else (or with
 * {@code -Dcairn.redis.embedded=true}) the 6.2.6 binary inside embedded-redis. Tests never mock Redis.
 */
final class RedisProcess implements AutoCloseable {
  final Process process;
  final int port;
  final Path dir;

  private RedisProcess(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** A standalone server. */
  static RedisProcess start(String... extra) throws Exception {
    return start(freePort(), extra);
  }

  static RedisProcess start(int port, String... extra) throws Exception {
    Path dir = Files.createTempDirectory("cairn-redis-" + port + "-");
    String binary = binary(dir);
    List<String> cmd = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--protected-mode", "yes"));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    RedisClient c = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
    try {
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          throw new IllegalStateException(binary + " exited: " + Files.readString(dir.resolve("redis.log")));
        }
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
          if ("PONG".equals(conn.sync().ping())) {
            return new RedisProcess(p, port, dir);
          }
        } catch (RuntimeException e) {
          Thread.sleep(50);
        }
      }
    } finally {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
    p.destroyForcibly();
    throw new IllegalStateException(binary + " did not answer PING within 10 s");
  }

  private static String binary(Path dir) throws IOException {
    if (!Boolean.getBoolean("cairn.redis.embedded")) {
      for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path p = Path.of(d, "redis-server");
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    try (InputStream in = RedisProcess.class.getClassLoader()
        .getResourceAsStream("redis-server-6.2.6-v5-linux-amd64")) {
      if (in == null) {
        throw new IllegalStateException("no redis-server on the PATH and no binary inside embedded-redis");
      }
      Path bin = dir.resolve("redis-server");
      Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
      bin.toFile().setExecutable(true);
      return bin.toString();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** A plain Lettuce connection of "another client" (not Cairn), with byte[] keys and values. */
  StatefulRedisConnection<byte[], byte[]> connect(RedisClient client) {
    return client.connect(ByteArrayCodec.INSTANCE, RedisURI.create(uri()));
  }

  long pid() {
    return process.pid();
  }

  /** kill -STOP / -CONT. */
  void signal(String sig) throws Exception {
    new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start().waitFor();
  }

  @Override
  public void close() throws java.io.IOException {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    TestFiles.deleteTree(dir);
  }
}
