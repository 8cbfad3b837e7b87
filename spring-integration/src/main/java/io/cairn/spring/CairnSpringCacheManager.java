package io.cairn.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.jcache.JCacheCache;

/**
 * A Spring {@link CacheManager} over a Cairn cache manager. Caches are {@link JCacheCache}s, so Spring's JSR-107
 * support, Micrometer's JCache metrics and the actuator's caches endpoint all see them. A name not declared under
 * {@code cairn.caches} is created on first use with the defaults (unless {@code cairn.create-on-first-use=false},
 * when the error names the cache and the property to declare it). The Cairn manager is looked up through a supplier,
 * so a manager closed elsewhere is replaced rather than failing with "closed".
 */
public class CairnSpringCacheManager implements CacheManager {
  private final Supplier<javax.cache.CacheManager> manager;
  private final boolean createOnFirstUse;
  private final boolean allowNullValues;
  private final ConcurrentHashMap<String, JCacheCache> caches = new ConcurrentHashMap<>();

  public CairnSpringCacheManager(Supplier<javax.cache.CacheManager> manager, boolean createOnFirstUse,
      boolean allowNullValues) {
    this.manager = manager;
    this.createOnFirstUse = createOnFirstUse;
    this.allowNullValues = allowNullValues;
  }

  @Override
  public Cache getCache(String name) {
    JCacheCache cached = caches.get(name);
    if (cached != null && !cached.getNativeCache().isClosed() && !cached.getNativeCache().getCacheManager().isClosed()) {
      return cached;
    }
    javax.cache.Cache<Object, Object> cache = nativeCache(name);
    JCacheCache wrapped = new JCacheCache(cache, allowNullValues);
    caches.put(name, wrapped);
    return wrapped;
  }

  private javax.cache.Cache<Object, Object> nativeCache(String name) {
    javax.cache.CacheManager m = manager.get();
    javax.cache.Cache<Object, Object> cache = m.getCache(name);
    if (cache != null) {
      return cache;
    }
    if (!createOnFirstUse) {
      throw new IllegalArgumentException("no Cairn cache named '" + name + "': declare it with cairn.caches." + name
          + ".* (for example cairn.caches." + name + ".heap-entries=10000) or set cairn.create-on-first-use=true");
    }
    try {
      return m.createCache(name, new MutableConfiguration<>());
    } catch (CacheException raced) {
      javax.cache.Cache<Object, Object> existing = m.getCache(name);
      if (existing == null) {
        throw raced;
      }
      return existing;
    }
  }

  /** Creates the named caches now (those declared under {@code cairn.caches}), so metrics see them from the start. */
  void createAll(Collection<String> names) {
    for (String name : names) {
      getCache(name);
    }
  }

  @Override
  public Collection<String> getCacheNames() {
    List<String> names = new ArrayList<>();
    manager.get().getCacheNames().forEach(names::add);
    return names;
  }
}
