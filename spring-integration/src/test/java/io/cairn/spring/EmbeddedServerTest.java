package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.server.CairnServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code cairn.server.port}: a Boot application's own caches served over RESP, read and written with Lettuce. A
 * String cache holds UTF-8 text both sides read; an {@code Object} cache (what a first use creates) shows clients
 * the tagged codec's type byte; the server stops with the context.
 */
class EmbeddedServerTest {
  @TempDir Path dir;

  /** Greetings whose computations are counted. */
  public static class Greetings {
    final AtomicInteger calls = new AtomicInteger();

    public int calls() {
      return calls.get();
    }

    @Cacheable("greetings")
    public String greet(String name) {
      calls.incrementAndGet();
      return "hello " + name;
    }

    @Cacheable("anything")
    public String anything(String key) {
      calls.incrementAndGet();
      return "v-" + key;
    }
  }

  @Configuration
  @EnableCaching
  static class App {
    @Bean
    Greetings greetings() {
      return new Greetings();
    }

    /** "greetings" keyed and valued by String, so its bytes are UTF-8 text for Redis clients too. */
    @Bean
    JCacheManagerCustomizer stringGreetings() {
      return m -> m.createCache("greetings",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    }
  }

  private ApplicationContextRunner app(String... properties) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class,
            CairnServerAutoConfiguration.class, CacheAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withPropertyValues("cairn.directory=" + dir, "cairn.uri=urn:cairn:embedded-" + System.nanoTime())
        .withPropertyValues(properties);
  }

  @Test
  void aClientReadsWhatCacheableWroteAndTheApplicationReadsWhatTheClientSet() {
    AtomicReference<RedisURI> uri = new AtomicReference<>();
    app("cairn.server.port=0", "cairn.server.databases=greetings,anything").run(ctx -> {
      Greetings g = ctx.getBean(Greetings.class);
      int port = ctx.getEnvironment().getProperty(CairnServerAutoConfiguration.LOCAL_PORT, Integer.class);
      assertEquals(port, ctx.getBean(CairnServer.class).port());
      uri.set(RedisURI.create("redis://127.0.0.1:" + port));
      RedisClient client = RedisClient.create(uri.get());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        RedisCommands<String, String> redis = c.sync();
        assertEquals("hello alice", g.greet("alice"));
        assertEquals("hello alice", redis.get("alice"), "the @Cacheable result, as the String codec's UTF-8");
        assertEquals("OK", redis.set("bob", "hi bob"));
        assertEquals("hi bob", g.greet("bob"), "the application reads the client's SET from its cache");
        assertEquals(1, g.calls());
        assertEquals(1L, redis.del("alice"));
        assertEquals("hello alice", g.greet("alice"));
        assertEquals(2, g.calls(), "a key the client deleted is computed again");
        assertEquals(2L, redis.dbsize());
        assertEquals(java.util.Set.of("alice", "bob"), java.util.Set.copyOf(redis.keys("*")));
        assertEquals(1L, redis.pexpire("bob", 60_000) ? 1L : 0L);
        assertTrue(redis.pttl("bob") > 0, "a TTL from a client is the entry's expiry in the application's cache");
        assertEquals("ERR SWAPDB is not available: the databases are the application's caches",
            assertThrows(RedisCommandExecutionException.class, () -> redis.swapdb(0, 1)).getMessage());
      }
      try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
        RedisCommands<byte[], byte[]> redis = c.sync();
        RedisCommandExecutionException malformed = assertThrows(RedisCommandExecutionException.class,
            () -> redis.set(new byte[] {(byte) 0xff}, "v".getBytes(StandardCharsets.UTF_8)));
        assertTrue(malformed.getMessage().startsWith("ERR not a key of cache 'greetings' (its key codec is String)"),
            "bytes that are not UTF-8 would not come back as sent: " + malformed.getMessage());
        redis.select(1);
        assertEquals("v-k", g.anything("k"));
        byte[] key = tagged("k");
        assertArrayEquals(tagged("v-k"), redis.get(key),
            "an Object cache's value: the tagged codec's type byte (1: String), then UTF-8");
        redis.set(tagged("m"), tagged("from a client"));
        assertEquals("from a client", g.anything("m"));
        RedisCommandExecutionException bad = assertThrows(RedisCommandExecutionException.class,
            () -> redis.set("plain".getBytes(StandardCharsets.UTF_8), tagged("x")));
        assertTrue(bad.getMessage().startsWith("ERR not a key of cache 'anything'"), bad.getMessage());
        assertEquals(3, g.calls());
      } finally {
        client.shutdown();
      }
    });
    RedisClient after = RedisClient.create(uri.get());
    try {
      assertThrows(RedisConnectionException.class, after::connect, "the server stopped with the context");
    } finally {
      after.shutdown();
    }
  }

  /** The tagged codec's encoding of a String: type byte 1, then its UTF-8. */
  private static byte[] tagged(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 1];
    out[0] = 1;
    System.arraycopy(utf8, 0, out, 1, utf8.length);
    return out;
  }

  @Test
  void withoutADatabaseListTheDeclaredCachesAreServedInNameOrder() {
    app("cairn.server.port=0", "cairn.caches.zebra.heap-entries=100", "cairn.caches.aardvark.heap-entries=100")
        .run(ctx -> {
          int port = ctx.getEnvironment().getProperty(CairnServerAutoConfiguration.LOCAL_PORT, Integer.class);
          RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
          try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            c.sync().select(1);
            c.sync().set(tagged("k"), tagged("in zebra"));
          } finally {
            client.shutdown();
          }
          javax.cache.CacheManager m = ctx.getBean(javax.cache.CacheManager.class);
          assertEquals("in zebra", m.getCache("zebra").get("k"));
          assertNull(m.getCache("aardvark").get("k"));
        });
  }

  @Test
  void storageSettingsAreRefusedNamingTheSetting() {
    app("cairn.server.port=0", "cairn.server.databases=greetings", "cairn.server.options.persistent=yes")
        .run(ctx -> {
          Throwable t = ctx.getStartupFailure();
          while (t.getCause() != null) {
            t = t.getCause();
          }
          assertEquals("'persistent' does not apply to an embedded server: its databases are the application's "
              + "caches, configured where the application creates them", t.getMessage());
        });
  }
}
