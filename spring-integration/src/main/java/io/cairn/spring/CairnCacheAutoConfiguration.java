package io.cairn.spring;

import io.cairn.jcache.CairnCachingProvider;
import java.net.URI;
import java.util.Properties;
import javax.cache.Caching;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Makes Cairn the application's cache when it is on the class path.
 *
 * <ul>
 *   <li>A Cairn {@link javax.cache.CacheManager} built from {@code cairn.*} (unless the application defines one),
 *   shared with other contexts of the JVM that use the same URI and class loader.</li>
 *   <li>With {@code @EnableCaching}: a Spring {@link org.springframework.cache.CacheManager} over it that creates
 *   caches on first use; Boot's own JCache configuration then backs off.</li>
 *   <li>With Hibernate and {@code hibernate-jcache}: Hibernate's second-level cache uses the same manager.</li>
 * </ul>
 * Backs off when {@code spring.cache.jcache.provider} names another JCache provider, or {@code spring.cache.type}
 * is set to something other than {@code jcache}.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass({Caching.class, JCacheCacheManager.class, CairnCachingProvider.class})
@Conditional(CairnCacheAutoConfiguration.CairnSelected.class)
@EnableConfigurationProperties(CairnProperties.class)
public class CairnCacheAutoConfiguration implements BeanClassLoaderAware {
  private ClassLoader beanClassLoader = CairnCacheAutoConfiguration.class.getClassLoader();

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.beanClassLoader = classLoader;
  }

  /** The Cairn manager, released (closed when no other context uses it) when the context closes. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(javax.cache.CacheManager.class)
  public CairnManagerHandle cairnCacheManagerHandle(CairnProperties properties) {
    return new CairnManagerHandle(URI.create(properties.getUri()), beanClassLoader,
        properties.toCairnProperties());
  }

  /** The manager itself; closing it is the handle's job (other contexts may share it). */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(javax.cache.CacheManager.class)
  public javax.cache.CacheManager cairnCacheManager(CairnManagerHandle handle) {
    return handle.manager();
  }

  /** Spring's cache abstraction over Cairn, when caching is enabled. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(CacheAspectSupport.class)
  static class SpringCaching {
    @Bean
    @ConditionalOnMissingBean(org.springframework.cache.CacheManager.class)
    public CairnSpringCacheManager cacheManager(javax.cache.CacheManager cairn,
        org.springframework.beans.factory.ObjectProvider<CairnManagerHandle> handle, CairnProperties properties) {
      CairnManagerHandle h = handle.getIfAvailable();
      CairnSpringCacheManager m = new CairnSpringCacheManager(h != null ? h::manager : () -> cairn,
          properties.isCreateOnFirstUse(), true);
      m.createAll(properties.getCaches().keySet());
      return m;
    }
  }

  /** Hibernate's second-level cache on the same Cairn manager. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.hibernate.cache.jcache.ConfigSettings",
      "org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer"})
  static class HibernateSharing {
    @Bean
    public org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer cairnHibernateCache(
        javax.cache.CacheManager cairn) {
      return p -> {
        p.putIfAbsent("hibernate.javax.cache.cache_manager", cairn);
        p.putIfAbsent("hibernate.javax.cache.missing_cache_strategy", "create");
      };
    }
  }

  /** Holds this context's use of a shared Cairn manager. */
  public static final class CairnManagerHandle implements DisposableBean {
    private final URI uri;
    private final ClassLoader loader;
    private final Properties properties;
    private final javax.cache.CacheManager acquired;

    CairnManagerHandle(URI uri, ClassLoader loader, Properties properties) {
      this.uri = uri;
      this.loader = loader;
      this.properties = properties;
      this.acquired = SharedCacheManagers.acquire(uri, loader, properties);
    }

    /** The live manager (a new one if someone closed the one this context started with). */
    public javax.cache.CacheManager manager() {
      return acquired.isClosed() ? SharedCacheManagers.current(uri, loader, properties) : acquired;
    }

    @Override
    public void destroy() {
      SharedCacheManagers.release(manager());
    }
  }

  /** True unless the application chose another cache type or JCache provider. */
  static final class CairnSelected extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String type = context.getEnvironment().getProperty("spring.cache.type");
      if (type != null && !type.equalsIgnoreCase("jcache")) {
        return ConditionOutcome.noMatch("spring.cache.type is " + type);
      }
      String provider = context.getEnvironment().getProperty("spring.cache.jcache.provider");
      if (provider != null && !provider.equals(CairnCachingProvider.class.getName())) {
        return ConditionOutcome.noMatch("spring.cache.jcache.provider names " + provider);
      }
      return ConditionOutcome.match("Cairn is the JCache provider");
    }
  }
}
