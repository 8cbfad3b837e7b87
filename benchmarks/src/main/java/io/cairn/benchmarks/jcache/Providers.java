package io.cairn.benchmarks.jcache;

import io.cairn.jcache.CairnConfiguration;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/** Creates the same cache on each JCache provider under test. */
final class Providers {
  static final String CAIRN = "io.cairn.jcache.CairnCachingProvider";
  static final String CAFFEINE = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

  private Providers() {}

  static String providerClass(String system) {
    return switch (system) {
      case "cairn" -> CAIRN;
      case "caffeine" -> CAFFEINE;
      default -> throw new IllegalArgumentException("unknown system " + system);
    };
  }

  /** A cache of Integer keys and byte[] values that holds {@code heapEntries} on the heap. */
  static Cache<Integer, byte[]> cache(String system, String name, boolean storeByValue, long heapEntries) {
    CacheManager m = Caching.getCachingProvider(providerClass(system))
        .getCacheManager(URI.create("urn:bench:" + system), Providers.class.getClassLoader());
    if (m.getCache(name, Integer.class, byte[].class) != null) {
      m.destroyCache(name);
    }
    javax.cache.configuration.Configuration<Integer, byte[]> conf;
    if (system.equals("cairn")) {
      CairnConfiguration<Integer, byte[]> c = new CairnConfiguration<Integer, byte[]>().setHeapEntries(heapEntries);
      c.setTypes(Integer.class, byte[].class).setStoreByValue(storeByValue).setStatisticsEnabled(false);
      conf = c;
    } else {
      // Bounded like Cairn's heap tier: an unbounded Caffeine cache is a plain map with no eviction policy.
      com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration<Integer, byte[]> c =
          new com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration<>();
      c.setMaximumSize(java.util.OptionalLong.of(heapEntries));
      c.setTypes(Integer.class, byte[].class);
      c.setStoreByValue(storeByValue);
      c.setStatisticsEnabled(false);
      conf = c;
    }
    return m.createCache(name, conf);
  }

  static void close(String system) {
    Caching.getCachingProvider(providerClass(system)).close();
  }
}
