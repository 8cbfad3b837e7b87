package io.cairn.jcache;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * Builds a cache from its configuration and resolved settings, in one place: codecs, the user's policy, loader and
 * writer, the tier below (which a persistent cache opens, taking its directory's lock; a remote cache's is its
 * manager's shared tier, with its events published there), the listeners, the tier store, the MXBeans and last the
 * expiry timer. If a step throws, everything the earlier steps opened is closed
 * again (the store, its lock, listener threads, MXBeans, the user's Closeable objects), so creating the cache again
 * works.
 */
final class CacheFactory {
  private CacheFactory() {}

  @SuppressWarnings("unchecked")
  static <K, V> TieredCache<K, V> build(String name, CairnCacheManager manager, CairnConfiguration<K, V> config,
      CacheSettings settings) {
    List<Object> owned = new ArrayList<>();
    LowerTier lower = null;
    Listeners<K, V> listeners = null;
    TieredCache<K, V> cache = null;
    try {
      LongSupplier clock = config.getClock() != null ? config.getClock() : System::currentTimeMillis;
      ObjectInputFilter filter = Codecs.filter(settings.serialFilter());
      Codec<K> keyCodec = config.getKeyCodec() != null ? config.getKeyCodec()
          : Codecs.forType(config.getKeyType(), manager.getClassLoader(), filter);
      Codec<V> valueCodec = config.getValueCodec() != null ? config.getValueCodec()
          : Codecs.forValues(config.getValueType(), manager.getClassLoader(), filter,
              config.isStoreByValue() && !settings.persistent() && !settings.remote());
      Copier<K, V> copier = new Copier<>(keyCodec, valueCodec, config.isStoreByValue(), config.getValueType());
      TypeCheck<K, V> check = new TypeCheck<>(name, config.getKeyType(), config.getValueType());

      ExpiryRules expiry = new ExpiryRules(config.getExpiryPolicyFactory().create(), clock);
      owned.add(expiry.policy());
      CacheLoader<K, V> loader = config.getCacheLoaderFactory() == null ? null
          : config.getCacheLoaderFactory().create();
      owned.add(loader);
      CacheWriter<? super K, ? super V> writer = config.getCacheWriterFactory() == null ? null
          : config.getCacheWriterFactory().create();
      owned.add(writer);

      SharedEvents<K, V> sharedEvents = null;
      if (settings.remote()) {
        NearDisk nearDisk = !settings.nearDisk() ? null : new NearDisk(name, new DiskTier(name,
            settings.forNearDisk(), clock, manager::environment, keyCodec, valueCodec));
        SharedLowerTier sharedTier = new SharedLowerTier(name, manager.sharedStore(), settings.oneSlot(),
            settings.maxLocalAgeMillis(), clock, nearDisk);
        lower = sharedTier;
        sharedEvents = new SharedEvents<>(name, sharedTier.tier(), copier);
        sharedTier.coherence().onEvent(sharedEvents::received);
      } else {
        lower = new DiskTier(name, settings, clock, manager::environment, keyCodec, valueCodec);
      }
      listeners = new Listeners<>(name);
      for (CacheEntryListenerConfiguration<K, V> c : config.getCacheEntryListenerConfigurations()) {
        listeners.register(c);
      }
      Statistics stats = new Statistics(config.isStatisticsEnabled());
      TierStore<K, V> store = new TierStore<>(name, settings.heapEntries(), lower, copier, expiry,
          LoaderWriter.loader(name, loader, config.isReadThrough()),
          LoaderWriter.writer(name, writer, config.isWriteThrough()), check, stats, settings.bidirectional());
      cache = new TieredCache<>(name, manager, config, check, copier, store, listeners, stats,
          LoaderWriter.bulkLoader(name, loader), owned, sharedEvents);
      if (config.isManagementEnabled()) {
        Management.register(cache, Management.Kind.CONFIGURATION, new Management.ConfigurationBean(config));
      }
      if (config.isStatisticsEnabled()) {
        Management.register(cache, Management.Kind.STATISTICS, stats);
      }
      cache.startTimer();
      return cache;
    } catch (RuntimeException | Error e) {
      undo(cache, listeners, lower, owned, e);
      throw e;
    }
  }

  /** Closes what a failed build opened; failures while closing are added to the build's own as suppressed. */
  private static void undo(TieredCache<?, ?> cache, Listeners<?, ?> listeners, LowerTier lower, List<Object> owned,
      Throwable cause) {
    if (cache != null) {
      for (Management.Kind kind : Management.Kind.values()) {
        try {
          Management.unregister(cache, kind);
        } catch (RuntimeException e) {
          cause.addSuppressed(e);
        }
      }
    }
    if (listeners != null) {
      try {
        listeners.close();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
    if (lower != null) {
      try {
        lower.close();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
    TieredCache.closeAll(owned);
  }
}
