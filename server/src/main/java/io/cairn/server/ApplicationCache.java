package io.cairn.server;

import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnConfiguration;
import io.cairn.jcache.CairnMutableEntry;
import io.cairn.jcache.Codec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;

/**
 * An application's Cairn cache served as a database of an embedded server ({@link CairnServer#serve}): the same
 * cache, seen as the server sees its own, from {@link Key} to bytes, through the cache's own codecs. A Redis key is
 * the key codec's encoding of the application's key, a value is the value codec's encoding: a String-keyed cache
 * of String or byte[] values is addressed by the keys' UTF-8 bytes and holds UTF-8 or raw bytes, so clients see
 * what the application wrote. Bytes the codec does not decode back to themselves (malformed UTF-8 for a String
 * codec, an unknown type byte for the tagged codec of an {@code Object} cache) are refused with an error naming the
 * cache and its codec, so a client never writes something other than what it sent.
 *
 * <p>Writes the application makes itself (not through the server) reach the server through a synchronous listener
 * ({@link #listenForApplicationWrites}), so tracking clients get invalidations and WATCHing transactions fail for
 * them; the server's own calls are marked on their thread ({@link #serving}) so that listener skips them.
 *
 * <p>Closing the view does not close the application's cache: it removes the listeners the server registered on
 * it. The application's expiry policy, listeners, writer and statistics apply to writes from clients as to its own.
 *
 * <p>Thread-safety: as the cache's; the registrations are guarded by {@code this}.
 *
 * @param <K> the application's key type
 * @param <V> the application's value type
 */
final class ApplicationCache<K, V> implements Cache<Key, byte[]>, CairnView {
  private final Cache<K, V> cache;
  private final CairnCache<K, V> cairn;
  private final Codec<K> keys;
  private final Codec<V> values;
  private final Map<CacheEntryListenerConfiguration<Key, byte[]>, CacheEntryListenerConfiguration<K, V>> listeners =
      new LinkedHashMap<>();
  private final Map<Consumer<? super Key>, Consumer<K>> losses = new HashMap<>();
  /** The listener {@link #listenForApplicationWrites} registered, or null. */
  private CacheEntryListenerConfiguration<K, V> applicationWrites;
  /** True while a call of the server's runs on this thread: its writes are not the application's. */
  private final ThreadLocal<Boolean> serving = ThreadLocal.withInitial(() -> Boolean.FALSE);

