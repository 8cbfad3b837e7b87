package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.CairnCachingProvider;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.JCachePropertiesCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.CacheOperationInvocationContext;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.cache.support.NoOpCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Each Spring Boot cache convention, run against Cairn and against Caffeine's JCache provider in the same test, so
 * each assertion shows what Boot does for any JCache provider and that Cairn does the same.
 */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class BootConventionsTest {
  @TempDir Path dir;

  private static final String CAFFEINE = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

  private ApplicationContextRunner runner(String provider) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class, CacheAutoConfiguration.class))
        .withUserConfiguration(Caching.class)
        .withPropertyValues("cairn.directory=" + dir, "cairn.uri=urn:cairn:conventions-" + System.nanoTime(),
            "spring.cache.jcache.provider=" + (provider.equals("cairn") ? CairnCachingProvider.class.getName()
                : CAFFEINE));
  }

  private static void providerIs(String provider, javax.cache.CacheManager m) {
    assertEquals(provider.equals("cairn") ? CairnCachingProvider.class.getName() : CAFFEINE,
        m.getCachingProvider().getClass().getName());
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class Caching {
    @Bean
    Lookups lookups() {
      return new Lookups();
    }
  }

  /** A service whose lookups count their calls. */
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
  }

  @ParameterizedTest
  @ValueSource(strings = {"cairn", "caffeine"})
  void cacheNamesAreCreatedAtStartupWithTheDefaultConfigurationBean(String provider) {
    runner(provider).withPropertyValues("spring.cache.cache-names=alpha,beta")
        .withBean(javax.cache.configuration.Configuration.class,
            () -> new MutableConfiguration<>().setStatisticsEnabled(true).setStoreByValue(false))
        .run(ctx -> {
          javax.cache.CacheManager m = ctx.getBean(javax.cache.CacheManager.class);
          providerIs(provider, m);
          for (String name : List.of("alpha", "beta")) {
            javax.cache.Cache<Object, Object> c = m.getCache(name);
            assertNotNull(c, name + " created at startup");
            CompleteConfiguration<?, ?> conf = c.getConfiguration(CompleteConfiguration.class);
            assertTrue(conf.isStatisticsEnabled(), "the default Configuration bean applies to " + name);
            assertFalse(conf.isStoreByValue(), "the default Configuration bean applies to " + name);
          }
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"cairn", "caffeine"})
  void jcacheManagerCustomizersRunOnTheManager(String provider) {
    runner(provider).withBean(JCacheManagerCustomizer.class,
        () -> m -> m.createCache("customized", new MutableConfiguration<>()))
        .run(ctx -> {
          javax.cache.CacheManager m = ctx.getBean(javax.cache.CacheManager.class);
          providerIs(provider, m);
          assertNotNull(m.getCache("customized"));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"cairn", "caffeine"})
  void jcachePropertiesCustomizersShapeTheManagersProperties(String provider) {
    runner(provider).withBean(JCachePropertiesCustomizer.class, () -> p -> p.setProperty("app.marker", "42"))
        .run(ctx -> {
          javax.cache.CacheManager m = ctx.getBean(javax.cache.CacheManager.class);
          providerIs(provider, m);
          assertEquals("42", m.getProperties().getProperty("app.marker"));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"cairn", "caffeine"})
  void cacheManagerCustomizersRunOnTheSpringCacheManager(String provider) {
    runner(provider).withBean("nullsOff", CacheManagerCustomizer.class,
        () -> (CacheManagerCustomizer<JCacheCacheManager>) m -> m.setAllowNullValues(false))
        .run(ctx -> {
          CacheManager spring = ctx.getBean(CacheManager.class);
          JCacheCacheManager jcache = assertInstanceOf(JCacheCacheManager.class, spring);
          assertFalse(jcache.isAllowNullValues(), "the customizer ran");
          providerIs(provider, jcache.getCacheManager());
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"cairn", "caffeine"})
  void jcacheConfigNamesTheProvidersOwnConfigurationFile(String provider) {
    String file = provider.equals("cairn") ? "cairn-boot-conventions.properties" : "caffeine-boot-conventions.conf";
    runner(provider).withPropertyValues("spring.cache.jcache.config=classpath:" + file)
        .run(ctx -> {
          javax.cache.CacheManager m = ctx.getBean(javax.cache.CacheManager.class);
          providerIs(provider, m);
          assertTrue(m.getURI().toString().endsWith(file), "the manager's URI is the file: " + m.getURI());
          javax.cache.Cache<Object, Object> c = provider.equals("cairn")
              ? m.createCache("fromfile", new MutableConfiguration<>()) : m.getCache("fromfile");
          assertNotNull(c);
          assertFalse(c.getConfiguration(CompleteConfiguration.class).isStoreByValue(), "the file's setting applies");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"cairn", "caffeine"})
  void cacheTypeNoneAndSimpleReplaceTheProvider(String provider) {
    runner(provider).withPropertyValues("spring.cache.type=none")
        .run(ctx -> assertInstanceOf(NoOpCacheManager.class, ctx.getBean(CacheManager.class)));
    runner(provider).withPropertyValues("spring.cache.type=simple")
        .run(ctx -> assertInstanceOf(ConcurrentMapCacheManager.class, ctx.getBean(CacheManager.class)));
    runner(provider).withPropertyValues("spring.cache.type=jcache")
        .run(ctx -> providerIs(provider,
            assertInstanceOf(JCacheCacheManager.class, ctx.getBean(CacheManager.class)).getCacheManager()));
  }

  /** A resolver that answers every cache from a map of its own. */
  static final class OwnResolver implements CacheResolver {
    final ConcurrentMapCacheManager own = new ConcurrentMapCacheManager();

    @Override
    public Collection<? extends org.springframework.cache.Cache> resolveCaches(
        CacheOperationInvocationContext<?> context) {
      return context.getOperation().getCacheNames().stream().map(own::getCache).toList();
    }
  }

  /** The application's resolver, as a bean named cacheResolver that its configurer hands to Spring. */
  @Configuration(proxyBeanMethods = false)
  static class ResolverConfigurer implements CachingConfigurer {
    final OwnResolver resolver = new OwnResolver();

    @Bean
    @Override
    public CacheResolver cacheResolver() {
      return resolver;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cairn", "caffeine"})
  void aCacheResolverBeanTakesOverAndTheAutoConfiguredManagerBacksOff(String provider) {
    runner(provider).withUserConfiguration(ResolverConfigurer.class).run(ctx -> {
      assertTrue(ctx.getBeansOfType(CacheManager.class).isEmpty(), "no cache manager is auto-configured");
      Lookups l = ctx.getBean(Lookups.class);
      assertEquals(l.quote("A"), l.quote("A"));
      assertEquals(1, l.calls());
      OwnResolver r = (OwnResolver) ctx.getBean("cacheResolver");
      assertNotNull(r.own.getCache("quotes").get("A"), "the resolver's cache served the call");
    });
  }

  /** A configurer naming a cache manager of the application's own. */
  @Configuration(proxyBeanMethods = false)
  static class OwnConfigurer implements CachingConfigurer {
    final ConcurrentMapCacheManager own = new ConcurrentMapCacheManager();

    @Override
    public CacheManager cacheManager() {
      return own;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cairn", "caffeine"})
  void aCachingConfigurersCacheManagerServesTheAnnotations(String provider) {
    runner(provider).withUserConfiguration(OwnConfigurer.class).run(ctx -> {
      Lookups l = ctx.getBean(Lookups.class);
      assertEquals(l.quote("B"), l.quote("B"));
      assertEquals(1, l.calls());
      assertNotNull(ctx.getBean(OwnConfigurer.class).own.getCache("quotes").get("B"),
          "the configurer's cache manager served the call");
    });
  }
}
