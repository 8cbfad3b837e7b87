package io.cairn.spring;

import io.cairn.jcache.CairnCachingProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Properties;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.Caching;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;
import org.springframework.boot.cache.autoconfigure.CacheProperties;
import org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.JCachePropertiesCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Makes Cairn the application's cache when it is on the class path, honouring what Boot's own JCache support
 * honours, so an application moving from another JCache provider keeps its configuration.
 *
 * <ul>
 *   <li>A Cairn {@link javax.cache.CacheManager} (unless the application defines one), shared with other contexts of
 *   the JVM that use the same URI and class loader. As Boot builds a JCache manager: its URI is
 *   {@code spring.cache.jcache.config} (a Cairn properties file) when set, else {@code cairn.uri}; its properties are
 *   {@code cairn.*} with every {@link JCachePropertiesCustomizer} applied; the caches named by
 *   {@code spring.cache.cache-names} are created with the application's {@link javax.cache.configuration.Configuration}
 *   bean (else a {@link MutableConfiguration}); then every {@link JCacheManagerCustomizer} runs on it.</li>
 *   <li>With {@code @EnableCaching}: a Spring {@link CairnSpringCacheManager} (a {@link JCacheCacheManager}) over it,
 *   which creates caches on first use and is given every {@link CacheManagerCustomizer}, as Boot's would be. Like
 *   Boot's, it backs off when the application defines a Spring cache manager or a {@code cacheResolver} bean.</li>
 *   <li>With Hibernate and {@code hibernate-jcache}: Hibernate's second-level cache uses the same manager.</li>
 * </ul>
 * Backs off when {@code spring.cache.jcache.provider} names another JCache provider, or {@code spring.cache.type}
 * is set to something other than {@code jcache}; Boot's own configuration then applies.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass({Caching.class, JCacheCacheManager.class, CairnCachingProvider.class})
@Conditional(CairnCacheAutoConfiguration.CairnSelected.class)
@EnableConfigurationProperties({CairnProperties.class, CacheProperties.class})
public class CairnCacheAutoConfiguration implements BeanClassLoaderAware {
  private ClassLoader beanClassLoader = CairnCacheAutoConfiguration.class.getClassLoader();

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.beanClassLoader = classLoader;
  }

  /**
   * The Cairn manager, released (closed when no other context uses it) when the context closes: its URI and
   * properties as the class comment says.
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(javax.cache.CacheManager.class)
  public CairnManagerHandle cairnCacheManagerHandle(CairnProperties properties, CacheProperties boot,
      ObjectProvider<JCachePropertiesCustomizer> propertiesCustomizers) throws IOException {
    Properties p = properties.toCairnProperties();
    propertiesCustomizers.orderedStream().forEach(c -> c.customize(p));
    Resource config = boot.resolveConfigLocation(boot.getJcache().getConfig());
    URI uri = config != null ? config.getURI() : URI.create(properties.getUri());
    return new CairnManagerHandle(uri, beanClassLoader, p);
  }

  /**
   * The manager itself, with {@code spring.cache.cache-names} created and the {@link JCacheManagerCustomizer}s run;
   * closing it is the handle's job (other contexts may share it).
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(javax.cache.CacheManager.class)
  public javax.cache.CacheManager cairnCacheManager(CairnManagerHandle handle, CacheProperties boot,
      ObjectProvider<javax.cache.configuration.Configuration<?, ?>> defaultConfiguration,
      ObjectProvider<JCacheManagerCustomizer> managerCustomizers) {
    javax.cache.CacheManager m = handle.manager();
    for (String name : boot.getCacheNames()) {
      if (m.getCache(name) == null) {
        m.createCache(name, defaultConfiguration.getIfAvailable(MutableConfiguration::new));
      }
    }
    managerCustomizers.orderedStream().forEach(c -> c.customize(m));
    return m;
  }

  /** Spring's cache abstraction over Cairn, when caching is enabled (backing off as Boot's would). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(CacheAspectSupport.class)
  @ConditionalOnMissingBean(value = org.springframework.cache.CacheManager.class, name = "cacheResolver")
  static class SpringCaching {
    @Bean
    public CairnSpringCacheManager cacheManager(javax.cache.CacheManager cairn,
        ObjectProvider<CairnManagerHandle> handle, CairnProperties properties,
        ObjectProvider<CacheManagerCustomizer<?>> customizers) {
      CairnManagerHandle h = handle.getIfAvailable();
      CairnSpringCacheManager m = new CairnSpringCacheManager(h != null ? h::manager : () -> cairn,
          properties.isCreateOnFirstUse());
      new CacheManagerCustomizers(customizers.orderedStream().toList()).customize(m);
      m.declare(properties.getCaches().keySet());
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
