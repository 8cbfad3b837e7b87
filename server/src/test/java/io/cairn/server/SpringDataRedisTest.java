package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Spring's cache abstraction over Cairn server through Spring Data Redis's RedisCacheManager, with its TTL. */
class SpringDataRedisTest {
  static int port;

  /** A service whose results Spring caches in Redis (here: Cairn). */
  static class Greeter {
    private final AtomicInteger calls = new AtomicInteger();

    public int calls() {
      return calls.get();
    }

    @Cacheable("greetings")
    public String greet(String name) {
      calls.incrementAndGet();
      return "hello " + name;
    }
  }

  @Configuration
  @EnableCaching
  static class App {
    @Bean
    LettuceConnectionFactory redisConnectionFactory() {
      return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
    }

    @Bean
    CacheManager cacheManager(LettuceConnectionFactory f) {
      return RedisCacheManager.builder(f)
          .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().entryTtl(Duration.ofSeconds(600))).build();
    }

    @Bean
    Greeter greeter() {
      return new Greeter();
    }
  }

  @Test
  void cacheableThroughRedisCacheManagerWithItsTtl() throws Exception {
    try (TestServer s = TestServer.start(); RespClient raw = s.client()) {
      port = s.port();
      try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(App.class)) {
        Greeter g = ctx.getBean(Greeter.class);
        assertEquals("hello ada", g.greet("ada"));
        // The cache writer may store the entry on a connection of its own, after greet returned.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (raw.call("EXISTS", "greetings::ada").equals(":0") && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertEquals("hello ada", g.greet("ada"));
        assertEquals(1, g.calls(), "the second call is served from the cache in Cairn");
        long ttl = Long.parseLong(raw.call("TTL", "greetings::ada").substring(1));
        assertTrue(ttl > 590 && ttl <= 600, "the entry carries the configured time-to-live: " + ttl);
        ctx.getBean(CacheManager.class).getCache("greetings").invalidate();
        assertEquals(":0", raw.call("EXISTS", "greetings::ada"),
            "Cache.invalidate removes the entries (KEYS, then DEL)");
        assertEquals("hello ada", g.greet("ada"));
        assertEquals(2, g.calls());
      }
    }
  }
}
