package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.CairnCachingProvider;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.annotation.CacheRemoveAll;
import javax.cache.annotation.CacheResult;
import javax.cache.configuration.CompleteConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class CairnCacheAutoConfigurationTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class, CacheAutoConfiguration.class))
        .withUserConfiguration(Caching.class)
        .withPropertyValues("cairn.directory=" + dir, "cairn.uri=urn:cairn:spring-test-" + System.nanoTime());
  }

  /** A service whose lookups count their calls. */
  public static class Lookups {
    final AtomicInteger calls = new AtomicInteger();

    /** Through a method: the bean is a class proxy, whose own fields are not the target's. */
    public int calls() {
      return calls.get();
    }

    @Cacheable("quotes")
    public String quote(String symbol) {
      calls.incrementAndGet();
      return symbol + "@" + calls.get();
    }

    @Cacheable(cacheNames = "synced", sync = true)
    public String synced(String key) {
      calls.incrementAndGet();
      return key.toUpperCase();
    }

    @Cacheable("nullable")
    public String nothing(String key) {
      calls.incrementAndGet();
      return null;
    }

    @CachePut(cacheNames = "quotes", key = "#symbol")
    public String refresh(String symbol) {
      return symbol + "@refreshed";
    }

    @CacheEvict("quotes")
    public void evict(String symbol) {}

    @CacheResult(cacheName = "jsr107")
    public String jsr107(String key) {
      calls.incrementAndGet();
      return "r-" + key;
    }

    @CacheRemoveAll(cacheName = "jsr107")
    public void clearJsr107() {}
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class Caching {
    @Bean
    Lookups lookups() {
      return new Lookups();
    }
  }

  @Test
  void cacheableWorksOnCairnWithNoSetting() {
    runner().run(ctx -> {
      assertTrue(ctx.getBean(org.springframework.cache.CacheManager.class) instanceof CairnSpringCacheManager);
      Lookups l = ctx.getBean(Lookups.class);
      assertEquals("ACME@1", l.quote("ACME"));
      assertEquals("ACME@1", l.quote("ACME"), "second call served from the cache");
      assertEquals(1, l.calls());
      l.refresh("ACME");
      assertEquals("ACME@refreshed", l.quote("ACME"));
      l.evict("ACME");
      assertEquals("ACME@2", l.quote("ACME"));
      assertEquals("X", l.synced("x"));
      assertEquals("X", l.synced("x"));
      assertNull(l.nothing("k"));
      assertNull(l.nothing("k"));
      int before = l.calls();
      assertEquals("r-1", l.jsr107("1"));
      assertEquals("r-1", l.jsr107("1"));
      assertEquals(before + 1, l.calls(), "JSR-107 @CacheResult served from the cache; null cached too");
      l.clearJsr107();
      l.jsr107("1");
      assertEquals(before + 2, l.calls());
      javax.cache.CacheManager cairn = ctx.getBean(javax.cache.CacheManager.class);
      assertTrue(cairn.getCachingProvider() instanceof CairnCachingProvider);
      assertNotNull(cairn.getCache("synced"), "created on first use");
    });
  }

  @Test
  void cairnPropertiesConfigureNamedCachesAndDefaults() {
    runner().withPropertyValues("cairn.defaults.heap-entries=7", "cairn.caches.quotes.persistent=true",
        "cairn.caches.quotes.expire-after-write=10m", "cairn.caches.quotes.bidi=true").run(ctx -> {
          javax.cache.CacheManager cairn = ctx.getBean(javax.cache.CacheManager.class);
          javax.cache.Cache<Object, Object> quotes = cairn.getCache("quotes");
          assertNotNull(quotes, "declared caches exist from startup");
          assertNotNull(quotes.unwrap(io.cairn.jcache.BidiCache.class), "bidi applies");
          assertTrue(quotes.getConfiguration(CompleteConfiguration.class).isStatisticsEnabled(),
              "statistics on, for Micrometer");
          assertTrue(dir.resolve("quotes").toFile().isDirectory(), "the persistent cache lives under cairn.directory");
        });
  }

  @Test
  void badValueFailsStartupNamingTheProperty() {
    runner().withPropertyValues("cairn.caches.quotes.disk-bytes=lots").run(ctx -> {
      assertNotNull(ctx.getStartupFailure());
      String all = messages(ctx.getStartupFailure());
      assertTrue(all.contains("cairn.caches.quotes.disk-bytes"), all);
    });
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }

  @Test
  void withoutCreateOnFirstUseTheErrorNamesCacheAndProperty() {
    runner().withPropertyValues("cairn.create-on-first-use=false").run(ctx -> {
      Lookups l = ctx.getBean(Lookups.class);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.quote("A"));
      assertTrue(e.getMessage().contains("quotes") && e.getMessage().contains("cairn.caches.quotes"), e.getMessage());
    });
  }

  @Test
  void backsOffWhenAnotherProviderIsChosen() {
    runner().withPropertyValues("spring.cache.jcache.provider="
        + "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider").run(ctx -> {
          assertFalse(ctx.getBean(org.springframework.cache.CacheManager.class) instanceof CairnSpringCacheManager);
          assertFalse(ctx.getBean(javax.cache.CacheManager.class).getCachingProvider()
              instanceof CairnCachingProvider);
        });
  }

  @Test
  void takesOverWithAnotherProviderOnTheClassPath() {
    runner().run(ctx -> assertTrue(ctx.getBean(javax.cache.CacheManager.class).getCachingProvider()
        instanceof CairnCachingProvider, "Caffeine's jcache is on this test's class path too"));
  }

  @Test
  void twoContextsInOneJvmShareTheManagerSafely() {
    ApplicationContextRunner shared = runner().withPropertyValues("cairn.uri=urn:cairn:two-contexts",
        "cairn.caches.quotes.persistent=true");
    shared.run(first -> shared.run(second -> {
      first.getBean(Lookups.class).quote("A");
      ConfigurableApplicationContext closing = first.getSourceApplicationContext();
      closing.close();
      Lookups l = second.getBean(Lookups.class);
      assertEquals("B@1", l.quote("B"), "the second context's caches still work after the first closed");
      assertEquals("B@1", l.quote("B"));
      assertNotNull(second.getBean(javax.cache.CacheManager.class).getCache("quotes").get("A"),
          "the persistent cache is shared, not reopened");
    }));
  }

  @Test
  void aManagerClosedElsewhereIsReplaced() {
    runner().run(ctx -> {
      Lookups l = ctx.getBean(Lookups.class);
      l.quote("A");
      javax.cache.Caching.getCachingProvider(CairnCachingProvider.class.getName()).close();
      assertEquals("B@2", l.quote("B"), "no 'cache is closed' after someone closed the provider");
    });
  }
}
