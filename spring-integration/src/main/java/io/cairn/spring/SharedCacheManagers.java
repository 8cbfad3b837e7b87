package io.cairn.spring;

import io.cairn.jcache.CairnCachingProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * Cairn cache managers shared by the Spring application contexts of one JVM, counted: two test contexts with the same
 * settings share one manager (and its persistent directories, which only one manager may hold), and it is closed when
 * the last of them closes. A manager someone else closed is replaced on the next use.
 */
final class SharedCacheManagers {
  private record Key(URI uri, ClassLoader loader) {}

  private static final Map<Key, Integer> USERS = new HashMap<>();

  private SharedCacheManagers() {}

  static synchronized CacheManager acquire(URI uri, ClassLoader loader, Properties properties) {
    Key key = new Key(uri, loader);
    USERS.merge(key, 1, Integer::sum);
    return current(uri, loader, properties);
  }

  /** The live manager for this URI and loader (a new one if the last was closed). */
  static CacheManager current(URI uri, ClassLoader loader, Properties properties) {
    return Caching.getCachingProvider(CairnCachingProvider.class.getName(), loader)
        .getCacheManager(uri, loader, properties);
  }

  static synchronized void release(CacheManager manager) {
    Key key = new Key(manager.getURI(), manager.getClassLoader());
    Integer n = USERS.get(key);
    if (n == null || n <= 1) {
      USERS.remove(key);
      if (!manager.isClosed()) {
        manager.close();
      }
    } else {
      USERS.put(key, n - 1);
    }
  }
}
