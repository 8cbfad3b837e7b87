package io.cairn.spring;

import java.util.Collection;
import java.util.function.Supplier;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.cache.jcache.JCacheCacheManager;

/**
 * Spring's {@link JCacheCacheManager} over a Cairn cache manager, so whatever Boot and Spring apply to a JCache cache
 * manager ({@code CacheManagerCustomizer<JCacheCacheManager>}, {@code setAllowNullValues}, transaction awareness)
 * applies to it too, with two things Cairn adds: a name not declared under {@code cairn.caches} is created on first
 * use with the defaults (unless {@code cairn.create-on-first-use=false}, when the error names the cache and the
 * property to declare it), and the Cairn manager is looked up through a supplier, so a manager closed elsewhere is
 * replaced rather than failing with "closed".
 */
public class CairnSpringCacheManager extends JCacheCacheManager {
  private final Supplier<javax.cache.CacheManager> manager;
  private final boolean createOnFirstUse;

  public CairnSpringCacheManager(Supplier<javax.cache.CacheManager> manager, boolean createOnFirstUse) {
    super(manager.get());
    this.manager = manager;
    this.createOnFirstUse = createOnFirstUse;
  }

  @Override
  public Cache getCache(String name) {
    Cache cache = super.getCache(name);
    if (cache instanceof JCacheCache j && (j.getNativeCache().isClosed()
        || j.getNativeCache().getCacheManager().isClosed())) {
      // Closed elsewhere (a manager closed by another context or by Hibernate): start again from the live manager.
      setCacheManager(manager.get());
      initializeCaches();
      cache = super.getCache(name);
    }
    return cache;
  }

  @Override
  protected Cache getMissingCache(String name) {
    javax.cache.CacheManager m = getCacheManager();
    javax.cache.Cache<Object, Object> cache = m.getCache(name);
    if (cache == null) {
      if (!createOnFirstUse) {
        throw new IllegalArgumentException("no Cairn cache named '" + name + "': declare it with cairn.caches."
            + name + ".* (for example cairn.caches." + name + ".heap-entries=10000) or set "
            + "cairn.create-on-first-use=true");
      }
      try {
        cache = m.createCache(name, new MutableConfiguration<>());
      } catch (CacheException raced) {
        cache = m.getCache(name);
        if (cache == null) {
          throw raced;
        }
      }
    }
    return new JCacheCache(cache, isAllowNullValues());
  }

  /** Creates the named caches now (those declared under {@code cairn.caches}), so metrics see them from the start. */
  void declare(Collection<String> names) {
    afterPropertiesSet();
    for (String name : names) {
      getCache(name);
    }
  }
}
