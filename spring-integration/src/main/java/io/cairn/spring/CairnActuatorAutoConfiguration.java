package io.cairn.spring;

import io.cairn.jcache.CairnCachingProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Cairn's actuator parts, each when its Boot module is on the class path: the {@code cairn} health contributor (one
 * indicator per persistent cache directory; {@code management.health.cairn.enabled=false} turns it off) and the
 * {@code /actuator/cairn} endpoint (exposed as any endpoint is, with {@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = {CairnCacheAutoConfiguration.class, CacheAutoConfiguration.class})
@ConditionalOnClass(CairnCachingProvider.class)
public class CairnActuatorAutoConfiguration {

  /** Health per persistent directory. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnEnabledHealthIndicator("cairn")
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "cairnHealthContributor")
    public CairnHealthContributor cairnHealthContributor(ObjectProvider<javax.cache.CacheManager> managers) {
      return new CairnHealthContributor(managers);
    }
  }

  /** The endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
      "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
  @ConditionalOnAvailableEndpoint(CairnEndpoint.class)
  static class CairnEndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    public CairnEndpoint cairnEndpoint(ObjectProvider<javax.cache.CacheManager> managers) {
      return new CairnEndpoint(managers);
    }
  }
}
