package io.cairn.server;

import io.cairn.jcache.BidiCache;
import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnConfiguration;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;

/**
 * One logical database: a Cairn cache from {@link Key} to the value's bytes, stored by reference (a value array is
 * never changed once stored: APPEND, SETRANGE and INCR write new arrays). Its heap and disk budgets, persistence,
 * durability and value-to-key index come from its {@link DatabaseSettings}.
 *
 * <p>Thread-safety: the caches are thread-safe; atomicity per key comes from the cache (entry processors), across
 * keys from {@link KeyLocks}.
 */
final class Database {
  final String name;
  final DatabaseSettings settings;
  final Cache<Key, byte[]> cache;
  /** What the server uses beyond JCache: expiry, size, ranges, lost keys. */
  final CairnView cairn;
  /** The value-to-key view, or null when the database is not bidirectional. */
  final BidiCache<Key, byte[]> bidi;

  @SuppressWarnings("unchecked")
  Database(CacheManager manager, String name, Path directory, DatabaseSettings s) {
    this.name = name;
    this.settings = s;
    CairnConfiguration<Key, byte[]> c = new CairnConfiguration<Key, byte[]>()
        .setTypes(Key.class, byte[].class)
        .setStoreByValue(false)
        .setHeapEntries(s.heapEntries())
        .setDiskBytes(s.diskBytes())
        .setPersistent(s.persistent())
        .setDirectory(directory)
        .setDurability(s.durability())
        .setBidirectional(s.bidirectional())
        .setMemtableBytes(s.memtableBytes())
        .setKeyCodec(KeyCodec.INSTANCE);
    this.cache = manager.createCache(name, c);
    this.cairn = CairnView.of(cache.unwrap(CairnCache.class));
    this.bidi = s.bidirectional() ? cache.unwrap(BidiCache.class) : null;
  }

  /** An application's cache, served by an embedded server: it names the database; it is not bidirectional here. */
  Database(ApplicationCache<?, ?> application) {
    this.name = application.getName();
    this.settings = application.settings();
    this.cache = application;
    this.cairn = application;
    this.bidi = null;
  }

  long now() {
    return cairn.currentTimeMillis();
  }

  /**
   * Registers {@code onExpiry} for the EXPIRED events the cache fires, including those of its timer, which fire
   * without anyone touching the key (asynchronous, without old values).
   */
  void listenForExpiry(CacheEntryExpiredListener<Key, byte[]> onExpiry) {
    Factory<CacheEntryListener<? super Key, ? super byte[]>> factory = () -> onExpiry;
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(factory, null, false, false));
  }

  /**
   * Writes what the heap holds to disk (persistent databases) and closes the cache; an application's cache is only
   * detached from the server (see {@link ApplicationCache#close}).
   */
  void close() {
    if (!cache.isClosed()) {
      if (settings.persistent()) {
        cairn.flush();
      }
      cache.close();
    }
  }
}
