package io.cairn.server;

import io.cairn.engine.RedisServerProcess;
import java.io.IOException;

/**
 * A real redis-server child process on a free loopback port, for differential tests (the engine's
 * {@link RedisServerProcess}: the PATH's, else embedded-redis's), with its version. {@link #start} returns null, with
 * the reason in {@link #whyNot}, when neither runs here.
 */
final class RealRedis implements AutoCloseable {
  static String whyNot = "";
  final int port;
  final String version;
  private final RedisServerProcess server;

  private RealRedis(RedisServerProcess server, String version) {
    this.server = server;
    this.port = server.port;
    this.version = version;
  }

  static RealRedis start() throws Exception {
    RedisServerProcess server;
    try {
      server = RedisServerProcess.start();
    } catch (IOException | IllegalStateException e) {
      whyNot = e.getMessage();
      return null;
    }
    try (RespClient c = new RespClient("127.0.0.1", server.port)) {
      String info = c.call("INFO", "server");
      String v = info.replaceAll("(?s).*redis_version:([0-9.]+).*", "$1");
      return new RealRedis(server, v);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  static int freePort() throws IOException {
    return RedisServerProcess.freePort();
  }

  /** Major version at least {@code major}. */
  boolean atLeast(int major) {
    return Integer.parseInt(version.split("\\.")[0]) >= major;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
