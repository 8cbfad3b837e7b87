package io.cairn.spring;

import io.cairn.server.CairnServer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.cache.autoconfigure.CacheProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code cairn.server.port}: the application's own Cairn caches served over RESP by an embedded Cairn server, the
 * same cache objects its {@code @Cacheable} methods read and write. Database N is the N-th name of
 * {@code cairn.server.databases} (a cache not created yet is created as a first use would create it); without that
 * list, every cache named in {@code cairn.caches} and {@code spring.cache.cache-names}, in name order. The server
 * listens on {@code cairn.server.bind} (127.0.0.1 unless set), takes its other settings from
 * {@code cairn.server.options.*}, publishes its port as {@code local.cairn.server.port} (useful with port 0), and
 * stops when the context closes, before the caches do.
 */
@AutoConfiguration(after = CairnCacheAutoConfiguration.class)
@ConditionalOnClass(CairnServer.class)
@ConditionalOnProperty("cairn.server.port")
@ConditionalOnBean(javax.cache.CacheManager.class)
@EnableConfigurationProperties({CairnProperties.class, CacheProperties.class})
public class CairnServerAutoConfiguration {
  /** The property an embedded server's bound port is published as. */
  public static final String LOCAL_PORT = "local.cairn.server.port";

  @Bean(destroyMethod = "close")
  public CairnServer cairnServer(javax.cache.CacheManager manager, CairnProperties properties, CacheProperties boot,
      ConfigurableEnvironment environment) throws InterruptedException {
    CairnProperties.Server settings = properties.getServer();
    List<String> names = new ArrayList<>(settings.getDatabases());
    if (names.isEmpty()) {
      Set<String> declared = new TreeSet<>(properties.getCaches().keySet());
      declared.addAll(boot.getCacheNames());
      names.addAll(declared);
    }
    if (names.isEmpty()) {
      throw new IllegalStateException("cairn.server.port is set but no cache is named to serve: list them in "
          + "cairn.server.databases (database 0 first), or declare them under cairn.caches");
    }
    if (new LinkedHashSet<>(names).size() != names.size()) {
      throw new IllegalStateException("cairn.server.databases names a cache twice: " + names);
    }
    List<Cache<?, ?>> caches = new ArrayList<>();
    for (String name : names) {
      caches.add(cache(manager, name));
    }
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(settings.getPort()), "--bind"));
    args.addAll(settings.getBind());
    settings.getOptions().forEach((key, value) -> {
      args.add("--" + key);
      args.addAll(List.of(value.trim().split("\\s+")));
    });
    CairnServer server = CairnServer.serve(caches, args);
    environment.getPropertySources().addFirst(new MapPropertySource("cairnServer", Map.of(LOCAL_PORT,
        server.port())));
    return server;
  }

  /** The manager's cache of that name, created as {@code CairnSpringCacheManager} creates one on first use. */
  private static Cache<?, ?> cache(javax.cache.CacheManager manager, String name) {
    Cache<Object, Object> cache = manager.getCache(name);
    if (cache == null) {
      try {
        cache = manager.createCache(name, new MutableConfiguration<>());
      } catch (CacheException raced) {
        cache = manager.getCache(name);
        if (cache == null) {
          throw raced;
        }
      }
    }
    return cache;
  }
}
