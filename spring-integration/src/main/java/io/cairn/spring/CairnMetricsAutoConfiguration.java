package io.cairn.spring;

import io.cairn.jcache.CairnCacheManager;
import io.cairn.jcache.metrics.CairnMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Binds {@link CairnMetrics} (Cairn's {@code cairn.*} meters) for every cache of the application's Cairn cache
 * manager, those created on first use included, when Micrometer is on the class path: Boot binds every
 * {@link MeterBinder} bean to its registries. A JCache manager that is not Cairn's gets no Cairn meters.
 */
@AutoConfiguration(after = {CairnCacheAutoConfiguration.class, CacheAutoConfiguration.class})
@ConditionalOnClass({MeterBinder.class, CairnMetrics.class})
public class CairnMetricsAutoConfiguration {
  /** The binder, under this name so an application can replace it. */
  @Bean
  @ConditionalOnMissingBean(name = "cairnMetrics")
  public MeterBinder cairnMetrics(ObjectProvider<javax.cache.CacheManager> managers) {
    return registry -> managers.orderedStream()
        .filter(m -> !m.isClosed() && m.getCachingProvider() instanceof io.cairn.jcache.CairnCachingProvider)
        .forEach(m -> new CairnMetrics(m.unwrap(CairnCacheManager.class)).bindTo(registry));
  }
}