  @SuppressWarnings("unchecked")
  ApplicationCache(Cache<K, V> cache) {
    this.cache = cache;
    try {
      this.cairn = cache.unwrap(CairnCache.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cache '" + cache.getName() + "' is not a Cairn cache ("
          + cache.getClass().getName() + "): only Cairn caches can be served", e);
    }
    this.keys = cairn.keyCodec();
    this.values = cairn.valueCodec();
  }

  /** How the application configured the cache, as the server reports it (INFO persistence, flush on close). */
  @SuppressWarnings("unchecked")
  DatabaseSettings settings() {
    CairnConfiguration<K, V> c = cache.getConfiguration(CairnConfiguration.class);
    DatabaseSettings d = DatabaseSettings.DEFAULTS;
    return new DatabaseSettings(c.getHeapEntries() != null ? c.getHeapEntries() : d.heapEntries(),
        c.getDiskBytes() != null ? c.getDiskBytes() : d.diskBytes(), Boolean.TRUE.equals(c.getPersistent()),
        c.getDurability() != null ? c.getDurability() : d.durability(), false,
        c.getMemtableBytes() != null ? c.getMemtableBytes() : d.memtableBytes());
  }

  /** The codecs, for messages: "key codec String, value codec byte[]". */
  String codecs() {
    return "key codec " + keys.name() + ", value codec " + values.name();
  }

  private K key(Key k) {
    K key;
    try {
      key = keys.decode(k.bytes);
    } catch (RuntimeException e) {
      throw refused("key", keys, e.getMessage());
    }
    if (!Arrays.equals(keys.encode(key), k.bytes)) {
      throw refused("key", keys, "its bytes do not decode to a key that encodes to them again");
    }
    return key;
  }

  private Key key(K k) {
    return new Key(keys.encode(k));
  }

  private V value(byte[] b) {
    V v;
    try {
      v = values.decode(b);
    } catch (RuntimeException e) {
      throw refused("value", values, e.getMessage());
    }
    if (!Arrays.equals(values.encode(v), b)) {
      throw refused("value", values, "its bytes do not decode to a value that encodes to them again");
    }
    return v;
  }

  private byte[] bytes(V v) {
    return v == null ? null : values.encode(v);
  }

  private IllegalArgumentException refused(String what, Codec<?> codec, String why) {
    return new IllegalArgumentException("ERR not a " + what + " of cache '" + cache.getName() + "' (its " + what
        + " codec is " + codec.name() + "): " + why);
  }

  /** Runs one of the server's calls on the cache, marked as the server's for the application-write listener. */
  private <T> T serving(java.util.function.Supplier<T> call) {
    Boolean outer = serving.get();
    serving.set(Boolean.TRUE);
    try {
      return call.get();
    } finally {
      serving.set(outer);
    }
  }

  private void serving(Runnable call) {
    serving(() -> {
      call.run();
      return null;
    });
  }

  private Cache.Entry<Key, byte[]> entry(Cache.Entry<K, V> e) {
    Key k = key(e.getKey());
    byte[] v = bytes(e.getValue());
    return new Cache.Entry<>() {
      @Override
      public Key getKey() {
        return k;
      }

      @Override
      public byte[] getValue() {
        return v;
      }

      @Override
      public <T> T unwrap(Class<T> clazz) {
        return e.unwrap(clazz);
      }
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reads and writes

  @Override
  public byte[] get(Key key) {
    return serving(() -> bytes(cache.get(key(key))));
  }

  @Override
  public Map<Key, byte[]> getAll(Set<? extends Key> ks) {
    Map<Key, byte[]> out = new HashMap<>();
    for (Key k : ks) {
      byte[] v = get(k);
      if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }

  @Override
  public boolean containsKey(Key key) {
    return cache.containsKey(key(key));
  }

  @Override
  public void loadAll(Set<? extends Key> ks, boolean replaceExistingValues, CompletionListener done) {
    Set<K> app = new java.util.HashSet<>();
    for (Key k : ks) {
      app.add(key(k));
    }
    cache.loadAll(app, replaceExistingValues, done);
  }

  @Override
  public void put(Key key, byte[] value) {
    serving(() -> cache.put(key(key), value(value)));
  }

  @Override
  public byte[] getAndPut(Key key, byte[] value) {
    return serving(() -> bytes(cache.getAndPut(key(key), value(value))));
  }

  @Override
  public void putAll(Map<? extends Key, ? extends byte[]> map) {
    Map<K, V> app = new LinkedHashMap<>();
    map.forEach((k, v) -> app.put(key(k), value(v)));
    serving(() -> cache.putAll(app));
  }

  @Override
  public boolean putIfAbsent(Key key, byte[] value) {
    return serving(() -> cache.putIfAbsent(key(key), value(value)));
  }

  @Override
  public boolean remove(Key key) {
    return serving(() -> cache.remove(key(key)));
  }

  @Override
  public boolean remove(Key key, byte[] oldValue) {
    return serving(() -> cache.remove(key(key), value(oldValue)));
  }

  @Override
  public byte[] getAndRemove(Key key) {
    return serving(() -> bytes(cache.getAndRemove(key(key))));
  }

  @Override
  public boolean replace(Key key, byte[] oldValue, byte[] newValue) {
    return serving(() -> cache.replace(key(key), value(oldValue), value(newValue)));
  }

  @Override
  public boolean replace(Key key, byte[] value) {
    return serving(() -> cache.replace(key(key), value(value)));
  }

  @Override
  public byte[] getAndReplace(Key key, byte[] value) {
    return serving(() -> bytes(cache.getAndReplace(key(key), value(value))));
  }

  @Override
  public void removeAll(Set<? extends Key> ks) {
    Set<K> app = new java.util.HashSet<>();
    for (Key k : ks) {
      app.add(key(k));
    }
    serving(() -> cache.removeAll(app));
  }

  @Override
  public void removeAll() {
    serving(() -> cache.removeAll());
  }

  @Override
  public void clear() {
    serving(() -> cache.clear());
  }

  @Override
  public <T> T invoke(Key key, EntryProcessor<Key, byte[], T> processor, Object... arguments) {
    return serving(() -> cache.invoke(key(key), (e, args) -> processor.process(new Entry(key, e), args),
        arguments));
  }

  @Override
  public <T> Map<Key, EntryProcessorResult<T>> invokeAll(Set<? extends Key> ks,
      EntryProcessor<Key, byte[], T> processor, Object... arguments) {
    Map<Key, EntryProcessorResult<T>> out = new HashMap<>();
    for (Key k : ks) {
      T r = invoke(k, processor, arguments);
      if (r != null) {
        out.put(k, () -> r);
      }
    }
    return out;
  }

  /** An entry processor's entry, as bytes. */
  private final class Entry implements CairnMutableEntry<Key, byte[]> {
    private final Key key;
    private final MutableEntry<K, V> entry;

    Entry(Key key, MutableEntry<K, V> entry) {
      this.key = key;
      this.entry = entry;
    }

    @SuppressWarnings("unchecked")
    private CairnMutableEntry<K, V> cairn() {
      return entry.unwrap(CairnMutableEntry.class);
    }

    @Override
    public Key getKey() {
      return key;
    }

    @Override
    public byte[] getValue() {
      return bytes(entry.getValue());
    }

    @Override
    public boolean exists() {
      return entry.exists();
    }

    @Override
    public void remove() {
      entry.remove();
    }

    @Override
    public void setValue(byte[] value) {
      entry.setValue(value(value));
    }

    @Override
    public long getExpiry() {
      return cairn().getExpiry();
    }

    @Override
    public void setExpiry(long expireAtMillis) {
      cairn().setExpiry(expireAtMillis);
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
      return clazz.isInstance(this) ? clazz.cast(this) : entry.unwrap(clazz);
    }
  }

  @Override
  public Iterator<Cache.Entry<Key, byte[]>> iterator() {
    return served(cache.iterator());
  }

  /** The application's entries as the server's; a removal goes through the underlying iterator. */
  private Iterator<Cache.Entry<Key, byte[]>> served(Iterator<Cache.Entry<K, V>> it) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Cache.Entry<Key, byte[]> next() {
        return entry(it.next());
      }

      @Override
      public void remove() {
        serving(it::remove);
      }
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // CairnView

  @Override
  public long currentTimeMillis() {
    return cairn.currentTimeMillis();
  }

  @Override
  public void put(Key key, byte[] value, long expireAtMillis) {
    serving(() -> cairn.put(key(key), value(value), expireAtMillis));
  }

  @Override
  public long getExpiry(Key key) {
    return cairn.getExpiry(key(key));
  }

  @Override
  public byte[] peek(Key key) {
    return serving(() -> bytes(cairn.peek(key(key))));
  }

  @Override
  public long size() {
    return cairn.size();
  }

  /** An empty bound is open, as CAIRN.RANGE's empty end is; other bounds must be keys of the cache. */
  @Override
  public Iterable<Cache.Entry<Key, byte[]>> range(Key fromInclusive, Key toExclusive) {
    K from = fromInclusive == null || fromInclusive.bytes.length == 0 ? null : key(fromInclusive);
    K to = toExclusive == null || toExclusive.bytes.length == 0 ? null : key(toExclusive);
    Iterable<Cache.Entry<K, V>> r = cairn.range(from, to);
    return () -> served(r.iterator());
  }

  @Override
  public synchronized void addLossListener(Consumer<? super Key> lost) {
    Consumer<K> app = k -> lost.accept(key(k));
    losses.put(lost, app);
    cairn.addLossListener(app);
  }

  @Override
  public void flush() {
    cairn.flush();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Listeners and lifecycle

  /**
   * Registers an expiry listener (the only kind the server registers) on the application's cache, its events' keys
   * and values turned into bytes.
   */
  @Override
  public synchronized void registerCacheEntryListener(CacheEntryListenerConfiguration<Key, byte[]> configuration) {
    CacheEntryListener<? super Key, ? super byte[]> l = configuration.getCacheEntryListenerFactory().create();
    if (!(l instanceof CacheEntryExpiredListener)) {
      throw new UnsupportedOperationException("the server listens only for expiry on an application's cache, not "
          + l.getClass().getName());
    }
    @SuppressWarnings("unchecked")
    CacheEntryExpiredListener<Key, byte[]> expired = (CacheEntryExpiredListener<Key, byte[]>) l;
    CacheEntryExpiredListener<K, V> app = events -> {
      List<CacheEntryEvent<? extends Key, ? extends byte[]>> out = new ArrayList<>();
      for (CacheEntryEvent<? extends K, ? extends V> e : events) {
        out.add(new Event(e));
      }
      expired.onExpired(out);
    };
    Factory<CacheEntryListener<? super K, ? super V>> factory = () -> app;
    MutableCacheEntryListenerConfiguration<K, V> registered = new MutableCacheEntryListenerConfiguration<>(factory,
        null, configuration.isOldValueRequired(), configuration.isSynchronous());
    cache.registerCacheEntryListener(registered);
    listeners.put(configuration, registered);
  }

  @Override
  public synchronized void deregisterCacheEntryListener(
      CacheEntryListenerConfiguration<Key, byte[]> configuration) {
    CacheEntryListenerConfiguration<K, V> registered = listeners.remove(configuration);
    if (registered != null && !cache.isClosed()) {
      cache.deregisterCacheEntryListener(registered);
    }
  }

  /**
   * Tells {@code changed} of each key the application itself creates, updates or removes, synchronously on the
   * application's writing thread; not of the server's own writes (the server handles those as for its own caches),
   * nor of a {@code clear()}, which fires no events in JCache.
   */
  synchronized void listenForApplicationWrites(Consumer<Key> changed) {
    ApplicationWrites app = new ApplicationWrites(changed);
    Factory<CacheEntryListener<? super K, ? super V>> factory = () -> app;
    applicationWrites = new MutableCacheEntryListenerConfiguration<>(factory, null, false, true);
    cache.registerCacheEntryListener(applicationWrites);
  }

  /** The application's own writes, by key. */
  private final class ApplicationWrites implements CacheEntryCreatedListener<K, V>, CacheEntryUpdatedListener<K, V>,
      CacheEntryRemovedListener<K, V> {
    private final Consumer<Key> changed;

    ApplicationWrites(Consumer<Key> changed) {
      this.changed = changed;
    }

    private void changed(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
      if (serving.get()) {
        return;
      }
      for (CacheEntryEvent<? extends K, ? extends V> e : events) {
        changed.accept(key(e.getKey()));
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
      changed(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
      changed(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
      changed(events);
    }
  }

  /** An application's event with its key and values as bytes. */
  private final class Event extends CacheEntryEvent<Key, byte[]> {
    private static final long serialVersionUID = 1L;

    private final CacheEntryEvent<? extends K, ? extends V> event;

    Event(CacheEntryEvent<? extends K, ? extends V> event) {
      super(ApplicationCache.this, event.getEventType());
      this.event = event;
    }

    @Override
    public Key getKey() {
      return key(event.getKey());
    }

    @Override
    public byte[] getValue() {
      return bytes(event.getValue());
    }

    @Override
    public byte[] getOldValue() {
      return bytes(event.getOldValue());
    }

    @Override
    public boolean isOldValueAvailable() {
      return event.isOldValueAvailable();
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
      return event.unwrap(clazz);
    }
  }

  @Override
  public String getName() {
    return cache.getName();
  }

  @Override
  public CacheManager getCacheManager() {
    return cache.getCacheManager();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <C extends Configuration<Key, byte[]>> C getConfiguration(Class<C> clazz) {
    return (C) cache.getConfiguration((Class) clazz);
  }

  /** Detaches the server from the application's cache (its listeners removed); the cache stays open. */
  @Override
  public synchronized void close() {
    if (!cache.isClosed()) {
      for (CacheEntryListenerConfiguration<K, V> c : listeners.values()) {
        cache.deregisterCacheEntryListener(c);
      }
      losses.values().forEach(cairn::removeLossListener);
      if (applicationWrites != null) {
        cache.deregisterCacheEntryListener(applicationWrites);
      }
    }
    applicationWrites = null;
    listeners.clear();
    losses.clear();
  }

  @Override
  public boolean isClosed() {
    return cache.isClosed();
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("a served application cache does not unwrap to " + clazz.getName());
  }
}
