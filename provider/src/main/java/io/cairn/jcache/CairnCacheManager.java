package io.cairn.jcache;

import io.cairn.jcache.spi.SharedStore;
import io.cairn.jcache.spi.SharedTierProvider;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;

/**
 * A Cairn cache manager: the caches of one (URI, class loader) pair, and the settings its URI's properties file
 * gives them. With {@code remote.uri} set, the manager connects once to that shared tier (through the first
 * {@link SharedTierProvider} on its class loader that accepts the URI) and every cache not {@code local-only} lives
 * over it; the manager's URI names it there, so managers of the same URI in other processes share its caches.
 *
 * <p>Thread-safety: caches live in a concurrent map; creation and lifecycle changes synchronize on the manager.
 */
public final class CairnCacheManager implements CacheManager {
  private final CairnCachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final ManagerProperties settings;
  private final ConcurrentHashMap<String, TieredCache<?, ?>> caches = new ConcurrentHashMap<>();
  /** The connection to the shared tier ({@code remote.uri}), opened with the first remote cache; see resourceLock. */
  private SharedStore shared;
  /** The engine environment the caches' disk tiers share, made when the first one opens; see resourceLock. */
  private io.cairn.engine.StoreEnvironment environment;
  /**
   * Guards {@link #environment} and {@link #shared}, made on first use. Not the manager's monitor: the first spill of a
   * cache asks for the environment while it holds a key's lock, and destroyCache holds the monitor while it takes every
   * key lock of its cache, so asking under the monitor could deadlock. Nothing is taken while this lock is held.
   */
  private final Object resourceLock = new Object();
  private volatile boolean closed;
  /** Told of each cache {@link #createCache} builds (see {@link #addCreationListener}). */
  private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.Consumer<? super Cache<?, ?>>>
      creationListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  CairnCacheManager(CairnCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties) {
    this.provider = provider;
    this.uri = uri;
    this.classLoader = classLoader;
    this.properties = new Properties();
    if (properties != null) {
      this.properties.putAll(properties);
    }
    this.settings = ManagerProperties.load(uri, classLoader, properties);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache manager " + uri + " is closed");
    }
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  @Override
  public synchronized <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cache name");
    Objects.requireNonNull(configuration, "configuration");
    if (caches.containsKey(cacheName)) {
      throw new CacheException("cache " + cacheName + " already exists in cache manager " + uri);
    }
    CairnConfiguration<K, V> config = new CairnConfiguration<>(configuration);
    CacheSettings resolved = CacheSettings.resolve(cacheName, config, settings);
    TieredCache<K, V> cache = CacheFactory.build(cacheName, this, config, resolved);
    caches.put(cacheName, cache);
    for (java.util.function.Consumer<? super Cache<?, ?>> l : creationListeners) {
      try {
        l.accept(cache);
      } catch (RuntimeException e) {
        System.getLogger(CairnCacheManager.class.getName()).log(System.Logger.Level.WARNING, "cache manager " + uri
            + ": a creation listener failed on cache " + cacheName + " (the cache was created): " + e, e);
      }
    }
    return cache;
  }

  /**
   * Registers {@code created}, called with each cache this manager creates from now on, on the creating thread
   * before {@code createCache} returns, with the manager's lock held: so metrics bound to the manager
   * ({@link io.cairn.jcache.metrics.CairnMetrics}) cover caches created on first use too. It must be quick and must
   * not create or close caches; one that throws is logged, and the cache is created all the same.
   */
  public void addCreationListener(java.util.function.Consumer<? super Cache<?, ?>> created) {
    creationListeners.add(Objects.requireNonNull(created, "creation listener"));
  }

  /** Removes a listener {@link #addCreationListener} registered. */
  public void removeCreationListener(java.util.function.Consumer<? super Cache<?, ?>> created) {
    creationListeners.remove(created);
  }

  /**
   * The background threads, block cache and open-file budget the manager's caches share ({@code shared.*}), made
   * when the first disk tier opens and closed with the manager.
   */
  io.cairn.engine.StoreEnvironment environment() {
    synchronized (resourceLock) {
      ensureOpen();
      if (environment == null) {
        environment = settings.sharedResources().environment("cairn-"
            + Integer.toHexString(System.identityHashCode(this)));
      }
      return environment;
    }
  }

  /** The manager's connection to its shared tier, opened on first use (a remote cache is being built). */
  SharedStore sharedStore() {
    synchronized (resourceLock) {
      ensureOpen();
      if (shared == null) {
        String endpoint = settings.remoteUri();
        SharedTierProvider chosen = null;
        for (SharedTierProvider p : ServiceLoader.load(SharedTierProvider.class, classLoader)) {
          if (p.accepts(endpoint)) {
            chosen = p;
            break;
          }
        }
        if (chosen == null) {
          throw new CacheException("cache manager " + uri + ": remote.uri=" + endpoint + " names no shared tier this"
              + " class path can reach: add io.cairn:cairn-redis for redis://, rediss:// and Cluster seed lists");
        }
        try {
          shared = chosen.connect(endpoint, settings.remoteOptions(), uri.toString());
        } catch (IllegalArgumentException e) {
          throw new CacheException("cache manager " + uri + ": " + e.getMessage(), e);
        }
      }
      return shared;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cache name");
    Objects.requireNonNull(keyType, "key type");
    Objects.requireNonNull(valueType, "value type");
    TieredCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    CairnConfiguration<?, ?> c = cache.configuration();
    if (c.getKeyType() != keyType) {
      throw new ClassCastException("cache " + cacheName + " has key type " + c.getKeyType().getName() + ", not "
          + keyType.getName());
    }
    if (c.getValueType() != valueType) {
      throw new ClassCastException("cache " + cacheName + " has value type " + c.getValueType().getName()
          + ", not " + valueType.getName());
    }
    return (Cache<K, V>) cache;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cache name");
    return (Cache<K, V>) caches.get(cacheName);
  }

  @Override
  public Iterable<String> getCacheNames() {
    ensureOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  @Override
  public synchronized void destroyCache(String cacheName) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cache name");
    TieredCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.shutdown(true);
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cache name");
    TieredCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setManagementEnabled(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cache name");
    TieredCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setStatisticsEnabled(enabled);
    }
  }

  /** Called by a closing cache: the manager no longer hands it out. */
  void release(TieredCache<?, ?> cache) {
    caches.remove(cache.getName(), cache);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    provider.release(this);
    RuntimeException first = null;
    for (TieredCache<?, ?> cache : caches.values()) {
      try {
        cache.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    caches.clear();
    synchronized (resourceLock) {
      if (shared != null) {
        try {
          shared.close();
        } catch (RuntimeException e) {
          first = first == null ? e : first;
        }
        shared = null;
      }
      if (environment != null) {
        try {
          environment.close();
        } catch (RuntimeException e) {
          first = first == null ? e : first;
        }
        environment = null;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("a Cairn cache manager cannot be unwrapped to " + clazz.getName());
  }
}
