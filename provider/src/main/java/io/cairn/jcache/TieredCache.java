package io.cairn.jcache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.cairn.engine.StoreStatistics;
import java.io.Closeable;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.EventType;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;

/**
 * A Cairn cache: a bounded heap tier over the cache's disk tier.
 *
 * <h2>Where an entry lives</h2>
 * The heap tier (Caffeine, W-TinyLFU, bounded by {@code heapEntries}) holds hot entries as {@link Holder}s. An entry
 * the heap evicts is written to the disk tier if the disk copy is missing or stale ({@link Holder#dirty}); an entry
 * not on the heap is read from disk and promoted. A persistent cache writes every change to disk as it happens
 * (write-through to its engine); a non-persistent one writes only what the heap evicts (write-back). An entry read
 * back from disk is rewritten when next evicted, so the FIFO disk tier keeps recently used entries while it drops
 * the oldest.
 *
 * <h2>Concurrency</h2>
 * Every operation that reads and changes an entry runs inside the heap map's {@code compute} for its key, which is
 * the entry's lock: the disk read, the writer or loader call, the expiry decision and the disk write happen atomically
 * per key. Events are collected inside and dispatched after the lock is released. A plain {@code get} that hits the
 * heap takes no lock at all (unless the expiry policy changes expiry on access). Heap eviction runs Caffeine's
 * eviction listener under the evicted key's lock.
 *
 * <h2>Bidirectional caches</h2>
 * A bidirectional cache keeps its values unique without a cache-wide lock. {@link #claims} maps each value written
 * on the heap tier to the holder of the key that holds it; a write claims its value inside the key's compute (locks
 * are always taken key first, then the value's bin in {@code claims}), failing if another live key holds it there or,
 * failing that, on disk. On disk each entry has an inverse record (value, key) written in the same batch as the entry
 * itself, so every disk copy's value has its record; a record left stale by a move is recognised by checking it
 * against its key, and dropped by compaction. The disk is probed only once some key may be there alone
 * ({@link #spilled}), and not for a value whose released claim still stands as a vacancy. Heap entries are written
 * back as in a plain cache: an evicted entry is written with its record first and only then gives up its claim, so a
 * value is always found in one place or the other. Moving a value between keys ({@link #forcePut}) removes the old holder and
 * leaves a reservation claim for the new key until its write lands.
 */
final class TieredCache<K, V> implements Cache<K, V>, CairnCache<K, V>, BidiCache<K, V> {
  private static final long ETERNAL = Holder.ETERNAL;

  private final String name;
  private final CairnCacheManager manager;
  private final CairnConfiguration<K, V> config;
  private final CacheSettings settings;
  private final Class<K> keyType;
  private final Class<V> valueType;
  private final Codec<K> keyCodec;
  private final Codec<V> valueCodec;
  private final boolean byValue;
  private final com.github.benmanes.caffeine.cache.Cache<K, Holder<V>> heap;
  private final ConcurrentMap<K, Holder<V>> map;
  private final DiskTier disk;
  private final ExpiryPolicy expiry;
  private final CacheLoader<K, V> loader;
  private final CacheWriter<? super K, ? super V> writer;
  private final Listeners<K, V> listeners;
  private final Statistics stats;
  private final ScheduledFuture<?> expiryTimer;
  private final java.util.function.LongSupplier clock;
  private volatile ExecutorService loads;
  private volatile boolean closed;
  /** Set once any entry gets a finite expiry: until then the expiry timer has nothing to scan on the heap. */
  private volatile boolean anyExpiry;
  /** The policy never changes expiry on access (the standard eternal, created and modified policies). */
  private final boolean accessNeverReexpires;
  private final boolean checkKeyType;
  private final boolean checkValueType;
  /**
   * Bidirectional caches (else null): value (see {@link #claimKey}) to the holder of the key holding it, for every
   * value written on the heap tier and not since replaced, dropped or evicted; also the reservations of
   * {@link #forcePut}. Changed only under the holder's key lock.
   */
  private final java.util.concurrent.ConcurrentHashMap<Object, Holder<V>> claims;
  /**
   * Bidirectional caches: the vacancies left in {@link #claims}, one slot per value hash. A released claim stays in
   * {@code claims} as a vacancy, which tells the next writer of that value that no key holds it (any key that took it
   * since would have replaced the vacancy), so the disk probe is skipped: a value that comes back, as a recycled
   * address or a seat does, costs no read. Bounded: a vacancy pushed out of its slot leaves {@code claims}. The
   * vacancy a key left by moving to another value is kept by its new entry first (see {@link #release(Holder, Holder)}).
   */
  private final java.util.concurrent.atomic.AtomicReferenceArray<Holder<V>> vacancies;
  /**
   * Bidirectional caches: whether a key may have a disk copy while not on the heap. Until one does (a persistent cache
   * opened on a store with entries, or any entry evicted to disk), every holder of a value is on the heap and claims
   * it, so a write needs no disk probe. Set before an evicted entry gives up its claim; never cleared.
   */
  private volatile boolean spilled;

