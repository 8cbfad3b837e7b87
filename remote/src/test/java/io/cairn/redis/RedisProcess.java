package io.cairn.redis;

import io.cairn.engine.RedisServerProcess;
import io.cairn.engine.TestFiles;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server child process on a free loopback port (started by the engine's {@link RedisServerProcess}: the
 * PATH's, else embedded-redis's), with what the remote tier's tests do to it: plain Lettuce connections of "another
 * client", signals, a kill on close. Tests never mock Redis.
 */
final class RedisProcess implements AutoCloseable {
  final Process process;
  final int port;
  final Path dir;

  private RedisProcess(RedisServerProcess server) {
    this.process = server.process;
    this.port = server.port;
    this.dir = server.dir;
  }

  /** A standalone server. */
  static RedisProcess start(String... extra) throws Exception {
    return new RedisProcess(RedisServerProcess.start(extra));
  }

  static RedisProcess start(int port, String... extra) throws Exception {
    return new RedisProcess(RedisServerProcess.start(port, extra));
  }

  static int freePort() throws IOException {
    return RedisServerProcess.freePort();
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

  /** Kills the server at once (it may be stopped by a signal) and deletes its directory. */
  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    TestFiles.deleteTree(dir);
  }
}
