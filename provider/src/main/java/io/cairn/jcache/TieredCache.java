package io.cairn.jcache;

import io.cairn.engine.StoreStatistics;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A Cairn cache as its callers see it: the JCache {@link Cache} and {@link CairnCache} surface. Each operation
 * validates its arguments, runs one step per key in the {@link TierStore} (which decides where entries live and does
 * everything that needs a key's lock), then records statistics and delivers the step's events. No tier or
 * bidirectional logic lives here; the bidirectional view is {@link BidiView}. Built by {@link CacheFactory}.
 *
 * <p>Thread-safety: stateless per operation; {@code closed} is volatile and lifecycle changes synchronize on the cache.
 */
final class TieredCache<K, V> implements Cache<K, V>, CairnCache<K, V> {
  private static final System.Logger LOG = System.getLogger(TieredCache.class.getName());
  private final String name;
  private final CairnCacheManager manager;
  private final CairnConfiguration<K, V> config;
  private final TypeCheck<K, V> check;
  private final Copier<K, V> copier;
  private final TierStore<K, V> store;
  private final Listeners<K, V> listeners;
  private final Statistics stats;
  private final LoaderWriter.Loader<K, V> bulkLoader;
  /** Whatever the cache must close with it: the user's loader, writer and expiry policy if they are Closeable. */
  private final List<Object> owned;
  private final BidiView<K, V> bidiView;
  /** A remote cache's events to and from other processes; null for a local cache. */
  private final SharedEvents<K, V> sharedEvents;
  /** Set once by {@link #startTimer}; volatile so the timer's own first scan sees it. */
  private volatile ExpiryTimer timer;
  private volatile ExecutorService loads;
  private volatile boolean closed;

  TieredCache(String name, CairnCacheManager manager, CairnConfiguration<K, V> config, TypeCheck<K, V> check,
      Copier<K, V> copier, TierStore<K, V> store, Listeners<K, V> listeners, Statistics stats,
      LoaderWriter.Loader<K, V> bulkLoader, List<Object> owned, SharedEvents<K, V> sharedEvents) {
    this.name = name;
    this.manager = manager;
    this.config = config;
    this.check = check;
    this.copier = copier;
    this.store = store;
    this.listeners = listeners;
    this.stats = stats;
    this.bulkLoader = bulkLoader;
    this.owned = owned;
    this.bidiView = store.bidi() == null ? null : new BidiView<>(this, store, store.bidi(), check, copier, stats);
    this.sharedEvents = sharedEvents;
    if (sharedEvents != null) {
      sharedEvents.deliverTo(this, listeners);
      if (!listeners.isEmpty()) {
        sharedEvents.listen();
      }
    }
  }

  /** Starts the expiry timer: the last step of building a cache. */
  void startTimer() {
    timer = new ExpiryTimer(this::expireDue);
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache " + name + " is closed");
    }
  }

  /** The events of one operation. */
  PendingEvents<K, V> events() {
    return PendingEvents.of(this, copier, listeners, sharedEvents);
  }

  static void checkExpiry(long expireAtMillis) {
    if (expireAtMillis < 0) {
      throw new IllegalArgumentException("expiry time must be >= 0 (epoch milliseconds; CairnCache.ETERNAL for "
          + "none), was " + expireAtMillis);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reads

  @Override
  public V get(K key) {
    ensureOpen();
    check.key(key);
    long start = stats.start();
    Holder<V> h = store.hit(key);
    if (h != null) {
      Object form = h.form;
      stats.recordGet(true, start);
      return copier.out(form);
    }
    PendingEvents<K, V> events = events();
    V value = getLocked(key, events, start);
    events.dispatch();
    return value;
  }

  private V getLocked(K key, PendingEvents<K, V> events, long start) {
    TierStore<K, V>.Step s = store.get(key, events);
    stats.recordGet(s.hit, start);
    if (s.hit) {
      return copier.out(s.form);
    }
    @SuppressWarnings("unchecked")
    V loaded = (V) s.result;
    return loaded;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    ensureOpen();
    Objects.requireNonNull(keys, "keys");
    for (K k : keys) {
      check.key(k);
    }
    Map<K, V> out = new HashMap<>();
    PendingEvents<K, V> events = events();
    for (K key : keys) {
      V v = getLocked(key, events, stats.start());
      if (v != null) {
        out.put(key, v);
      }
    }
    events.dispatch();
    return out;
  }

  @Override
  public boolean containsKey(K key) {
    ensureOpen();
    check.key(key);
    return store.containsKey(key);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Writes

  @Override
  public void put(K key, V value) {
    put(key, value, ProcessorEntry.UNSET, true);
  }

  @Override
  public void put(K key, V value, long expireAtMillis) {
    checkExpiry(expireAtMillis);
    put(key, value, expireAtMillis, true);
  }

  /** A put; with {@code expireAtMillis} other than {@link ProcessorEntry#UNSET}, of an entry expiring then. */
  private void put(K key, V value, long expireAtMillis, boolean counted) {
    ensureOpen();
    check.key(key);
    check.value(value);
    long start = stats.start();
    PendingEvents<K, V> events = events();
    if (store.put(key, value, expireAtMillis, false, events).done && counted) {
      stats.recordPut(start);
    }
    events.dispatch();
  }

  @Override
  public V getAndPut(K key, V value) {
    ensureOpen();
    check.key(key);
    check.value(value);
    long start = stats.start();
    PendingEvents<K, V> events = events();
    TierStore<K, V>.Step s = store.put(key, value, ProcessorEntry.UNSET, true, events);
    if (s.done) {
      stats.recordPut(start);
    }
    stats.recordGet(s.hit, start);
    events.dispatch();
    return s.hit ? copier.out(s.form) : null;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    ensureOpen();
    Objects.requireNonNull(entries, "map");
    for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
      check.key(e.getKey());
      check.value(e.getValue());
    }
    putAll(entries, true, true);
  }

  private void putAll(Map<? extends K, ? extends V> entries, boolean replace, boolean useWriter) {
    long start = stats.start();
    PendingEvents<K, V> events = events();
    long[] count = {0};
    try {
      count[0] = store.walks.putAll(entries, replace, useWriter, events);
    } finally {
      stats.recordPuts(count[0], start);
      events.dispatch();
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    ensureOpen();
    check.key(key);
    check.value(value);
    long start = stats.start();
    PendingEvents<K, V> events = events();
    TierStore<K, V>.Step s = store.putIfAbsent(key, value, events);
    boolean put = s.result != null;
    if (put && s.done) {
      stats.recordPut(start);
    }
    stats.recordGet(!put);
    events.dispatch();
    return put;
  }

  @Override
  public boolean remove(K key) {
    ensureOpen();
    check.key(key);
    long start = stats.start();
    PendingEvents<K, V> events = events();
    boolean removed = store.remove(key, events).done;
    if (removed) {
      stats.recordRemoval(start);
    }
    events.dispatch();
    return removed;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    ensureOpen();
    check.key(key);
    check.value(oldValue);
    long start = stats.start();
    PendingEvents<K, V> events = events();
    TierStore<K, V>.Step s = store.remove(key, oldValue, events);
    stats.recordGet(s.hit);
    if (s.done) {
      stats.recordRemoval(start);
    }
    events.dispatch();
    return s.done;
  }

  @Override
  public V getAndRemove(K key) {
    ensureOpen();
    check.key(key);
    long start = stats.start();
    PendingEvents<K, V> events = events();
    TierStore<K, V>.Step s = store.remove(key, events);
    if (s.done) {
      stats.recordRemoval(start);
    }
    stats.recordGet(s.done, start);
    events.dispatch();
    return s.done ? copier.out(s.form) : null;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    ensureOpen();
    check.key(key);
    check.value(oldValue);
    check.value(newValue);
    long start = stats.start();
    PendingEvents<K, V> events = events();
    TierStore<K, V>.Step s = store.replace(key, oldValue, newValue, events);
    stats.recordGet(s.hit);
    if (s.done) {
      stats.recordPut(start);
    }
    events.dispatch();
    return s.done;
  }

  @Override
  public boolean replace(K key, V value) {
    return replaceStep(key, value).hit;
  }

  @Override
  public V getAndReplace(K key, V value) {
    TierStore<K, V>.Step s = replaceStep(key, value);
    return s.hit ? copier.out(s.form) : null;
  }

  private TierStore<K, V>.Step replaceStep(K key, V value) {
    ensureOpen();
    check.key(key);
    check.value(value);
    long start = stats.start();
    PendingEvents<K, V> events = events();
    TierStore<K, V>.Step s = store.replace(key, value, events);
    if (s.done) {
      stats.recordPut(start);
    }
    stats.recordGet(s.hit, start);
    events.dispatch();
    return s;
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    ensureOpen();
    Objects.requireNonNull(keys, "keys");
    for (K k : keys) {
      check.key(k);
    }
    removeAllOf(new LinkedHashSet<>(keys));
  }

  @Override
  public void removeAll() {
    ensureOpen();
    removeAllOf(new LinkedHashSet<>(store.walks.allKeys()));
  }

  private void removeAllOf(Set<K> keys) {
    long start = stats.start();
    PendingEvents<K, V> events = events();
    long[] count = {0};
    try {
      count[0] = store.walks.removeAll(keys, events);
    } finally {
      stats.recordRemovals(count[0], start);
      events.dispatch();
    }
  }

  @Override
  public void clear() {
    ensureOpen();
    store.walks.clear();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Per-entry expiry and size (CairnCache)

  @Override
  public long currentTimeMillis() {
    return store.now();
  }

  @Override
  public boolean setExpiry(K key, long expireAtMillis) {
    ensureOpen();
    check.key(key);
    checkExpiry(expireAtMillis);
    PendingEvents<K, V> events = events();
    boolean found = store.setExpiry(key, expireAtMillis, events).done;
    events.dispatch();
    return found;
  }

  @Override
  public V peek(K key) {
    ensureOpen();
    check.key(key);
    Object form = store.peek(key);
    return form == null ? null : copier.out(form);
  }

  @Override
  public void prefetch(Object[] keys, int count) {
    if (!closed && !copier.byValue()) {
      store.prefetch(keys, Math.min(count, keys.length));
    }
  }

  @Override
  public long getExpiry(K key) {
    ensureOpen();
    check.key(key);
    return store.expiryOf(key);
  }

  @Override
  public long size() {
    ensureOpen();
    return store.walks.size();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entry processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    ensureOpen();
    check.key(key);
    Objects.requireNonNull(processor, "entry processor");
    PendingEvents<K, V> events = events();
    @SuppressWarnings("unchecked")
    T result = (T) store.invoke(key, processor, arguments, events).result;
    events.dispatch();
    return result;
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    ensureOpen();
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(processor, "entry processor");
    for (K k : keys) {
      check.key(k);
    }
    Map<K, EntryProcessorResult<T>> out = new HashMap<>();
    PendingEvents<K, V> events = events();
    for (K key : keys) {
      try {
        @SuppressWarnings("unchecked")
        T r = (T) store.invoke(key, processor, arguments, events).result;
        if (r != null) {
          out.put(key, () -> r);
        }
      } catch (EntryProcessorException e) {
        out.put(key, () -> {
          throw e;
        });
      } catch (RuntimeException e) {
        EntryProcessorException wrapped = new EntryProcessorException(e);
        out.put(key, () -> {
          throw wrapped;
        });
      }
    }
    events.dispatch();
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // loadAll

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener listener) {
    ensureOpen();
    Objects.requireNonNull(keys, "keys");
    for (K k : keys) {
      check.key(k);
    }
    if (!bulkLoader.enabled()) {
      if (listener != null) {
        listener.onCompletion();
      }
      return;
    }
    List<K> wanted = new ArrayList<>(keys);
    loadExecutor().execute(() -> {
      try {
        List<K> toLoad = new ArrayList<>();
        for (K k : wanted) {
          if (replaceExistingValues || !containsKey(k)) {
            toLoad.add(k);
          }
        }
        Map<K, V> loaded = bulkLoader.loadAll(toLoad);
        Map<K, V> present = new LinkedHashMap<>();
        for (K k : toLoad) {
          V v = loaded.get(k);
          if (v != null) {
            present.put(k, v);
          }
        }
        putAll(present, replaceExistingValues, false);
        if (listener != null) {
          listener.onCompletion();
        }
      } catch (Exception e) {
        if (listener != null) {
          listener.onException(e);
        }
      }
    });
  }

  private ExecutorService loadExecutor() {
    ExecutorService e = loads;
    if (e == null) {
      synchronized (this) {
        if (loads == null) {
          loads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cairn-load " + name);
            t.setDaemon(true);
            return t;
          });
        }
        e = loads;
      }
    }
    return e;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Expiry timer, iteration, range scans

  /**
   * Before a persistent cache closes: the heap entries whose disk copy a drop deleted (a full disk) are written down
   * again, so the directory holds every entry the cache held. A failure is logged: the close goes on.
   */
  private void keepHeapCopies() {
    try {
      store.deletedBelow.awaitSettled();
      store.walks.writeBackHeap(null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cache " + name + ": closing, the heap entries whose disk copy was dropped"
          + " could not be written down again, and are lost: " + e);
    }
  }

  /** For tests: waits until the keys the disk tier's drops deleted so far are settled (told as lost, or kept). */
  void awaitLossesSettled() throws InterruptedException {
    store.deletedBelow.awaitSettled();
  }

  /**
   * Expires what is due on the heap and below, firing EXPIRED events without anyone touching the keys, and counts
   * each entry it expires on the timer. (A remote cache's step that runs again after a conflict may count twice.)
   */
  void expireDue() {
    if (!closed) {
      store.walks.expireDue(store.now(), this::timerEvents);
    }
  }

  /** The events of one timer step: as {@link #events()}, also counting EXPIRED ones on the timer. */
  private PendingEvents<K, V> timerEvents() {
    ExpiryTimer t = timer;
    return new PendingEvents<>(this, copier, listeners, sharedEvents) {
      @Override
      void add(javax.cache.event.EventType type, Object key, Object form, Object oldForm, boolean oldAvailable) {
        if (type == javax.cache.event.EventType.EXPIRED && t != null) {
          t.expiredOne();
        }
        super.add(type, key, form, oldForm, oldAvailable);
      }
    };
  }

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    ensureOpen();
    return new EntryIterator<>(this, store, copier, stats);
  }

  @Override
  public void addLossListener(java.util.function.Consumer<? super K> lost) {
    ensureOpen();
    store.addLossListener(Objects.requireNonNull(lost, "loss listener"));
  }

  @Override
  public void removeLossListener(java.util.function.Consumer<? super K> lost) {
    store.removeLossListener(lost);
  }

  @Override
  public Iterable<Cache.Entry<K, V>> range(K fromInclusive, K toExclusive) {
    ensureOpen();
    if (fromInclusive != null) {
      check.key(fromInclusive);
    }
    if (toExclusive != null) {
      check.key(toExclusive);
    }
    Codec<K> keyCodec = copier.keyCodec();
    if (!keyCodec.preservesOrder()) {
      throw new UnsupportedOperationException("range scans need a key codec that preserves order; cache " + name
          + " uses " + keyCodec.name());
    }
    byte[] from = fromInclusive == null ? null : keyCodec.encode(fromInclusive);
    byte[] to = toExclusive == null ? null : keyCodec.encode(toExclusive);
    return () -> {
      Iterator<io.cairn.engine.Entry> below = store.walks.range(from, to);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return below.hasNext();
        }

        @Override
        public Cache.Entry<K, V> next() {
          io.cairn.engine.Entry e = below.next();
          return new CairnEntry<>(keyCodec.decode(e.key()), copier.valueCodec().decode(e.value()));
        }
      };
    };
  }

  @Override
  public void flush() {
    ensureOpen();
    store.walks.flush();
  }

  @Override
  public void compact() {
    flush();
    store.lower().compact();
  }

  @Override
  public TierStatistics tiers() {
    HeapTier<K, V> heap = store.heap;
    TierStatistics.Heap h = new TierStatistics.Heap(heap.size(), heap.capacity(), heap.evictions(), heap.spills());
    NearDisk near = store.nearDisk;
    TierStatistics.Disk d = store.lower() instanceof DiskTier disk ? disk.snapshot(store.deletedBelow.lost())
        : near != null ? near.disk().snapshot(0)
        : new TierStatistics.Disk(false, false, false, null, 0, 0, 0, 0, 0, 0, TierStatistics.Events.NONE, null,
            null);
    ExpiryTimer t = timer;
    return new TierStatistics(h, d, t == null ? 0 : t.expired(),
        near == null ? TierStatistics.Near.NONE : new TierStatistics.Near(near.hits(), near.stale(), near.overflows()));
  }

  @Override
  public StoreStatistics engineStatistics() {
    ensureOpen();
    return store.lower().statistics();
  }

  @Override
  public Codec<K> keyCodec() {
    return copier.keyCodec();
  }

  @Override
  public Codec<V> valueCodec() {
    return FieldCodec.portable(copier.valueCodec());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Listeners, configuration, lifecycle

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> c) {
    ensureOpen();
    Objects.requireNonNull(c, "listener configuration");
    if (!listeners.register(c)) {
      throw new IllegalArgumentException("listener configuration already registered on cache " + name);
    }
    if (sharedEvents != null) {
      sharedEvents.listen();
    }
    config.addCacheEntryListenerConfiguration(c);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> c) {
    ensureOpen();
    Objects.requireNonNull(c, "listener configuration");
    listeners.deregister(c);
    config.removeCacheEntryListenerConfiguration(c);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    if (clazz.isInstance(config)) {
      return clazz.cast(config);
    }
    throw new IllegalArgumentException("the configuration of cache " + name + " is a "
        + config.getClass().getName() + ", not a " + clazz.getName());
  }

  CairnConfiguration<K, V> configuration() {
    return config;
  }

  void setStatisticsEnabled(boolean on) {
    config.setStatisticsEnabled(on);
    stats.enable(on);
    if (on) {
      Management.register(this, Management.Kind.STATISTICS, stats);
    } else {
      Management.unregister(this, Management.Kind.STATISTICS);
    }
  }

  void setManagementEnabled(boolean on) {
    config.setManagementEnabled(on);
    if (on) {
      Management.register(this, Management.Kind.CONFIGURATION, new Management.ConfigurationBean(config));
    } else {
      Management.unregister(this, Management.Kind.CONFIGURATION);
    }
  }

  @Override
  public void close() {
    shutdown(false);
  }

  /** Closes the cache; with {@code destroy} its files go too, persistent ones included. */
  void shutdown(boolean destroy) {
    synchronized (this) {
      if (closed) {
        if (destroy) {
          store.lower().destroy();
        }
        return;
      }
      closed = true;
    }
    if (timer != null) {
      timer.cancel();
    }
    manager.release(this);
    Management.unregister(this, Management.Kind.STATISTICS);
    Management.unregister(this, Management.Kind.CONFIGURATION);
    ExecutorService l = loads;
    if (l != null) {
      l.shutdown();
      try {
        l.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    listeners.close();
    if (sharedEvents != null) {
      sharedEvents.close();
    }
    closeAll(owned);
    if (!destroy && store.lower().writeThrough() && store.lower().isOpen()) {
      keepHeapCopies();
    }
    store.dropHeap();
    if (destroy) {
      store.lower().destroy();
    } else {
      store.lower().close();
    }
  }

  /** Closes a user's loader, writer or policy that is Closeable: best effort. */
  static void closeAll(List<Object> owned) {
    for (Object o : owned) {
      if (o instanceof Closeable c) {
        try {
          c.close();
        } catch (IOException | RuntimeException ignored) {
          // Closing a user's loader, writer or policy is best effort.
        }
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz == BidiCache.class) {
      if (bidiView == null) {
        throw new IllegalArgumentException("cache " + name + " is not bidirectional: enable it with "
            + "CairnConfiguration.setBidirectional(true), or bidi=true in the cache's properties section");
      }
      return clazz.cast(bidiView);
    }
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("a Cairn cache cannot be unwrapped to " + clazz.getName()
        + "; it unwraps to " + CairnCache.class.getName() + " and, when bidirectional, " + BidiCache.class.getName());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // For tests and statistics

  /** The codec values are kept in: {@link #valueCodec}'s, or the field codec a local store-by-value cache uses. */
  Codec<V> keptValueCodec() {
    return copier.valueCodec();
  }

  Statistics unwrapStatistics() {
    return stats;
  }

  /** The disk tier's entry for {@code key}, or null (for tests). */
  io.cairn.engine.Entry diskEntry(K key) {
    return store.lowerEntry(key);
  }

  /** Entries on the heap tier now (for tests and statistics). */
  long heapSize() {
    return store.heapSize();
  }

  @Override
  public String toString() {
    return "CairnCache[" + name + "]";
  }
}
