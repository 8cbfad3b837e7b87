package io.cairn.tck;

import io.cairn.jcache.CairnCachingProvider;
import java.net.URI;
import javax.cache.Caching;
import javax.cache.annotation.BeanProvider;
import javax.cache.configuration.MutableConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gives the TCK's annotation tests their beans: the {@code manager.*BlogManagerImpl} classes, proxied by Spring's
 * JSR-107 annotation support ({@code @CacheResult}, {@code @CachePut}, {@code @CacheRemove}, {@code @CacheRemoveAll})
 * over a Cairn cache manager. Caches named by the annotations are created on first use with a default configuration.
 */
public final class SpringBeanProvider implements BeanProvider {
  private final AnnotationConfigApplicationContext context;

  public SpringBeanProvider() {
    context = new AnnotationConfigApplicationContext();
    context.register(Config.class);
    context.registerBean(manager.ClassLevelCacheConfigBlogManagerImpl.class);
    context.registerBean(manager.CacheNameOnEachMethodBlogManagerImpl.class);
    context.registerBean(manager.UsingDefaultCacheNameBlogManagerImpl.class);
    context.refresh();
  }

  @Override
  public <T> T getBeanByType(Class<T> beanClass) {
    return context.getBean(beanClass);
  }

  /** Spring caching with JSR-107 annotations, backed by Cairn. */
  @Configuration
  @EnableCaching(proxyTargetClass = true)
  public static class Config {
    @Bean
    public org.springframework.cache.CacheManager cacheManager() {
      return new ReacquiringCacheManager();
    }
  }

  /**
   * Looks the Cairn cache up on every call, so a cache manager closed by someone else (the TCK closes the provider
   * between test classes) is replaced by a new one instead of failing with "closed".
   */
  static final class ReacquiringCacheManager implements org.springframework.cache.CacheManager {
    private static final URI URI_ = URI.create("urn:cairn:tck-annotations");

    private javax.cache.CacheManager cairn() {
      return Caching.getCachingProvider(CairnCachingProvider.class.getName())
          .getCacheManager(URI_, SpringBeanProvider.class.getClassLoader());
    }

    @Override
    public Cache getCache(String name) {
      javax.cache.CacheManager m = cairn();
      javax.cache.Cache<Object, Object> cache = m.getCache(name);
      if (cache == null) {
        cache = m.createCache(name, new MutableConfiguration<>());
      }
      return new JCacheCache(cache, true);
    }

    @Override
    public java.util.Collection<String> getCacheNames() {
      java.util.List<String> names = new java.util.ArrayList<>();
      cairn().getCacheNames().forEach(names::add);
      return names;
    }
  }
}