  @SuppressWarnings("unchecked")
  TieredCache(String name, CairnCacheManager manager, CairnConfiguration<K, V> config, CacheSettings settings) {
    this.name = name;
    this.manager = manager;
    this.config = config;
    this.settings = settings;
    this.keyType = config.getKeyType();
    this.valueType = config.getValueType();
    ObjectInputFilter filter = Codecs.filter(settings.serialFilter());
    this.keyCodec = config.getKeyCodec() != null ? config.getKeyCodec()
        : Codecs.forType(keyType, manager.getClassLoader(), filter);
    this.valueCodec = config.getValueCodec() != null ? config.getValueCodec()
        : Codecs.forType(valueType, manager.getClassLoader(), filter);
    this.byValue = config.isStoreByValue();
    this.clock = config.getClock() != null ? config.getClock() : System::currentTimeMillis;
    this.expiry = config.getExpiryPolicyFactory().create();
    this.accessNeverReexpires = expiry instanceof javax.cache.expiry.EternalExpiryPolicy
        || expiry instanceof javax.cache.expiry.CreatedExpiryPolicy
        || expiry instanceof javax.cache.expiry.ModifiedExpiryPolicy;
    this.checkKeyType = keyType != Object.class;
    this.checkValueType = valueType != Object.class;
    this.loader = config.getCacheLoaderFactory() == null ? null
        : (CacheLoader<K, V>) config.getCacheLoaderFactory().create();
    this.writer = config.getCacheWriterFactory() == null ? null : config.getCacheWriterFactory().create();
    this.disk = new DiskTier(name, settings, clock);
    this.claims = settings.bidirectional() ? new java.util.concurrent.ConcurrentHashMap<>() : null;
    this.vacancies = settings.bidirectional() ? new java.util.concurrent.atomic.AtomicReferenceArray<>(
        vacancySlots(settings.heapEntries())) : null;
    this.spilled = settings.bidirectional() && disk.hasEntries();
    if (settings.bidirectional()) {
      disk.recordsProbedWhen(() -> spilled);
    }
    this.heap = Caffeine.newBuilder().maximumSize(settings.heapEntries()).evictionListener(this::evicted).build();
    this.map = heap.asMap();
    this.listeners = new Listeners<>(name);
    for (CacheEntryListenerConfiguration<K, V> c : config.getCacheEntryListenerConfigurations()) {
      listeners.register(c);
    }
    this.stats = new Statistics(disk::droppedEntries);
    this.stats.enabled = config.isStatisticsEnabled();
    if (config.isManagementEnabled()) {
      Management.register(this, Management.Kind.CONFIGURATION, new Management.ConfigurationBean(config));
    }
    if (config.isStatisticsEnabled()) {
      Management.register(this, Management.Kind.STATISTICS, stats);
    }
    this.expiryTimer = CairnCachingProvider.TIMER.scheduleWithFixedDelay(this::expireDueQuietly, 250, 250,
        TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  private long now() {
    return clock.getAsLong();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache " + name + " is closed");
    }
  }

  private K checkKey(K key) {
    if (key == null) {
      throw new NullPointerException("key is null (cache " + name + ")");
    }
    if (checkKeyType && !keyType.isInstance(key)) {
      throw new ClassCastException("key of type " + key.getClass().getName() + " in cache " + name
          + " configured for keys of type " + keyType.getName());
    }
    return key;
  }

  private V checkValue(V value) {
    if (value == null) {
      throw new NullPointerException("value is null (cache " + name + ")");
    }
    if (checkValueType && !valueType.isInstance(value)) {
      throw new ClassCastException("value of type " + value.getClass().getName() + " in cache " + name
          + " configured for values of type " + valueType.getName());
    }
    return value;
  }

  /** The key as the heap map holds it: a private copy under store-by-value. */
  private K heapKey(K key) {
    return byValue && !Codecs.isImmutable(key) ? keyCodec.decode(keyCodec.encode(key)) : key;
  }

  /** A value as the cache keeps it: a private copy, and (store-by-value, mutable types) the encoding it came from. */
  record Stored<V>(V value, byte[] bytes) {}

  /** The value as the cache keeps it: a private copy under store-by-value, with its encoding kept for reads. */
  private Stored<V> copyIn(V value) {
    if (!byValue || Codecs.isImmutable(value)) {
      return new Stored<>(value, null);
    }
    byte[] bytes = valueCodec.encode(value);
    return new Stored<>(valueCodec.decode(bytes), bytes);
  }

  /** The value of an entry as a caller receives it: decoded from its kept encoding, or the value itself. */
  private V copyOut(Holder<V> h) {
    return h.encoded != null ? valueCodec.decode(h.encoded) : copyOut(h.value);
  }

  /** The value as a caller receives it: a copy under store-by-value. */
  private V copyOut(V value) {
    return value == null || !byValue || Codecs.isImmutable(value) ? value
        : valueCodec.decode(valueCodec.encode(value));
  }

  private static long expireAt(Duration d, long now) {
    if (d.isEternal()) {
      return ETERNAL;
    }
    if (d.isZero()) {
      return now;
    }
    long at = d.getAdjustedTime(now);
    return at < 0 ? ETERNAL : at;
  }

  private long creationExpiry(long now) {
    Duration d;
    try {
      d = expiry.getExpiryForCreation();
    } catch (Throwable t) {
      d = Duration.ETERNAL;
    }
    return expireAt(d == null ? Duration.ETERNAL : d, now);
  }

  private long updateExpiry(long now, long current) {
    try {
      Duration d = expiry.getExpiryForUpdate();
      return d == null ? current : expireAt(d, now);
    } catch (Throwable t) {
      return current;
    }
  }

  private long accessExpiry(long now, long current) {
    try {
      Duration d = expiry.getExpiryForAccess();
      return d == null ? current : expireAt(d, now);
    } catch (Throwable t) {
      return current;
    }
  }

  /** The heap map's compute for {@code key}: the entry's lock. */
  private Holder<V> compute(K key, java.util.function.BiFunction<? super K, ? super Holder<V>, ? extends Holder<V>> fn) {
    return map.compute(key, fn);
  }

  private Holder<V> computeIfPresent(K key,
      java.util.function.BiFunction<? super K, ? super Holder<V>, ? extends Holder<V>> fn) {
    return map.computeIfPresent(key, fn);
  }

  /**
   * Bidirectional caches with a writer: fails early, before the writer sees the write, if a live entry of another key
   * holds {@code value}. The check that decides is {@link #claim}, atomic with the write; this one only spares the
   * writer a write the cache would refuse (a racing writer of the same value can still get there in between).
   */
  private void checkUnique(K key, V value) {
    if (claims == null || writer == null || !config.isWriteThrough()) {
      return;
    }
    K owner = ownerOf(value);
    if (owner != null && !owner.equals(key)) {
      throw conflict(owner, key);
    }
  }

  private ValueHeldException conflict(Object owner, K key) {
    return new ValueHeldException("value already present in bidirectional cache " + name + ": held by key "
        + owner + " (use forcePut to move it to key " + key + ")");
  }

  /** A bidirectional cache refused a write: another key holds the value. */
  private static final class ValueHeldException extends IllegalArgumentException {
    ValueHeldException(String message) {
      super(message);
    }
  }

  /** The key of {@code claims} for a value: the value itself, or its encoding for arrays (which lack value equality). */
  private Object claimKey(V value) {
    return value.getClass().isArray() ? new EncodedValue(valueCodec.encode(value)) : value;
  }

  /** An array value as a claim key: equal by content. */
  private static final class EncodedValue {
    private final byte[] bytes;
    private final int hash;

    EncodedValue(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EncodedValue e && Arrays.equals(bytes, e.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** Whether a holder's value is {@code value}: equal, or equal by bytes (arrays). */
  private boolean holds(Holder<V> h, V value) {
    return h.value.equals(value) || sameEncoding(h.value, value);
  }

  /** Equal by bytes though not by {@code equals} (arrays, types without value equality). */
  private boolean sameEncoding(V a, V b) {
    return a.getClass().isArray() && Arrays.equals(valueCodec.encode(a), valueCodec.encode(b));
  }

  /** Whether a claim stands: its holder is still its key's entry (or a reservation) and not expired. */
  private static boolean stands(Holder<?> c, long now) {
    return c != null && c.live && !c.isExpired(now);
  }

  /** Whether a claim is a vacancy: released by its key, and no key has held the value since (see {@link #release}). */
  private static boolean vacant(Holder<?> c) {
    return c != null && !c.live && c.vacant;
  }

  /** Vacancy slots: about as many as heap entries, a power of two from 16 to 262,144. */
  static int vacancySlots(long heapEntries) {
    long n = Math.max(16, Math.min(1 << 18, heapEntries));
    return (int) Long.highestOneBit(n - 1) << 1;
  }

  /**
   * The key whose live entry holds {@code value}, or null: its claim on the heap tier, else the disk tier's inverse
   * records. Takes no lock. A value leaving the heap is written to disk before its claim goes, so it is never missed.
   */
  private K ownerOf(V value) {
    long now = now();
    Holder<V> c = claims.get(claimKey(value));
    if (stands(c, now)) {
      @SuppressWarnings("unchecked")
      K k = (K) c.key;
      return k;
    }
    return vacant(c) ? null : diskOwner(value, null, now);
  }

  /**
   * The key other than {@code except} whose disk copy holds {@code value} and which is not on the heap with another
   * value, or null. A key found on the heap is decided by its heap entry (Caffeine keeps an entry readable while its
   * eviction listener writes it to disk); a key not found there is checked against its disk copy again, since it may
   * have been written back with another value since the inverse records were read. Takes no lock of {@code claims}.
   */
  private K diskOwner(V value, K except, long now) {
    if (!spilled || !disk.isOpen()) {
      return null;
    }
    byte[] vb = valueCodec.encode(value);
    for (byte[] kb : disk.inverseKeys(vb)) {
      K k = keyCodec.decode(kb);
      if (!k.equals(except) && holdsNow(k, kb, value, vb, now)) {
        return k;
      }
    }
    return null;
  }

  /**
   * Whether {@code k} (encoded {@code kb}), which has an inverse record for {@code value} (encoded {@code vb}), holds
   * it now: its heap entry decides if it has one, else its disk copy, read again.
   */
  private boolean holdsNow(K k, byte[] kb, V value, byte[] vb, long now) {
    Holder<V> h = map.get(k);
    if (h != null) {
      return stands(h, now) && holds(h, value);
    }
    io.cairn.engine.Entry e = disk.read(kb);
    return e != null && Arrays.equals(e.value(), vb);
  }

  /**
   * Under {@code key}'s lock: claims {@code n}'s value for {@code key}, replacing {@code before} (its entry until now)
   * where that held the same value. Fails, changing nothing, if another key's live entry holds the value on the heap
   * or on disk. Returns the claim key.
   */
  private Object claim(K key, Holder<V> before, Holder<V> n) {
    n.key = key;
    Object ck = claimKey(n.value);
    long now = now();
    // Re-putting the value its entry claims: swap the claim.
    if (before != null && ck.equals(claimKey(before.value)) && isClaim(before, ck, now)
        && claims.replace(ck, before, n)) {
      before.claimed = false;
      n.claimed = true;
      return ck;
    }
    claims.compute(ck, (x, c) -> {
      if (stands(c, now)) {
        if (!key.equals(c.key)) {
          throw conflict(c.key, key);
        }
      } else if (!vacant(c)) {
        K owner = diskOwner(n.value, key, now);
        if (owner != null) {
          throw conflict(owner, key);
        }
      }
      return n;
    });
    if (before != null && before.claimed && ck.equals(claimKey(before.value))) {
      before.claimed = false;
    }
    n.claimed = true;
    return ck;
  }

  /**
   * Under {@code h}'s key lock, {@code h} being its key's entry: whether {@code h} is the claim of its own value, whose
   * claim key is {@code ck}. Trusts {@link Holder#claimed} while {@code h} stands at {@code now}, else looks.
   */
  private boolean isClaim(Holder<V> h, Object ck, long now) {
    return h.claimed && stands(h, now) || claims.get(ck) == h;
  }

  /** Under the holder's key lock: {@link #release(Holder, Holder)} with no successor (a drop, a clear). */
  private void release(Holder<V> h) {
    release(h, null);
  }

  /**
   * Under the holder's key lock: it is no longer its key's entry. If it is its value's claim, the claim stays as a
   * vacancy: when the holder claimed the value, no other key held it on either tier, and a key taking it since would
   * have replaced the claim.
   *
   * <p>Where the vacancy lives on decides how long it saves probes. With a {@code successor} (the key's new entry), the
   * successor keeps it ({@link Holder#vacated}) while it is the key's entry, so a key that moves back to its previous
   * value finds it however busy the cache is; the vacancy the released holder kept goes to the ring, unless the
   * successor just took that value back. Without one, the vacancy goes to the ring. The vacancy the ring pushes out of
   * its slot leaves {@code claims}, and its value's next writer probes the disk as usual. So {@code claims} holds at
   * most one vacancy per heap entry and one per ring slot.
   */
  private void release(Holder<V> h, Holder<V> successor) {
    Object ck = claimKey(h.value);
    Holder<V> kept = h.vacated;
    h.vacated = null;
    if (!spilled) {
      // No probes are made while nothing has spilled: a vacancy would save none (and none was kept: spilled is never
      // cleared, and vacancies are made only once it is set).
      h.live = false;
      h.claimed = false;
      claims.remove(ck, h);
      return;
    }
    boolean claimed = isClaim(h, ck, now());
    if (claimed) {
      h.vacant = true;
    }
    h.live = false;
    if (successor == null) {
      ring(kept);
      if (claimed) {
        ring(h);
      }
    } else if (claimed) {
      if (kept != null && !successor.value.equals(kept.value)) {
        ring(kept);
      }
      successor.vacated = h;
    } else {
      successor.vacated = kept;
    }
  }

  /**
   * Puts a vacancy (null: none) in its slot of the ring; the vacancy it pushes out leaves {@code claims} unless its
   * value was taken since.
   */
  private void ring(Holder<V> vacancy) {
    if (vacancy == null) {
      return;
    }
    int hash = claimKey(vacancy.value).hashCode();
    Holder<V> old = vacancies.getAndSet((hash ^ (hash >>> 16)) & (vacancies.length() - 1), vacancy);
    if (old != null) {
      claims.remove(claimKey(old.value), old);
    }
  }

  /**
   * Under the key's lock, bidirectional caches: an entry read from disk becomes the heap entry; it claims its value
   * so that {@link #getKey} finds it without reading the disk (unless a claim stands already).
   */
  private void adopt(K key, Holder<V> h) {
    h.key = key;
    long now = now();
    h.claimed = claims.compute(claimKey(h.value), (x, c) -> stands(c, now) ? c : h) == h;
  }

  /** Under the key's lock: the entry as it stands, from the heap or else read from disk. */
  private Holder<V> resolve(K key, Holder<V> h) {
    if (h != null || !disk.isOpen()) {
      return h;
    }
    io.cairn.engine.Entry e = disk.read(keyCodec.encode(key));
    if (e == null) {
      return null;
    }
    V value = valueCodec.decode(e.value());
    Holder<V> d = new Holder<>(value, e.hasExpiry() ? e.expireAtMillis() : ETERNAL);
    if (byValue && !Codecs.isImmutable(value)) {
      d.encoded = e.value();
    }
    d.onDisk = true;
    d.diskExpireAt = d.expireAt;
    if (claims != null) {
      d.diskValue = value;
      d.key = key;
    }
    // Rewritten when evicted, so the FIFO disk tier keeps entries in use.
    d.dirty = true;
    return d;
  }

  /**
   * Under the key's lock: a new holder for {@code value}, written through to disk when the cache is persistent. A
   * bidirectional cache claims the value first, and gives the claim back if the disk write fails.
   */
  private Holder<V> commit(K key, Holder<V> before, Stored<V> stored, long expireAt) {
    V value = stored.value();
    Holder<V> n = new Holder<>(value, expireAt);
    n.encoded = stored.bytes();
    if (before != null) {
      n.onDisk = before.onDisk;
      n.diskExpireAt = before.diskExpireAt;
      n.diskValue = before.diskValue;
    }
    boolean adopted = claims != null && before != null && spilled && adoptBeforeRelease(key, before);
    Object ck;
    try {
      ck = claims == null ? null : claim(key, before, n);
    } catch (RuntimeException | Error e) {
      unadopt(adopted, before);
      throw e;
    }
    if (settings.persistent()) {
      try {
        writeDisk(key, n);
      } catch (RuntimeException | Error e) {
        if (ck != null) {
          n.live = false;
          n.claimed = false;
          if (!adopted && before != null && before.live && ck.equals(claimKey(before.value))) {
            if (claims.replace(ck, n, before)) {
              before.claimed = true;
            }
          } else {
            claims.remove(ck, n);
          }
          unadopt(adopted, before);
        }
        throw e;
      }
    } else {
      n.dirty = true;
    }
    if (expireAt != ETERNAL) {
      anyExpiry = true;
    }
    if (ck != null && before != null) {
      release(before, n);
    }
    return n;
  }

  /**
   * Under the key's lock, before {@code before} is replaced: makes it its value's claim if it is not already, so that
   * {@link #release} leaves a vacancy for the value and its next writer skips the disk probe. This is for an entry read
   * from disk (a key not on the heap), which holds no claim: its disk copy holds the value, so no other key's claim
   * can stand for it (values are unique), and from here until the release the claim says what the disk says. Returns
   * whether it installed the claim; the caller takes it back with {@link #unadopt} if the write fails, so a claim
   * never outlives the entry it stands for.
   */
  private boolean adoptBeforeRelease(K key, Holder<V> before) {
    Object cb = claimKey(before.value);
    long now = now();
    if (isClaim(before, cb, now)) {
      return false;
    }
    before.key = key;
    before.claimed = claims.compute(cb, (x, c) -> stands(c, now) ? c : before) == before;
    return before.claimed;
  }

  private void unadopt(boolean adopted, Holder<V> before) {
    if (adopted) {
      before.claimed = false;
      claims.remove(claimKey(before.value), before);
    }
  }

  /** Writes {@code h} to disk, replacing its disk copy (a bidirectional cache writes its inverse record with it). */
  private void writeDisk(K key, Holder<V> h) {
    disk.write(keyCodec.encode(key), h.encoded != null ? h.encoded : valueCodec.encode(h.value), h.expireAt,
        h.onDisk ? h.diskExpireAt : ETERNAL);
    h.onDisk = true;
    h.diskExpireAt = h.expireAt;
    h.dirty = false;
    if (claims != null) {
      h.diskValue = h.value;
    }
  }

  /**
   * Under the key's lock: creates an entry, or nothing when the policy's creation expiry is already due
   * ({@code Duration.ZERO}): then no entry, no CREATED event and no put in the statistics. Returns the new heap
   * mapping; {@code created[0]} says whether an entry was made.
   */
  private Holder<V> create(K key, Stored<V> stored, long now, Events events, boolean[] created) {
    long at = creationExpiry(now);
    if (at <= now) {
      created[0] = false;
      return null;
    }
    Holder<V> n = commit(key, null, stored, at);
    created[0] = true;
    events.created(key, stored.value());
    return n;
  }

  /**
   * Under the key's lock: the live entry, from the heap or else the disk; an entry found expired is removed (with its
   * EXPIRED event) and null returned.
   */
  private Holder<V> live(K key, Holder<V> h, long now, Events events) {
    Holder<V> cur = resolve(key, h);
    if (cur != null && cur.isExpired(now)) {
      events.expired(key, cur.value);
      return drop(key, cur);
    }
    return cur;
  }

  /** Under the key's lock: removes the entry's disk copy, if any; returns null (the new heap mapping). */
  private Holder<V> drop(K key, Holder<V> before) {
    if (before == null) {
      return null;
    }
    if (before.onDisk) {
      disk.delete(keyCodec.encode(key), before.diskExpireAt,
          claims != null && before.diskValue != null ? valueCodec.encode(before.diskValue) : null);
    }
    if (claims != null) {
      release(before);
    }
    return null;
  }

  /** Under the key's lock: applies a new expiry to an entry that is otherwise unchanged. */
  private void reexpire(K key, Holder<V> h, long expireAt) {
    if (expireAt == h.expireAt) {
      return;
    }
    h.expireAt = expireAt;
    if (expireAt != ETERNAL) {
      anyExpiry = true;
    }
    if (settings.persistent()) {
      writeDisk(key, h);
    } else {
      h.dirty = true;
    }
  }

  /** Caffeine evicted {@code h} for size: keep it on disk unless the disk copy is current or there is no disk. */
  private void evicted(K key, Holder<V> h, RemovalCause cause) {
    if (closed || h == null || key == null || cause != RemovalCause.SIZE) {
      return;
    }
    if (!disk.enabled()) {
      // No disk tier: the entry is gone (with any copy a range scan wrote).
      drop(key, h);
      if (stats.enabled) {
        stats.evictions.increment();
      }
      return;
    }
    if (h.isExpired(now())) {
      drop(key, h);
      return;
    }
    if (claims != null) {
      spilled = true;
    }
    if (h.dirty || !h.onDisk) {
      try {
        writeDisk(key, h);
      } catch (IllegalArgumentException unencodable) {
        // A store-by-reference value with no codec (not Serializable) cannot live on disk: it is evicted.
        drop(key, h);
        if (stats.enabled) {
          stats.evictions.increment();
        }
        return;
      }
    }
    if (claims != null) {
      // Only now that the disk copy and its inverse record are written: the value is never unclaimed in both tiers.
      // The holder stays live: until Caffeine unmaps it, a reader finding it on the heap rightly takes it as the entry.
      h.claimed = false;
      claims.remove(claimKey(h.value), h);
      Holder<V> kept = h.vacated;
      h.vacated = null;
      ring(kept);
    }
  }

  private void writeThrough(K key, V value) {
    if (writer == null || !config.isWriteThrough()) {
      return;
    }
    try {
      writer.write(new CairnEntry<>(key, value));
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException("cache writer of " + name + " failed to write key " + key + ": " + e, e);
    }
  }

  private void deleteThrough(K key) {
    if (writer == null || !config.isWriteThrough()) {
      return;
    }
    try {
      writer.delete(key);
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException("cache writer of " + name + " failed to delete key " + key + ": " + e, e);
    }
  }

  private V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("cache loader of " + name + " failed to load key " + key + ": " + e, e);
    }
  }

  private boolean readThrough() {
    return loader != null && config.isReadThrough();
  }

  /** The events of one operation, delivered after the entry's lock is released. */
  private final class Events {
    private List<CairnEntryEvent<K, V>> list;

    private void add(EventType type, K key, V value, V old, boolean oldAvailable) {
      if (listeners.isEmpty()) {
        return;
      }
      if (list == null) {
        list = new ArrayList<>(2);
      }
      list.add(new CairnEntryEvent<>(TieredCache.this, type, key, copyOut(value), copyOut(old), oldAvailable));
    }

    void created(K key, V value) {
      add(EventType.CREATED, key, value, null, false);
    }

    void updated(K key, V value, V old) {
      add(EventType.UPDATED, key, value, old, true);
    }

    void removed(K key, V old) {
      add(EventType.REMOVED, key, old, old, true);
    }

    void expired(K key, V old) {
      add(EventType.EXPIRED, key, old, old, true);
    }

    void dispatch() {
      listeners.dispatch(list);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reads

  @Override
  public V get(K key) {
    ensureOpen();
    checkKey(key);
    long start = stats.enabled ? System.nanoTime() : 0;
    Holder<V> h = map.get(key);
    if (h != null) {
      long at = h.expireAt;
      if ((at == ETERNAL || at > now()) && accessUnchanged(at)) {
        if (stats.enabled) {
          stats.hits.increment();
          stats.getNanos.add(System.nanoTime() - start);
        }
        return copyOut(h);
      }
    }
    Events events = new Events();
    V value = getLocked(key, events, start);
    events.dispatch();
    return value;
  }

  /** Whether an access leaves an entry's expiry as it is, so the lock-free path may serve it. */
  private boolean accessUnchanged(long expireAt) {
    if (accessNeverReexpires) {
      return true;
    }
    try {
      Duration d = expiry.getExpiryForAccess();
      return d == null || (expireAt == ETERNAL && d.isEternal());
    } catch (Throwable t) {
      return true;
    }
  }

  /** A get under the key's lock: expiry on access, disk read and promotion, read-through. */
  private V getLocked(K key, Events events, long start) {
    Object[] out = new Object[1];
    boolean[] hit = new boolean[1];
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      if (cur != null) {
        hit[0] = true;
        reexpire(k, cur, accessExpiry(now, cur.expireAt));
        out[0] = cur;
        if (cur.isExpired(now)) {
          return drop(k, cur);
        }
        if (claims != null && cur != h) {
          adopt(k, cur);
        }
        return cur;
      }
      if (!readThrough()) {
        return null;
      }
      V loaded = load(k);
      if (loaded == null) {
        return null;
      }
      checkValue(loaded);
      checkUnique(k, loaded);
      long at = creationExpiry(now);
      out[0] = loaded;
      if (at <= now) {
        return null;
      }
      events.created(k, loaded);
      return commit(k, null, copyIn(loaded), at);
    });
    if (stats.enabled) {
      (hit[0] ? stats.hits : stats.misses).increment();
      stats.getNanos.add(System.nanoTime() - start);
    }
    if (hit[0]) {
      @SuppressWarnings("unchecked")
      Holder<V> h = (Holder<V>) out[0];
      return copyOut(h);
    }
    @SuppressWarnings("unchecked")
    V v = (V) out[0];
    return v;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    ensureOpen();
    Objects.requireNonNull(keys, "keys");
    for (K k : keys) {
      checkKey(k);
    }
    Map<K, V> out = new HashMap<>();
    Events events = new Events();
    for (K key : keys) {
      long start = stats.enabled ? System.nanoTime() : 0;
      V v = getLocked(key, events, start);
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
    checkKey(key);
    Holder<V> h = map.get(key);
    if (h != null) {
      return !h.isExpired(now());
    }
    if (!disk.isOpen()) {
      return false;
    }
    boolean[] found = new boolean[1];
    compute(heapKey(key), (k, cur) -> {
      Holder<V> c = resolve(k, cur);
      found[0] = c != null && !c.isExpired(now());
      return cur;
    });
    return found[0];
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Writes

  @Override
  public void put(K key, V value) {
    ensureOpen();
    checkKey(key);
    checkValue(value);
    long start = stats.enabled ? System.nanoTime() : 0;
    Events events = new Events();
    boolean[] stored = {true};
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      checkUnique(k, value);
      writeThrough(k, value);
      Stored<V> copy = copyIn(value);
      if (cur == null) {
        return create(k, copy, now, events, stored);
      }
      events.updated(k, copy.value(), cur.value);
      return commit(k, cur, copy, updateExpiry(now, cur.expireAt));
    });
    if (stats.enabled && stored[0]) {
      stats.puts.increment();
      stats.putNanos.add(System.nanoTime() - start);
    }
    events.dispatch();
  }

  @Override
  public long currentTimeMillis() {
    return now();
  }

  private static void checkExpiry(long expireAtMillis) {
    if (expireAtMillis < 0) {
      throw new IllegalArgumentException("expiry time must be >= 0 (epoch milliseconds; CairnCache.ETERNAL for "
          + "none), was " + expireAtMillis);
    }
  }

  @Override
  public void put(K key, V value, long expireAtMillis) {
    ensureOpen();
    checkKey(key);
    checkValue(value);
    checkExpiry(expireAtMillis);
    long start = stats.enabled ? System.nanoTime() : 0;
    Events events = new Events();
    boolean[] stored = {true};
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      checkUnique(k, value);
      writeThrough(k, value);
      return putExpiring(k, cur, copyIn(value), expireAtMillis, now, events, stored);
    });
    if (stats.enabled && stored[0]) {
      stats.puts.increment();
      stats.putNanos.add(System.nanoTime() - start);
    }
    events.dispatch();
  }

