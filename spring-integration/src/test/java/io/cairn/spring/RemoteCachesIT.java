package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.engine.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
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
    RedisServerProcess redis = RedisServerProcess.start();
    int port = redis.port;
    RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
    try {
      StatefulRedisConnection<String, String> conn = client.connect();
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
      // Key names carry the manager URI with its ':' escaped as %3A.
      String inRedis = "cairn:" + manager.replace(":", "%3A");
      assertEquals(1, keys(conn, inRedis + ":quotes:*"), "the quotes cache lives in Redis");
      assertEquals(0, keys(conn, inRedis + ":scratch:*"), "a local-only cache writes nothing there");
      app.run(ctx -> {
        Lookups l = ctx.getBean(Lookups.class);
        assertEquals("ACME@1", l.quote("ACME"), "a new instance finds the first one's result in Redis");
        assertEquals(0, l.calls());
      });
    } finally {
      client.shutdown();
      redis.close();
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

}
