package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code cairn.remote.uri} alone makes every cache remote: an application's {@code @Cacheable} results land in a real
 * redis-server (started by the test), where another instance of the application finds them; a cache declared
 * {@code local-only} writes nothing there.
 */
class RemoteCachesIT {
  @TempDir Path dir;

  /** A lookup service whose calls are counted. */
  public static class Lookups {
    final AtomicInteger calls = new AtomicInteger();

    public int calls() {
      return calls.get();
    }

    @Cacheable("quotes")
    public String quote(String symbol) {
      calls.incrementAndGet();
      return symbol + "@" + calls.get();
    }

    @Cacheable("scratch")
    public String scratch(String key) {
      calls.incrementAndGet();
      return key;
    }
  }

  @Configuration
  @EnableCaching
  static class App {
    @Bean
    Lookups lookups() {
      return new Lookups();
    }
  }

  @Test
  void cairnRemoteUriMakesEveryCacheRemote() throws Exception {
    Path redisDir = Files.createTempDirectory("cairn-spring-redis-");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process redis = new ProcessBuilder(binary(redisDir), "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no").redirectErrorStream(true)
        .redirectOutput(redisDir.resolve("redis.log").toFile()).start();
    RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
    try {
      StatefulRedisConnection<String, String> conn = connect(client);
      String manager = "urn:cairn:spring-remote-" + System.nanoTime();
      ApplicationContextRunner app = new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class, CacheAutoConfiguration.class))
          .withUserConfiguration(App.class)
          .withPropertyValues("cairn.directory=" + dir, "cairn.uri=" + manager,
              "cairn.remote.uri=redis://127.0.0.1:" + port, "cairn.caches.scratch.local-only=true");
      app.run(ctx -> {
        Lookups l = ctx.getBean(Lookups.class);
        assertEquals("ACME@1", l.quote("ACME"));
        assertEquals("ACME@1", l.quote("ACME"));
        l.scratch("k");
        assertEquals(2, l.calls());
      });
      assertEquals(1, keys(conn, "cairn:" + manager + ":quotes:*"), "the quotes cache lives in Redis");
      assertEquals(0, keys(conn, "cairn:" + manager + ":scratch:*"), "a local-only cache writes nothing there");
      app.run(ctx -> {
        Lookups l = ctx.getBean(Lookups.class);
        assertEquals("ACME@1", l.quote("ACME"), "a new instance finds the first one's result in Redis");
        assertEquals(0, l.calls());
      });
    } finally {
      client.shutdown();
      redis.destroyForcibly();
    }
  }

  private static StatefulRedisConnection<String, String> connect(RedisClient client) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return client.connect();
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static int keys(StatefulRedisConnection<String, String> conn, String pattern) {
    int n = 0;
    for (ScanIterator<String> it = ScanIterator.scan(conn.sync(), ScanArgs.Builder.matches(pattern)); it.hasNext();
        it.next()) {
      n++;
    }
    return n;
  }

  private static String binary(Path dir) throws Exception {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d, "redis-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    try (InputStream in = RemoteCachesIT.class.getClassLoader()
        .getResourceAsStream("redis-server-6.2.6-v5-linux-amd64")) {
      Path bin = dir.resolve("redis-server");
      Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
      bin.toFile().setExecutable(true);
      return bin.toString();
    }
  }
}