  /**
   * Under the key's lock: writes {@code stored} over {@code cur} (the live entry, or null) to expire at
   * {@code expireAt}; one already due stores nothing and expires {@code cur}. Returns the new heap mapping.
   */
  private Holder<V> putExpiring(K k, Holder<V> cur, Stored<V> stored, long expireAt, long now, Events events,
      boolean[] storedOut) {
    if (expireAt <= now) {
      storedOut[0] = false;
      if (cur != null) {
        events.expired(k, cur.value);
        return drop(k, cur);
      }
      return null;
    }
    if (cur == null) {
      events.created(k, stored.value());
      return commit(k, null, stored, expireAt);
    }
    events.updated(k, stored.value(), cur.value);
    return commit(k, cur, stored, expireAt);
  }

  @Override
  public boolean setExpiry(K key, long expireAtMillis) {
    ensureOpen();
    checkKey(key);
    checkExpiry(expireAtMillis);
    Events events = new Events();
    boolean[] found = new boolean[1];
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      if (cur == null) {
        return null;
      }
      found[0] = true;
      if (expireAtMillis <= now) {
        events.expired(k, cur.value);
        return drop(k, cur);
      }
      reexpire(k, cur, expireAtMillis);
      if (claims != null && cur != h) {
        adopt(k, cur);
      }
      return cur;
    });
    events.dispatch();
    return found[0];
  }

  @Override
  public long getExpiry(K key) {
    ensureOpen();
    checkKey(key);
    Holder<V> h = map.get(key);
    if (h != null) {
      long at = h.expireAt;
      return at > now() ? at : NO_ENTRY;
    }
    if (!disk.isOpen()) {
      return NO_ENTRY;
    }
    long[] at = {NO_ENTRY};
    compute(heapKey(key), (k, cur) -> {
      Holder<V> c = resolve(k, cur);
      if (c != null && !c.isExpired(now())) {
        at[0] = c.expireAt;
      }
      return cur;
    });
    return at[0];
  }

  @Override
  public long size() {
    ensureOpen();
    long now = now();
    long n = 0;
    Set<K> heapKeys = new HashSet<>(map.keySet());
    for (K k : heapKeys) {
      Holder<V> h = map.get(k);
      if (h != null ? !h.isExpired(now) : disk.read(keyCodec.encode(k)) != null) {
        n++;
      }
    }
    Iterator<io.cairn.engine.Entry> it = disk.scan(null, null);
    while (it.hasNext()) {
      if (!heapKeys.contains(keyCodec.decode(it.next().key()))) {
        n++;
      }
    }
    return n;
  }

  @Override
  public V getAndPut(K key, V value) {
    ensureOpen();
    checkKey(key);
    checkValue(value);
    long start = stats.enabled ? System.nanoTime() : 0;
    Events events = new Events();
    Object[] old = new Object[1];
    boolean[] stored = {true};
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      checkUnique(k, value);
      writeThrough(k, value);
      Stored<V> copy = copyIn(value);
      if (cur == null) {
        return create(k, copy, now, events, stored);
      }
      old[0] = cur.value;
      events.updated(k, copy.value(), cur.value);
      return commit(k, cur, copy, updateExpiry(now, cur.expireAt));
    });
    if (stats.enabled) {
      long t = System.nanoTime() - start;
      if (stored[0]) {
        stats.puts.increment();
        stats.putNanos.add(t);
      }
      (old[0] != null ? stats.hits : stats.misses).increment();
      stats.getNanos.add(t);
    }
    events.dispatch();
    @SuppressWarnings("unchecked")
    V v = (V) old[0];
    return copyOut(v);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    ensureOpen();
    Objects.requireNonNull(entries, "map");
    for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
      checkKey(e.getKey());
      checkValue(e.getValue());
    }
    putAll(entries, true, true);
  }

  /**
   * Puts many entries; with the writer, only those it wrote are put, and its failure is rethrown after. A
   * bidirectional cache first refuses, changing nothing, a map that gives one value to two keys or a value another
   * key holds; each entry's write then claims its value as a single put does.
   */
  private void putAll(Map<? extends K, ? extends V> entries, boolean replace, boolean useWriter) {
    if (claims != null) {
      Map<Object, K> seen = new HashMap<>();
      for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
        K other = seen.putIfAbsent(claimKey(e.getValue()), e.getKey());
        if (other != null) {
          throw new IllegalArgumentException("putAll into bidirectional cache " + name + " gives value "
              + e.getValue() + " to two keys: " + other + " and " + e.getKey());
        }
        K owner = ownerOf(e.getValue());
        if (owner != null && !owner.equals(e.getKey()) && (replace || !containsKey(e.getKey()))) {
          throw conflict(owner, e.getKey());
        }
      }
    }
    putAllUnlocked(entries, replace, useWriter);
  }

  private void putAllUnlocked(Map<? extends K, ? extends V> entries, boolean replace, boolean useWriter) {
    long start = stats.enabled ? System.nanoTime() : 0;
    Map<K, V> toPut = new LinkedHashMap<>(entries);
    CacheWriterException failure = null;
    if (useWriter && writer != null && config.isWriteThrough() && !toPut.isEmpty()) {
      List<Cache.Entry<? extends K, ? extends V>> pending = new ArrayList<>();
      toPut.forEach((k, v) -> pending.add(new CairnEntry<>(k, v)));
      try {
        @SuppressWarnings("unchecked")
        CacheWriter<K, V> w = (CacheWriter<K, V>) writer;
        w.writeAll(pending);
      } catch (CacheWriterException e) {
        failure = e;
      } catch (Exception e) {
        failure = new CacheWriterException("cache writer of " + name + " failed in writeAll: " + e, e);
      }
      if (failure != null) {
        for (Cache.Entry<? extends K, ? extends V> e : pending) {
          toPut.remove(e.getKey());
        }
      }
    }
    Events events = new Events();
    int[] count = {0};
    try {
      for (Map.Entry<K, V> e : toPut.entrySet()) {
        V value = e.getValue();
        compute(heapKey(e.getKey()), (k, h) -> {
          long now = now();
          Holder<V> cur = live(k, h, now, events);
          Stored<V> stored = copyIn(value);
          if (cur == null) {
            boolean[] created = new boolean[1];
            Holder<V> n = create(k, stored, now, events, created);
            count[0] += created[0] ? 1 : 0;
            return n;
          }
          if (!replace) {
            return h == null ? null : cur;
          }
          Holder<V> n = commit(k, cur, stored, updateExpiry(now, cur.expireAt));
          events.updated(k, stored.value(), cur.value);
          count[0]++;
          return n;
        });
      }
    } finally {
      // A bidirectional cache's entry may fail (a racing writer took its value): the entries before it stand.
      if (stats.enabled) {
        stats.puts.add(count[0]);
        stats.putNanos.add(System.nanoTime() - start);
      }
      events.dispatch();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    ensureOpen();
    checkKey(key);
    checkValue(value);
    long start = stats.enabled ? System.nanoTime() : 0;
    Events events = new Events();
    boolean[] put = new boolean[1];
    boolean[] stored = new boolean[1];
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      if (cur != null) {
        return h == null ? null : cur;
      }
      checkUnique(k, value);
      writeThrough(k, value);
      put[0] = true;
      return create(k, copyIn(value), now, events, stored);
    });
    if (stats.enabled) {
      if (put[0] && stored[0]) {
        stats.puts.increment();
        stats.putNanos.add(System.nanoTime() - start);
      }
      (put[0] ? stats.misses : stats.hits).increment();
    }
    events.dispatch();
    return put[0];
  }

  @Override
  public boolean remove(K key) {
    long start = stats.enabled ? System.nanoTime() : 0;
    boolean[] removed = new boolean[1];
    removeEntry(key, removed);
    if (removed[0] && stats.enabled) {
      stats.removals.increment();
      stats.removeNanos.add(System.nanoTime() - start);
    }
    return removed[0];
  }

  /**
   * Removes a key's entry (calling the writer's delete whether or not it exists); returns the value it held, and says
   * in {@code removed} whether a live entry was removed.
   */
  private V removeEntry(K key, boolean[] removed) {
    ensureOpen();
    checkKey(key);
    Events events = new Events();
    Object[] old = new Object[1];
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = resolve(k, h);
      deleteThrough(k);
      if (cur == null) {
        return null;
      }
      if (cur.isExpired(now)) {
        events.expired(k, cur.value);
        return drop(k, cur);
      }
      removed[0] = true;
      old[0] = cur.value;
      events.removed(k, cur.value);
      return drop(k, cur);
    });
    events.dispatch();
    @SuppressWarnings("unchecked")
    V v = (V) old[0];
    return v;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    ensureOpen();
    checkKey(key);
    checkValue(oldValue);
    long start = stats.enabled ? System.nanoTime() : 0;
    Events events = new Events();
    boolean[] removed = new boolean[1];
    boolean[] hit = new boolean[1];
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      if (cur == null) {
        return null;
      }
      hit[0] = true;
      if (!cur.value.equals(oldValue)) {
        reexpire(k, cur, accessExpiry(now, cur.expireAt));
        return cur.isExpired(now) ? drop(k, cur) : cur;
      }
      deleteThrough(k);
      removed[0] = true;
      events.removed(k, cur.value);
      return drop(k, cur);
    });
    if (stats.enabled) {
      (hit[0] ? stats.hits : stats.misses).increment();
      if (removed[0]) {
        stats.removals.increment();
        stats.removeNanos.add(System.nanoTime() - start);
      }
    }
    events.dispatch();
    return removed[0];
  }

  @Override
  public V getAndRemove(K key) {
    long start = stats.enabled ? System.nanoTime() : 0;
    boolean[] removed = new boolean[1];
    V old = removeEntry(key, removed);
    if (stats.enabled) {
      long t = System.nanoTime() - start;
      if (removed[0]) {
        stats.hits.increment();
        stats.removals.increment();
        stats.removeNanos.add(t);
      } else {
        stats.misses.increment();
      }
      stats.getNanos.add(t);
    }
    return copyOut(old);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    ensureOpen();
    checkKey(key);
    checkValue(oldValue);
    checkValue(newValue);
    long start = stats.enabled ? System.nanoTime() : 0;
    Events events = new Events();
    boolean[] replaced = new boolean[1];
    boolean[] hit = new boolean[1];
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      if (cur == null) {
        return null;
      }
      hit[0] = true;
      if (!cur.value.equals(oldValue)) {
        reexpire(k, cur, accessExpiry(now, cur.expireAt));
        return cur.isExpired(now) ? drop(k, cur) : cur;
      }
      checkUnique(k, newValue);
      writeThrough(k, newValue);
      Stored<V> stored = copyIn(newValue);
      replaced[0] = true;
      events.updated(k, stored.value(), cur.value);
      return commit(k, cur, stored, updateExpiry(now, cur.expireAt));
    });
    if (stats.enabled) {
      (hit[0] ? stats.hits : stats.misses).increment();
      if (replaced[0]) {
        stats.puts.increment();
        stats.putNanos.add(System.nanoTime() - start);
      }
    }
    events.dispatch();
    return replaced[0];
  }

  @Override
  public boolean replace(K key, V value) {
    return getAndReplace(key, value, false) != null;
  }

  @Override
  public V getAndReplace(K key, V value) {
    return getAndReplace(key, value, true);
  }

  /** Replaces an existing entry; returns its old value (or a marker when {@code returnOld} is off), null if none. */
  private V getAndReplace(K key, V value, boolean returnOld) {
    ensureOpen();
    checkKey(key);
    checkValue(value);
    long start = stats.enabled ? System.nanoTime() : 0;
    Events events = new Events();
    Object[] old = new Object[1];
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      if (cur == null) {
        return null;
      }
      checkUnique(k, value);
      writeThrough(k, value);
      Stored<V> stored = copyIn(value);
      old[0] = cur.value;
      events.updated(k, stored.value(), cur.value);
      return commit(k, cur, stored, updateExpiry(now, cur.expireAt));
    });
    if (stats.enabled) {
      long t = System.nanoTime() - start;
      if (old[0] != null) {
        stats.hits.increment();
        stats.puts.increment();
        stats.putNanos.add(t);
      } else {
        stats.misses.increment();
      }
      stats.getNanos.add(t);
    }
    events.dispatch();
    @SuppressWarnings("unchecked")
    V v = (V) old[0];
    return returnOld ? copyOut(v) : v;
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    ensureOpen();
    Objects.requireNonNull(keys, "keys");
    for (K k : keys) {
      checkKey(k);
    }
    removeAllOf(new ArrayList<>(keys));
  }

  @Override
  public void removeAll() {
    ensureOpen();
    removeAllOf(allKeys());
  }

  /** Every key in the cache, heap first, then keys only on disk. */
  private List<K> allKeys() {
    Set<K> seen = new HashSet<>(map.keySet());
    List<K> keys = new ArrayList<>(seen);
    Iterator<io.cairn.engine.Entry> it = disk.scan(null, null);
    while (it.hasNext()) {
      K k = keyCodec.decode(it.next().key());
      if (seen.add(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  private void removeAllOf(Collection<K> keys) {
    long start = stats.enabled ? System.nanoTime() : 0;
    Set<K> toRemove = new java.util.LinkedHashSet<>(keys);
    CacheWriterException failure = null;
    if (writer != null && config.isWriteThrough() && !toRemove.isEmpty()) {
      Set<K> pending = new java.util.LinkedHashSet<>(toRemove);
      try {
        writer.deleteAll(pending);
      } catch (CacheWriterException e) {
        failure = e;
      } catch (Exception e) {
        failure = new CacheWriterException("cache writer of " + name + " failed in deleteAll: " + e, e);
      }
      if (failure != null) {
        toRemove.removeAll(pending);
      }
    }
    Events events = new Events();
    int[] count = {0};
    for (K key : toRemove) {
      compute(heapKey(key), (k, h) -> {
        Holder<V> cur = resolve(k, h);
        if (cur == null) {
          return null;
        }
        if (cur.isExpired(now())) {
          events.expired(k, cur.value);
        } else {
          events.removed(k, cur.value);
          count[0]++;
        }
        return drop(k, cur);
      });
    }
    if (stats.enabled) {
      stats.removals.add(count[0]);
      stats.removeNanos.add(System.nanoTime() - start);
    }
    events.dispatch();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void clear() {
    ensureOpen();
    if (claims == null) {
      heap.invalidateAll();
    } else {
      // Entry by entry, so each gives up its claim under its own lock.
      for (K key : new ArrayList<>(map.keySet())) {
        computeIfPresent(key, (k, h) -> {
          release(h);
          return null;
        });
      }
    }
    disk.deleteAll();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entry processors

  /** What an entry processor did to its entry. */
  private enum Action { NONE, ACCESS, LOAD, CREATE, UPDATE, REMOVE }

  /** An unset expiry in a processor entry. */
  private static final long UNSET = Long.MIN_VALUE;

  private final class ProcessorEntry implements CairnMutableEntry<K, V> {
    private final K key;
    private final V original;
    private final long originalExpiry;
    private V value;
    private Action action = Action.NONE;
    private long expiry = UNSET;

    ProcessorEntry(K key, V original, long originalExpiry) {
      this.key = key;
      this.original = original;
      this.originalExpiry = originalExpiry;
    }

    @Override
    public long getExpiry() {
      if (expiry != UNSET) {
        return expiry;
      }
      return exists() && original != null && (action == Action.NONE || action == Action.ACCESS
          || action == Action.UPDATE) ? originalExpiry : NO_ENTRY;
    }

    @Override
    public void setExpiry(long expireAtMillis) {
      checkExpiry(expireAtMillis);
      if (!exists()) {
        throw new IllegalStateException("entry " + key + " of cache " + name + " does not exist: set a value before "
            + "its expiry");
      }
      expiry = expireAtMillis;
    }

    @Override
    public K getKey() {
      return key;
    }

    @Override
    public V getValue() {
      if (action == Action.NONE && original != null) {
        value = copyOut(original);
        action = Action.ACCESS;
      } else if (action == Action.NONE && readThrough()) {
        V loaded = load(key);
        if (loaded != null) {
          checkValue(loaded);
          value = loaded;
          action = Action.LOAD;
        }
      }
      return value;
    }

    @Override
    public boolean exists() {
      return action == Action.NONE || action == Action.ACCESS ? original != null : value != null;
    }

    @Override
    public void remove() {
      value = null;
      expiry = UNSET;
      action = action == Action.CREATE || action == Action.LOAD
          ? (original == null ? Action.NONE : Action.REMOVE) : Action.REMOVE;
    }

    @Override
    public void setValue(V v) {
      checkValue(v);
      value = v;
      action = original == null ? Action.CREATE : Action.UPDATE;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
      if (clazz.isInstance(this)) {
        return clazz.cast(this);
      }
      throw new IllegalArgumentException("an entry processor's entry cannot be unwrapped to " + clazz.getName());
    }
  }

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    ensureOpen();
    checkKey(key);
    Objects.requireNonNull(processor, "entry processor");
    Events events = new Events();
    T result = invokeLocked(key, processor, arguments, events);
    events.dispatch();
    return result;
  }

  private <T> T invokeLocked(K key, EntryProcessor<K, V, T> processor, Object[] arguments, Events events) {
    long start = stats.enabled ? System.nanoTime() : 0;
    Object[] result = new Object[1];
    compute(heapKey(key), (k, h) -> {
      long now = now();
      Holder<V> cur = resolve(k, h);
      Holder<V> expired = null;
      if (cur != null && cur.isExpired(now)) {
        expired = cur;
        cur = null;
      }
      if (stats.enabled) {
        (cur != null ? stats.hits : stats.misses).increment();
        stats.getNanos.add(System.nanoTime() - start);
      }
      ProcessorEntry entry = new ProcessorEntry(k, cur == null ? null : cur.value, cur == null ? NO_ENTRY
          : cur.expireAt);
      try {
        result[0] = processor.process(entry, arguments);
      } catch (EntryProcessorException e) {
        throw e;
      } catch (Exception e) {
        throw new EntryProcessorException("entry processor on key " + k + " of cache " + name + " failed: " + e, e);
      }
      if (expired != null) {
        events.expired(k, expired.value);
        drop(k, expired);
        h = null;
      }
      long t0 = stats.enabled ? System.nanoTime() : 0;
      long set = entry.expiry;
      switch (entry.action) {
        case NONE:
          if (set != UNSET && cur != null) {
            return setExpiryLocked(k, cur, set, now, events);
          }
          return cur == null ? null : (h == null ? cur : h);
        case ACCESS:
          if (set != UNSET) {
            return setExpiryLocked(k, cur, set, now, events);
          }
          reexpire(k, cur, accessExpiry(now, cur.expireAt));
          return cur.isExpired(now) ? drop(k, cur) : cur;
        case LOAD: {
          checkUnique(k, entry.value);
          long at = set != UNSET ? set : creationExpiry(now);
          if (at <= now) {
            return null;
          }
          Stored<V> stored = copyIn(entry.value);
          events.created(k, stored.value());
          return commit(k, null, stored, at);
        }
        case CREATE: {
          checkUnique(k, entry.value);
          writeThrough(k, entry.value);
          boolean[] created = {true};
          Holder<V> n = set != UNSET ? putExpiring(k, null, copyIn(entry.value), set, now, events, created)
              : create(k, copyIn(entry.value), now, events, created);
          if (stats.enabled && created[0]) {
            stats.puts.increment();
            stats.putNanos.add(System.nanoTime() - t0);
          }
          return n;
        }
        case UPDATE: {
          checkUnique(k, entry.value);
          writeThrough(k, entry.value);
          Stored<V> stored = copyIn(entry.value);
          if (stats.enabled) {
            stats.puts.increment();
            stats.putNanos.add(System.nanoTime() - t0);
          }
          if (set != UNSET) {
            return putExpiring(k, cur, stored, set, now, events, new boolean[1]);
          }
          events.updated(k, stored.value(), cur.value);
          return commit(k, cur, stored, updateExpiry(now, cur.expireAt));
        }
        case REMOVE:
          deleteThrough(k);
          if (cur == null) {
            return null;
          }
          events.removed(k, cur.value);
          if (stats.enabled) {
            stats.removals.increment();
            stats.removeNanos.add(System.nanoTime() - t0);
          }
          return drop(k, cur);
        default:
          throw new IllegalStateException("unknown action " + entry.action);
      }
    });
    @SuppressWarnings("unchecked")
    T t = (T) result[0];
    return t;
  }

  /** Under the key's lock: gives the live entry {@code cur} a new expiry, or expires it if that is due. */
  private Holder<V> setExpiryLocked(K k, Holder<V> cur, long at, long now, Events events) {
    if (at <= now) {
      events.expired(k, cur.value);
      return drop(k, cur);
    }
    reexpire(k, cur, at);
    return cur;
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
      Object... arguments) {
    ensureOpen();
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(processor, "entry processor");
    for (K k : keys) {
      checkKey(k);
    }
    Map<K, EntryProcessorResult<T>> out = new HashMap<>();
    Events events = new Events();
    for (K key : keys) {
      try {
        T r = invokeLocked(key, processor, arguments, events);
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
      if (k == null) {
        throw new NullPointerException("keys contain null (cache " + name + ")");
      }
    }
    if (loader == null) {
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
        Map<K, V> loaded;
        try {
          loaded = loader.loadAll(toLoad);
        } catch (CacheLoaderException e) {
          throw e;
        } catch (Exception e) {
          throw new CacheLoaderException("cache loader of " + name + " failed in loadAll: " + e, e);
        }
        Map<K, V> present = new LinkedHashMap<>();
        if (loaded != null) {
          for (K k : toLoad) {
            V v = loaded.get(k);
            if (v != null) {
              present.put(k, v);
            }
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
  // Expiry timer

  private void expireDueQuietly() {
    try {
      expireDue();
    } catch (RuntimeException | Error e) {
      // The timer must keep running; a failing listener or a closed store is reported by the next operation.
    }
  }

  /** Expires what is due on the heap and on disk, firing EXPIRED events without anyone touching the keys. */
  void expireDue() {
    if (closed) {
      return;
    }
    long now = now();
    if (anyExpiry) {
      for (Map.Entry<K, Holder<V>> e : map.entrySet()) {
        if (e.getValue().isExpired(now)) {
          Events events = new Events();
          computeIfPresent(e.getKey(), (k, h) -> {
            if (!h.isExpired(now)) {
              return h;
            }
            events.expired(k, h.value);
            return drop(k, h);
          });
          events.dispatch();
        }
      }
    }
    if (!disk.isOpen()) {
      return;
    }
    for (DiskTier.Due due : disk.due(now, 10_000)) {
      K key = keyCodec.decode(due.key());
      Events events = new Events();
      compute(key, (k, h) -> {
        if (h != null) {
          if (h.onDisk && h.diskExpireAt == due.expireAt()) {
            disk.delete(due.key(), due.expireAt(),
                claims != null && h.diskValue != null ? valueCodec.encode(h.diskValue) : null);
            h.onDisk = false;
            h.diskExpireAt = ETERNAL;
            h.diskValue = null;
            h.dirty = true;
          } else {
            disk.deleteIndex(due.expireAt(), due.key());
          }
          return h;
        }
        io.cairn.engine.Entry e = disk.readIncludingExpired(due.key());
        if (e != null && e.expireAtMillis() == due.expireAt()) {
          events.expired(k, valueCodec.decode(e.value()));
          disk.delete(due.key(), due.expireAt(), e.value());
        } else {
          disk.deleteIndex(due.expireAt(), due.key());
        }
        return null;
      });
      events.dispatch();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    ensureOpen();
    return new EntryIterator();
  }

  /** Heap entries (a snapshot of the keys), then disk entries not seen on the heap. */
  private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
    private final Iterator<K> heapKeys;
    private final Set<K> seen;
    private Iterator<io.cairn.engine.Entry> diskEntries;
    private Cache.Entry<K, V> next;
    private Cache.Entry<K, V> last;

    EntryIterator() {
      seen = new HashSet<>(map.keySet());
      heapKeys = new ArrayList<>(seen).iterator();
    }

    @Override
    public boolean hasNext() {
      ensureOpen();
      while (next == null) {
        if (heapKeys.hasNext()) {
          next = visit(heapKeys.next());
        } else {
          if (diskEntries == null) {
            diskEntries = disk.scan(null, null);
          }
          if (!diskEntries.hasNext()) {
            return false;
          }
          K k = keyCodec.decode(diskEntries.next().key());
          if (seen.add(k)) {
            next = visit(k);
          }
        }
      }
      return true;
    }

    /** Reads one entry under its lock, applying the access rule of the expiry policy, wherever it lives. */
    private Cache.Entry<K, V> visit(K key) {
      Object[] value = new Object[1];
      compute(heapKey(key), (k, h) -> {
        long now = now();
        Holder<V> cur = resolve(k, h);
        if (cur == null || cur.isExpired(now)) {
          return h;
        }
        value[0] = cur.value;
        reexpire(k, cur, accessExpiry(now, cur.expireAt));
        if (cur.isExpired(now)) {
          return drop(k, cur);
        }
        if (claims != null && cur != h) {
          adopt(k, cur);
        }
        return cur;
      });
      if (value[0] == null) {
        return null;
      }
      if (stats.enabled) {
        stats.hits.increment();
      }
      @SuppressWarnings("unchecked")
      V v = (V) value[0];
      return new CairnEntry<>(key, copyOut(v));
    }

    @Override
    public Cache.Entry<K, V> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      last = next;
      next = null;
      return last;
    }

    @Override
    public void remove() {
      if (last == null) {
        throw new IllegalStateException("call next() before remove()");
      }
      K k = last.getKey();
      last = null;
      TieredCache.this.remove(k);
    }
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
    stats.enabled = on;
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
          disk.destroy();
        }
        return;
      }
      closed = true;
    }
    expiryTimer.cancel(false);
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
    for (Object o : new Object[] {loader, writer, expiry}) {
      if (o instanceof Closeable c) {
        try {
          c.close();
        } catch (IOException ignored) {
          // Closing a user's loader, writer or policy is best effort.
        }
      }
    }
    heap.invalidateAll();
    if (destroy) {
      disk.destroy();
    } else {
      disk.close();
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz == BidiCache.class && claims == null) {
      throw new IllegalArgumentException("cache " + name + " is not bidirectional: enable it with "
          + "CairnConfiguration.setBidirectional(true), or bidi=true in the cache's properties section");
    }
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("a Cairn cache cannot be unwrapped to " + clazz.getName()
        + "; it unwraps to " + CairnCache.class.getName() + " and, when bidirectional, " + BidiCache.class.getName());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The bidirectional view

  private void requireBidi() {
    if (claims == null) {
      throw new UnsupportedOperationException("cache " + name + " is not bidirectional");
    }
  }

  @Override
  public K getKey(V value) {
    ensureOpen();
    requireBidi();
    checkValue(value);
    return ownerOf(value);
  }

  @Override
  public boolean containsValue(V value) {
    return getKey(value) != null;
  }

  /**
   * Removes the entry of the key holding {@code value} (a REMOVED event), leaving a reservation claim for {@code key}
   * so no other writer takes the value, then puts it under {@code key}. A reader of {@code getKey} in between is
   * told {@code key}. Should the put fail (its writer throws), the old entry stays removed, as the writer was told.
   */
  @Override
  public V forcePut(K key, V value) {
    ensureOpen();
    requireBidi();
    checkKey(key);
    checkValue(value);
    while (true) {
      K owner = ownerOf(value);
      if (owner == null || owner.equals(key)) {
        try {
          return getAndPut(key, value);
        } catch (ValueHeldException takenMeanwhile) {
          continue;
        }
      }
      Holder<V> reservation = new Holder<>(value, ETERNAL);
      reservation.key = key;
      if (!removeHolder(owner, value, reservation)) {
        continue;
      }
      try {
        return getAndPut(key, value);
      } finally {
        reservation.live = false;
        claims.remove(claimKey(value), reservation);
      }
    }
  }

  @Override
  public boolean removeValue(V value) {
    ensureOpen();
    requireBidi();
    checkValue(value);
    while (true) {
      K owner = ownerOf(value);
      if (owner == null) {
        return false;
      }
      if (removeHolder(owner, value, null)) {
        return true;
      }
    }
  }

  /**
   * Removes {@code owner}'s entry if it still holds {@code value} (a REMOVED event), leaving {@code reservation}, if
   * given, as the value's claim under the same locks. False if the entry holds something else by now.
   */
  private boolean removeHolder(K owner, V value, Holder<V> reservation) {
    boolean[] removed = new boolean[1];
    Events events = new Events();
    compute(heapKey(owner), (k, h) -> {
      long now = now();
      Holder<V> cur = live(k, h, now, events);
      if (cur == null || !holds(cur, value)) {
        return cur == null || h == null ? null : cur;
      }
      deleteThrough(k);
      removed[0] = true;
      events.removed(k, cur.value);
      drop(k, cur);
      if (reservation != null) {
        claims.compute(claimKey(value), (x, c) -> stands(c, now) ? c : reservation);
      }
      return null;
    });
    events.dispatch();
    if (removed[0] && stats.enabled) {
      stats.removals.increment();
    }
    return removed[0];
  }

  /**
   * Read lazily from the disk tier's inverse records, each checked against its entry. A write-back cache first
   * writes its unsaved heap entries (as {@link #range} does), so the records cover every entry.
   */
  @Override
  public Iterable<Map.Entry<V, K>> inverse() {
    ensureOpen();
    requireBidi();
    return () -> {
      writeBackHeap(null, null);
      return new Iterator<>() {
        private final Iterator<byte[][]> records = disk.scanInverse();
        private Map.Entry<V, K> next;

        @Override
        public boolean hasNext() {
          while (next == null && records.hasNext()) {
            byte[][] r = records.next();
            V v = valueCodec.decode(r[0]);
            K k = keyCodec.decode(r[1]);
            if (holdsNow(k, r[1], v, r[0], now())) {
              next = Map.entry(copyOut(v), k);
            }
          }
          return next != null;
        }

        @Override
        public Map.Entry<V, K> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Map.Entry<V, K> e = next;
          next = null;
          return e;
        }
      };
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The engine view

  @Override
  public Iterable<Cache.Entry<K, V>> range(K fromInclusive, K toExclusive) {
    ensureOpen();
    checkKey(fromInclusive);
    checkKey(toExclusive);
    if (!keyCodec.preservesOrder()) {
      throw new UnsupportedOperationException("range scans need a key codec that preserves order; cache " + name
          + " uses " + keyCodec.name());
    }
    byte[] from = keyCodec.encode(fromInclusive);
    byte[] to = keyCodec.encode(toExclusive);
    return () -> rangeIterator(from, to);
  }

  /**
   * Scans the disk tier, whose engine scan is a point-in-time snapshot. A persistent cache holds every entry on disk,
   * so the scan is a snapshot of the whole cache. A write-back cache first writes its unsaved heap entries in the
   * range; writes racing with that are each seen whole or not at all.
   */
  private Iterator<Cache.Entry<K, V>> rangeIterator(byte[] from, byte[] to) {
    writeBackHeap(from, to);
    Iterator<io.cairn.engine.Entry> fromDisk = disk.scan(from, to);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return fromDisk.hasNext();
      }

      @Override
      public Cache.Entry<K, V> next() {
        io.cairn.engine.Entry e = fromDisk.next();
        return new CairnEntry<>(keyCodec.decode(e.key()), valueCodec.decode(e.value()));
      }
    };
  }

  /**
   * A write-back cache: writes the heap entries whose disk copy is missing or stale, those with encoded keys in
   * [from, to) (null: unbounded), each under its lock.
   */
  private void writeBackHeap(byte[] from, byte[] to) {
    if (settings.persistent()) {
      return;
    }
    for (K key : new ArrayList<>(map.keySet())) {
      if (from != null || to != null) {
        byte[] k = keyCodec.encode(key);
        if (from != null && Arrays.compareUnsigned(k, from) < 0 || to != null && Arrays.compareUnsigned(k, to) >= 0) {
          continue;
        }
      }
      computeIfPresent(key, (kk, h) -> {
        if (h.dirty && !h.isExpired(now())) {
          writeDisk(kk, h);
        }
        return h;
      });
    }
  }

  @Override
  public void flush() {
    ensureOpen();
    if (disk.enabled()) {
      writeBackHeap(null, null);
    }
    disk.flush();
  }

  @Override
  public void compact() {
    flush();
    disk.compact();
  }

  @Override
  public StoreStatistics engineStatistics() {
    ensureOpen();
    return disk.statistics();
  }

  Statistics unwrapStatistics() {
    return stats;
  }

  /** The disk tier's entry for {@code key}, or null (for tests). */
  io.cairn.engine.Entry diskEntry(K key) {
    return disk.read(keyCodec.encode(key));
  }

  /** Entries on the heap tier now (for tests and statistics). */
  long heapSize() {
    heap.cleanUp();
    return heap.estimatedSize();
  }

  @Override
  public String toString() {
    return "CairnCache[" + name + "]";
  }
}
