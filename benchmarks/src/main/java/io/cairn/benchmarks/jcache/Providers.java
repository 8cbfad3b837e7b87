package io.cairn.benchmarks.jcache;

import io.cairn.jcache.CairnConfiguration;
import java.net.URI;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.impl.config.copy.DefaultCopierConfiguration;
import org.ehcache.impl.copy.SerializingCopier;
import org.ehcache.jsr107.Eh107Configuration;
import org.ehcache.jsr107.EhcacheCachingProvider;

/**
 * Creates the same cache on each JCache provider under test: Integer keys, {@link Payload} values, the same capacity, the same
 * store-by-value or store-by-reference setting, statistics off, no expiry. Each is bounded (an unbounded cache is a
 * plain map with no eviction policy, which would not compare like with like).
 */
final class Providers {
  static final String CAIRN = "io.cairn.jcache.CairnCachingProvider";
  static final String CAFFEINE = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";
  static final String EHCACHE = "org.ehcache.jsr107.EhcacheCachingProvider";
  static final String CACHE2K = "org.cache2k.jcache.provider.JCacheProvider";

  private Providers() {}

  static String providerClass(String system) {
    return switch (system) {
      case "cairn" -> CAIRN;
      case "caffeine" -> CAFFEINE;
      case "ehcache" -> EHCACHE;
      case "cache2k" -> CACHE2K;
      default -> throw new IllegalArgumentException("unknown system " + system);
    };
  }

  /** The provider's default manager (Ehcache reads any other URI as the address of an XML configuration). */
  private static CacheManager manager(String system) {
    javax.cache.spi.CachingProvider p = Caching.getCachingProvider(providerClass(system));
    return p.getCacheManager(p.getDefaultURI(), Providers.class.getClassLoader());
  }

  /** A heap-resident cache holding up to {@code heapEntries}. */
  static Cache<Integer, Payload> cache(String system, String name, boolean storeByValue, long heapEntries) {
    CacheManager m = manager(system);
    if (m.getCache(name, Integer.class, Payload.class) != null) {
      m.destroyCache(name);
    }
    return m.createCache(name, heapConfig(system, storeByValue, heapEntries));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Configuration<Integer, Payload> heapConfig(String system, boolean storeByValue, long heapEntries) {
    switch (system) {
      case "cairn": {
        CairnConfiguration<Integer, Payload> c = new CairnConfiguration<Integer, Payload>().setHeapEntries(heapEntries);
        c.setTypes(Integer.class, Payload.class).setStoreByValue(storeByValue).setStatisticsEnabled(false);
        return c;
      }
      case "caffeine": {
        com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration<Integer, Payload> c =
            new com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration<>();
        c.setMaximumSize(java.util.OptionalLong.of(heapEntries));
        c.setTypes(Integer.class, Payload.class);
        c.setStoreByValue(storeByValue);
        c.setStatisticsEnabled(false);
        return c;
      }
      case "ehcache": {
        CacheConfigurationBuilder<Integer, Payload> b = CacheConfigurationBuilder.newCacheConfigurationBuilder(
            Integer.class, Payload.class, ResourcePoolsBuilder.heap(heapEntries));
        if (storeByValue) {
          b = b.withService(new DefaultCopierConfiguration(SerializingCopier.asCopierClass(),
              DefaultCopierConfiguration.Type.KEY))
              .withService(new DefaultCopierConfiguration(SerializingCopier.asCopierClass(),
                  DefaultCopierConfiguration.Type.VALUE));
        }
        return Eh107Configuration.fromEhcacheCacheConfiguration(b.build());
      }
      case "cache2k": {
        // A cache built from a cache2k builder ignores store-by-value unless its JCache section asks to copy.
        org.cache2k.Cache2kBuilder<Integer, Payload> b = org.cache2k.Cache2kBuilder.of(Integer.class, Payload.class)
            .entryCapacity(heapEntries)
            .with(org.cache2k.jcache.JCacheConfig.class, j -> j.copyAlwaysIfRequested(storeByValue));
        org.cache2k.jcache.ExtendedMutableConfiguration<Integer, Payload> c =
            org.cache2k.jcache.ExtendedMutableConfiguration.of(b);
        c.setStoreByValue(storeByValue);
        c.setStatisticsEnabled(false);
        return c;
      }
      default:
        throw new IllegalArgumentException("unknown system " + system);
    }
  }

  /**
   * A cache with a heap tier of {@code heapEntries} over a disk tier of {@code diskBytes}: Cairn's tiers, or Ehcache's
   * heap + disk tiers (non-persistent) in {@code dir}. Both keep objects on the heap and bytes on disk: Ehcache's tiered
   * cache built this way copies by reference on its heap tier (two gets of a heap-resident key return the same
   * instance; a value read back from disk is a new one), so Cairn's cache is store-by-reference too, which does the
   * same. Comparing a Cairn cache that decodes a copy on every heap hit with one that does not would measure
   * something else.
   */
  static Cache<Integer, Payload> tiered(String system, String name, long heapEntries, long diskBytes, Path dir) {
    switch (system) {
      case "cairn": {
        CacheManager m = manager(system);
        if (m.getCache(name, Integer.class, Payload.class) != null) {
          m.destroyCache(name);
        }
        CairnConfiguration<Integer, Payload> c = new CairnConfiguration<Integer, Payload>().setHeapEntries(heapEntries)
            .setDiskBytes(diskBytes).setTypes(Integer.class, Payload.class).setStatisticsEnabled(false)
            .setStoreByValue(false);
        return m.createCache(name, c);
      }
      case "ehcache": {
        EhcacheCachingProvider p = (EhcacheCachingProvider) Caching.getCachingProvider(EHCACHE);
        org.ehcache.core.config.DefaultConfiguration conf = (org.ehcache.core.config.DefaultConfiguration)
            CacheManagerBuilder.newCacheManagerBuilder().with(CacheManagerBuilder.persistence(dir.toFile()))
                .build(false).getRuntimeConfiguration();
        CacheManager m = p.getCacheManager(URI.create("urn:bench:ehcache-disk-" + System.nanoTime()), conf);
        long mb = Math.max(1, diskBytes >> 20);
        CacheConfigurationBuilder<Integer, Payload> b = CacheConfigurationBuilder.newCacheConfigurationBuilder(
            Integer.class, Payload.class, ResourcePoolsBuilder.heap(heapEntries).disk(mb, MemoryUnit.MB, false));
        return m.createCache(name, Eh107Configuration.fromEhcacheCacheConfiguration(b.build()));
      }
      default:
        throw new IllegalArgumentException("the disk-tier suite compares cairn and ehcache, not " + system);
    }
  }

  static void close(String system) {
    Caching.getCachingProvider(providerClass(system)).close();
  }
}
