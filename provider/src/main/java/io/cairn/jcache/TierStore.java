package io.cairn.jcache;

import io.cairn.engine.Entry;
import io.cairn.jcache.spi.ConflictException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import javax.cache.CacheException;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessor;

/**
 * Where a cache's entries live, and every step that runs under a key's lock: the only code that touches the heap map
 * or the tier below it.
 *
 * <h2>Where an entry lives</h2>
 * The heap tier ({@link HeapTier}) holds hot entries as {@link Holder}s, changed in place by writes. The tier below
 * ({@link LowerTier}: today the cache's disk tier) holds the rest. A tier below that is {@link LowerTier#writeThrough}
 * (a persistent cache) gets every change as it happens; otherwise (write-back) it gets what the heap evicts, and only
 * if its copy is missing or stale ({@link Holder#dirty}). An entry not on the heap is read from below and promoted;
 * reading it writes nothing, so its copy below stays as it was and an eviction of the unchanged entry writes nothing.
 *
 * <h2>Steps and locks</h2>
 * Every operation that reads and changes an entry is one {@link Step} run inside the heap map's {@code compute} for
 * its key, which is the entry's lock: the read from below, the loader or writer call, the expiry decision, the claim
 * of a bidirectional value and the write below happen atomically per key, and a holder is changed only after the
 * last call that may fail. A step records events in the operation's {@link PendingEvents}, which the caller delivers
 * after the lock is released, and reports what it found and did for the caller's statistics. A holder new to the map
 * is handed to the heap tier after the compute, which then evicts what its capacity asks (an eviction is a step on the
 * victim's key, so no two key locks are ever held at once). A hit ({@link #hit}) takes no lock.
 *
 * <h2>Remote caches</h2>
 * Over a shared tier ({@link SharedLowerTier}: Redis, which other processes write too) the heap tier is a near cache:
 * its holders are {@link NearHolder}s, served by a hit only while {@link NearCoherence} says no invalidation came since
 * they were read and they are younger than the maximum local age; a stale one is read again. Every write goes to the
 * shared tier conditional on the stamp of the version the step read. A step that lost a race to another process gets
 * a {@link ConflictException} thrown out of the heap map's compute, before the holder changed: {@link #compute} then
 * forgets the near copy, takes back the step's events and runs the step again from a fresh read, so a loader, writer
 * or entry processor may be called more than once for one operation. Heap evictions forget near copies, or keep
 * them in the near disk tier ({@link NearDisk}, {@code near-disk=true}), which a read checks before Redis. Local
 * caches have no near holders, and their only cost is one null check of {@link #near} on the hit path.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class TierStore<K, V> implements HeapTier.Evictor<K, V> {
  static final long ETERNAL = Holder.ETERNAL;
  private static final long UNREAD = Long.MIN_VALUE;
  private static final System.Logger LOG = System.getLogger(TierStore.class.getName());

  final String name;
  final HeapTier<K, V> heap;
  final HeapIndex<K, V> map;
  final LowerTier lower;
  final Copier<K, V> copier;
  final Codec<K> keyCodec;
  final ExpiryRules expiry;
  final LoaderWriter.Loader<K, V> loader;
  final LoaderWriter.Writer<K, V> writer;
  final TypeCheck<K, V> check;
  final Statistics stats;
  final ValueClaims<K, V> claims;
  /** The bidirectional claims, or null for a plain cache (only the bidi view and putAll's pre-check use it). */
  private final BidiClaims<K, V> bidi;
  /** Set once any entry gets a finite expiry: until then the expiry timer has nothing to scan on the heap. */
  volatile boolean anyExpiry;
  /**
   * Whether a put of a key that is not on the heap may skip reading the tier below, when no listener wants its event
   * (CREATED or UPDATED; with no entry expiring, a put makes no other) and no entry has an expiry: a plain cache whose
   * policy is eternal, so the old entry (if any) changes nothing the put does. The new holder then assumes a copy may
   * be below, so removing it deletes one.
   */
  private final boolean blindPuts;
  /** Listeners for keys the cache loses by itself: dropped by the tier below's budget, or evicted with nowhere to go. */
  private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.Consumer<? super K>> lossListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Settles what the tier below deleted by itself: kept on the heap, or lost. */
  final DeletedBelow<K, V> deletedBelow;
  /** Set after the first eviction that could not write its entry below, so the failure is logged once. */
  private volatile boolean evictionFailureLogged;
  /** The shared tier of a remote cache (the same object as {@link #lower}), or null for a local cache. */
  final SharedLowerTier shared;
  /** The near cache's coherence of a remote cache, or null for a local cache. */
  final NearCoherence near;
  /** A remote cache's reads and writes of the shared tier behind its near copies, or null for a local cache. */
  private final NearCopies<K, V> nearCopies;
  /** A remote cache's near disk tier (the copies its heap evicted), or null if it has none. */
  final NearDisk nearDisk;
  /** The operations over many keys: counting, clearing, the expiry sweep, range scans, write-back. */
  final TierWalks<K, V> walks;
  /** Runs of a step a remote cache allows before a conflicting operation fails. */
  static final int MAX_RUNS = 100;

  TierStore(String name, long heapEntries, LowerTier lower, Copier<K, V> copier, ExpiryRules expiry,
      LoaderWriter.Loader<K, V> loader, LoaderWriter.Writer<K, V> writer, TypeCheck<K, V> check, Statistics stats,
      boolean bidirectional) {
    this.name = name;
    this.heap = new HeapTier<>(heapEntries, this);
    this.map = heap.map();
    this.lower = lower;
    this.copier = copier;
    this.keyCodec = copier.keyCodec();
    this.expiry = expiry;
    this.loader = loader;
    this.writer = writer;
    this.check = check;
    this.stats = stats;
    this.bidi = bidirectional ? new BidiClaims<>(name, copier, heap, lower, expiry, heapEntries) : null;
    this.claims = bidirectional ? bidi : ValueClaims.none();
    this.shared = lower instanceof SharedLowerTier s ? s : null;
    this.near = shared == null ? null : shared.coherence();
    this.nearDisk = shared == null ? null : shared.nearDisk();
    lower.onHeap(kb -> map.get(keyCodec.decode(kb)) != null);
    this.deletedBelow = new DeletedBelow<>(this);
    lower.onLost(deletedBelow::deleted);
    this.anyExpiry = lower.isOpen() && !lower.due(Long.MAX_VALUE - 1, 1).isEmpty();
    this.blindPuts = !bidirectional && near == null && expiry.eternal();
    this.walks = new TierWalks<>(this);
    this.nearCopies = near == null ? null : new NearCopies<>(this);
    if (near != null) {
      near.onInvalidated(this::voidResident);
      // Checked under the lock that linked it, so an eviction (a step under the same lock) never meets a copy an
      // invalidation overtook but nothing voided yet.
      map.onLinked(h -> near.recheck((NearHolder<V>) h));
    }
  }

  /** Whether the cache is remote (its tier below is shared with other processes). */
  boolean remote() {
    return shared != null;
  }

  BidiClaims<K, V> bidi() {
    return bidi;
  }

  LowerTier lower() {
    return lower;
  }

  LoaderWriter.Writer<K, V> writer() {
    return writer;
  }

  long now() {
    return expiry.now();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Steps

  /**
   * One step of an operation under a key's lock: what it found ({@link #hit}, {@link #form}) and did ({@link #done}).
   * {@link #apply} keeps the heap tier's count as holders enter and leave the map.
   */
  abstract class Step implements BiFunction<K, Holder<V>, Holder<V>>, LongSupplier {
    final PendingEvents<K, V> events;
    /** The clock, read on first use only: a step on entries that never expire does not read it at all. */
    private long now = UNREAD;
    /** A live entry was found. */
    boolean hit;
    /** The step stored or removed what the operation asked. */
    boolean done;
    /** The kept form of the value found (or loaded, or visited), for the caller. */
    Object form;
    /** A value the step produced that the caller receives as it is (a loaded value, a processor's result). */
    Object result;
    Holder<V> admitted;

    Step(PendingEvents<K, V> events) {
      this.events = events;
    }

    /** The events recorded when the step first ran, for a run again. */
    private int eventsMark = -1;

    @Override
    public final Holder<V> apply(K k, Holder<V> h) {
      if (eventsMark < 0) {
        eventsMark = events.mark();
      }
      Holder<V> r = run(k, h);
      if (near != null && r != null && !near.servableUnderLock((NearHolder<V>) r)) {
        // A near copy that an invalidation voided while the step ran, or that was read while notifications were off.
        r = null;
      }
      if (r != h) {
        if (h != null) {
          heap.unmapped(h);
        }
        if (r != null) {
          admitted = r;
        }
      }
      return r;
    }

    abstract Holder<V> run(K k, Holder<V> h);

    /** Before a run again: forgets what the last run found and recorded. */
    void reset() {
      now = UNREAD;
      hit = false;
      done = false;
      form = null;
      result = null;
      events.rewind(eventsMark);
    }

    /** The step's one reading of the clock. */
    final long now() {
      long n = now;
      if (n == UNREAD) {
        n = now = expiry.now();
      }
      return n;
    }

    @Override
    public final long getAsLong() {
      return now();
    }

    /** Whether {@code h} has expired by the step's clock (read only if it can expire). */
    final boolean expired(Holder<V> h) {
      long at = h.expireAt;
      return at != ETERNAL && at <= now();
    }

    /** Whether an expiry time is due by the step's clock (read only if it is finite). */
    final boolean due(long at) {
      return at != ETERNAL && at <= now();
    }
  }

  /**
   * Runs {@code step} under {@code key}'s lock, then admits a holder it put in the map. A remote cache's step that
   * lost a race runs again, from a fresh read, with the near copy forgotten.
   */
  <S extends Step> S compute(K key, S step) {
    K heapKey = copier.heapKey(key);
    for (int run = 1; ; run++) {
      try {
        map.compute(heapKey, step);
        return step;
      } catch (ConflictException lost) {
        retry(heapKey, step, run, lost);
      } catch (RuntimeException | Error failed) {
        forgetIfShared(heapKey);
        throw failed;
      } finally {
        if (step.admitted != null) {
          heap.admitted(step.admitted, step.events);
          step.admitted = null;
        }
      }
    }
  }

  /**
   * On the shared tier's I/O thread, once the invalidated key's stripe is bumped: voids the key's near copy on the
   * heap, if there is one. A key this cache cannot decode was never one of its copies.
   */
  private void voidResident(byte[] kb) {
    K key;
    try {
      key = keyCodec.decode(kb);
    } catch (RuntimeException notOurs) {
      return;
    }
    if (map.get(copier.heapKey(key)) instanceof NearHolder<V> n) {
      n.voidCopy();
    }
  }

  /** Runs {@code step} under {@code key}'s lock if the key is on the heap. */
  <S extends Step> S computeIfPresent(K key, S step) {
    for (int run = 1; ; run++) {
      try {
        map.computeIfPresent(key, step);
        return step;
      } catch (ConflictException lost) {
        retry(key, step, run, lost);
      } catch (RuntimeException | Error failed) {
        forgetIfShared(key);
        throw failed;
      }
    }
  }

  /**
   * A remote cache's step failed (a timeout, a lost connection, too few replicas): whether its write reached the shared
   * tier is unknown, and no invalidation will say (Redis does not notify a connection of its own writes), so the
   * key's near copy is forgotten.
   */
  private void forgetIfShared(K heapKey) {
    if (shared != null) {
      forget(heapKey);
    }
  }

  /** Forgets the key's near copy, on the heap and on the near disk (which may hold one while the heap does not). */
  private void forget(K heapKey) {
    map.compute(heapKey, (k, h) -> {
      if (h != null) {
        heap.unmapped(h);
      }
      byte[] kb;
      if (nearDisk != null && (kb = nearCopies.sharedKey(k)) != null) {
        nearDisk.delete(kb);
      }
      return null;
    });
  }

  /** After a step's run {@code run} lost a race: forgets the key's near copy and rewinds the step, or gives up. */
  private void retry(K heapKey, Step step, int run, ConflictException lost) {
    forget(heapKey);
    step.reset();
    if (run >= MAX_RUNS) {
      throw new CacheException("cache " + name + ": key " + heapKey + " was changed by other processes during each of "
          + run + " tries of this operation: " + lost.getMessage(), lost);
    }
    Thread.onSpinWait();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entry-level moves, all under the key's lock

  /** The entry as it stands, from the heap or else read from below (not yet in the map). */
  Holder<V> resolve(K key, Holder<V> h) {
    if (shared != null) {
      return h != null && near.servableUnderLock((NearHolder<V>) h) ? h : nearCopies.read(key);
    }
    if (h != null || !lower.isOpen()) {
      return h;
    }
    Entry e = lower.read(keyCodec.encode(key));
    if (e == null) {
      return null;
    }
    Holder<V> d = claims.newHolder(key, copier.fromBytes(e.value()), null,
        e.hasExpiry() ? e.expireAtMillis() : ETERNAL);
    d.writtenBelow();
    claims.wroteBelow(d, e.value());
    if (d.expireAt != ETERNAL) {
      anyExpiry = true;
    }
    return d;
  }

  /** The live entry, from the heap or else below; one found expired is removed (its EXPIRED event) and null returned. */
  Holder<V> live(Step s, K key, Holder<V> h) {
    Holder<V> cur = resolve(key, h);
    if (cur != null && s.expired(cur)) {
      s.events.expired(key, cur.form);
      return drop(key, cur);
    }
    return cur;
  }

  /** Removes the entry's copy below, if any, and releases its claim; returns null (the new heap mapping). */
  Holder<V> drop(K key, Holder<V> before) {
    if (before == null) {
      return null;
    }
    if (shared != null) {
      NearHolder<V> copy = (NearHolder<V>) before;
      if (copy.stripe != NearCoherence.JVM_ONLY) {
        byte[] kb = keyCodec.encode(key);
        nearCopies.leaveDisk(kb, copy);
        shared.deleteVersion(kb, copy.stamp);
      }
      before.goneBelow();
      return null;
    }
    if (before.below()) {
      lower.delete(keyCodec.encode(key), before.lowerExpireAt, claims.lowerValue(before));
      before.goneBelow();
    }
    claims.released(before);
    return null;
  }

  /**
   * The key's entry now holds {@code form} (the kept form of {@code value}), expiring at {@code expireAt}: a new holder
   * when {@code cur} is null, else {@code cur} changed in place. Written below when the tier below is write-through;
   * a bidirectional cache claims the value first and gives the claim back if that write fails. The holder is changed
   * only once nothing can fail any more.
   */
  Holder<V> commit(Step s, K key, Holder<V> cur, Object form, V value, long expireAt) {
    if (shared != null) {
      return nearCopies.write(key, cur, form, expireAt);
    }
    Holder<V> n = cur != null ? cur : claims.newHolder(key, form, value, expireAt);
    claims.claim(key, n, cur == null, value, s);
    if (lower.writeThrough()) {
      byte[] bytes;
      try {
        bytes = copier.bytes(form);
        lower.write(keyCodec.encode(key), bytes, expireAt, n.below() ? n.lowerExpireAt : ETERNAL);
      } catch (RuntimeException | Error e) {
        claims.aborted(n);
        throw e;
      }
      n.setForm(form);
      n.setExpireAt(expireAt);
      n.writtenBelow();
      claims.wroteBelow(n, bytes);
    } else {
      n.setForm(form);
      n.setExpireAt(expireAt);
      n.dirty = true;
    }
    claims.committed(n);
    if (expireAt != ETERNAL) {
      anyExpiry = true;
    }
    return n;
  }

  /** Gives an entry whose value stays a new expiry. */
  void reexpire(K key, Holder<V> h, long expireAt) {
    if (expireAt == h.expireAt) {
      return;
    }
    if (shared != null) {
      nearCopies.write(key, h, h.form, expireAt);
      return;
    }
    if (lower.writeThrough()) {
      byte[] bytes = copier.bytes(h.form);
      lower.write(keyCodec.encode(key), bytes, expireAt, h.below() ? h.lowerExpireAt : ETERNAL);
      h.setExpireAt(expireAt);
      h.writtenBelow();
      claims.wroteBelow(h, bytes);
    } else {
      h.setExpireAt(expireAt);
      h.dirty = true;
    }
    claims.reexpired(h, expireAt);
    if (expireAt != ETERNAL) {
      anyExpiry = true;
    }
  }

  /** Writes the heap's copy below, replacing what the tier held. */
  void writeBelow(K key, Holder<V> h) {
    byte[] bytes = copier.bytes(h.form);
    lower.write(keyCodec.encode(key), bytes, h.expireAt, h.below() ? h.lowerExpireAt : ETERNAL);
    h.writtenBelow();
    claims.wroteBelow(h, bytes);
  }

  /** Creates an entry, or nothing when the policy's creation expiry is already due ({@code Duration.ZERO}). */
  Holder<V> create(Step s, K key, Object form, V value) {
    long at = expiry.creation(s);
    if (s.due(at)) {
      return null;
    }
    Holder<V> n = commit(s, key, null, form, value, at);
    s.done = true;
    s.events.created(key, form);
    return n;
  }

  /**
   * Writes {@code form} over {@code cur} (the live entry, or null) to expire at {@code expireAt}, as a put does; an
   * expiry already due stores nothing and expires {@code cur}.
   */
  Holder<V> putExpiring(Step s, K key, Holder<V> cur, Object form, V value, long expireAt) {
    if (s.due(expireAt)) {
      if (cur != null) {
        s.events.expired(key, cur.form);
        return drop(key, cur);
      }
      return null;
    }
    s.done = true;
    if (cur == null) {
      Holder<V> n = commit(s, key, null, form, value, expireAt);
      s.events.created(key, form);
      return n;
    }
    Holder<V> n = commit(s, key, cur, form, value, expireAt);
    s.events.updated(key, form, s.form);
    return n;
  }

  /**
   * Gives the live entry {@code cur} the new value {@code value} (kept form {@code f}) with the policy's update expiry:
   * the step is done and records the UPDATED event.
   */
  Holder<V> update(Step s, K k, Holder<V> cur, Object f, V value) {
    Object old = cur.form;
    Holder<V> n = commit(s, k, cur, f, value, expiry.update(s, cur.expireAt));
    s.done = true;
    s.events.updated(k, f, old);
    return n;
  }

  /** A conditional operation found another value: an access of the entry, which may expire it. */
  private Holder<V> accessed(Step s, K k, Holder<V> cur) {
    reexpire(k, cur, expiry.access(s, cur.expireAt));
    return s.expired(cur) ? drop(k, cur) : cur;
  }

  /** Whether the kept form {@code form} holds a value equal to {@code value}. */
  private boolean valueEquals(Object form, V value) {
    return copier.out(form).equals(value);
  }

  void checkUnique(K key, V value) {
    if (writer.enabled()) {
      claims.checkUnique(key, value);
    }
  }

  /** The heap evicts {@code victim} for size: it moves below, or is lost if there is no tier below. */
  @Override
  public boolean evict(Holder<V> victim, PendingEvents<K, V> events) {
    @SuppressWarnings("unchecked")
    K key = (K) victim.key;
    computeIfPresent(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        return h == victim ? evicted(k, h, events) : h;
      }
    });
    return victim.unmapped;
  }

  private Holder<V> evicted(K key, Holder<V> h, PendingEvents<K, V> events) {
    if (shared != null) {
      if (nearDisk != null && nearCopies.spill(key, (NearHolder<V>) h, now())) {
        heap.spilled();
      }
      return null;
    }
    if (!lower.enabled()) {
      return lose(key, h);
    }
    if (h.expireAt != ETERNAL && h.isExpired(now())) {
      events.expired(key, h.form);
      return drop(key, h);
    }
    claims.evicting(h);
    if (h.dirty || !h.below()) {
      try {
        writeBelow(key, h);
      } catch (IllegalArgumentException unencodable) {
        // A store-by-reference value with no codec (not Serializable) cannot live below: it is evicted.
        return lose(key, h);
      } catch (CacheException failed) {
        // The tier below refused the write (a full disk, an I/O error): the entry is lost, not the writer's put.
        if (!evictionFailureLogged) {
          evictionFailureLogged = true;
          LOG.log(System.Logger.Level.WARNING, "cache " + name + ": an entry the heap tier evicted could not be "
              + "written to the tier below and was dropped (further failures are counted as evictions): "
              + failed.getMessage());
        }
        return lose(key, h);
      }
      heap.spilled();
    }
    claims.evicted(h);
    return null;
  }

  /** The heap lets {@code h} go with nowhere to keep it: an eviction the statistics and loss listeners see. */
  private Holder<V> lose(K key, Holder<V> h) {
    stats.recordEviction();
    drop(key, h);
    lost(key);
    return null;
  }

  /** Tells the loss listeners that {@code key}'s entry is gone by the cache's own doing. */
  void lost(K key) {
    for (java.util.function.Consumer<? super K> l : lossListeners) {
      try {
        l.accept(key);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cache " + name + ": a loss listener failed on key " + key + ": " + e);
      }
    }
  }

  /** Registers a listener for keys the cache loses by itself (see {@link CairnCache#addLossListener}). */
  void addLossListener(java.util.function.Consumer<? super K> l) {
    lossListeners.add(l);
  }

  void removeLossListener(java.util.function.Consumer<? super K> l) {
    lossListeners.remove(l);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reads

  /** {@link CairnCache#prefetch}: the heap index's entries of the keys, loaded together. */
  void prefetch(Object[] keys, int count) {
    if (count > 1) {
      heap.prefetch(keys, count);
    }
  }

  /** A lock-free hit: the key's holder if a read may be served from it without the lock, else null. */
  Holder<V> hit(K key) {
    Holder<V> h = heap.get(key);
    if (h == null) {
      return null;
    }
    if (near != null && !near.servable((NearHolder<V>) h)) {
      return null;
    }
    long at = h.expireAt;
    return (at == ETERNAL || at > now()) && expiry.accessUnchanged(at) ? h : null;
  }

  /**
   * A read under the key's lock: expiry on access, a read from below and promotion, read-through. On a hit the step's
   * {@code form} is the entry's; a loaded value is its {@code result}.
   */
  Step get(K key, PendingEvents<K, V> events) {
    return compute(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = live(this, k, h);
        if (cur != null) {
          hit = true;
          reexpire(k, cur, expiry.access(this, cur.expireAt));
          form = cur.form;
          if (expired(cur)) {
            return drop(k, cur);
          }
          if (cur != h) {
            claims.adopted(k, cur, this);
          }
          return cur;
        }
        if (!loader.enabled()) {
          return null;
        }
        V loaded = loader.load(k);
        if (loaded == null) {
          return null;
        }
        check.value(loaded);
        checkUnique(k, loaded);
        result = loaded;
        long at = expiry.creation(this);
        if (due(at)) {
          return null;
        }
        Object f = copier.in(loaded);
        Holder<V> n = commit(this, k, null, f, loaded, at);
        events.created(k, f);
        return n;
      }
    });
  }

  boolean containsKey(K key) {
    return liveQuietly(key) != null;
  }

  /**
   * The live entry's kept form, or null, without an access: no promotion to the heap, no hit for the eviction policy,
   * no expiry on access, no read-through (what {@link CairnCache#peek} reads).
   */
  Object peek(K key) {
    Holder<V> h = liveQuietly(key);
    return h == null ? null : h.form;
  }

  /** When the live entry of {@code key} expires; {@link CairnCache#NO_ENTRY} if none. Not an access. */
  long expiryOf(K key) {
    Holder<V> h = liveQuietly(key);
    return h == null ? CairnCache.NO_ENTRY : h.expireAt;
  }

  /**
   * The key's live entry, from the heap or else below, without an access: a holder read from below is not linked into
   * the heap (no promotion), no hit is counted, the access rule does not run. Null if there is none.
   */
  @SuppressWarnings("unchecked")
  private Holder<V> liveQuietly(K key) {
    Holder<V> h = heap.peek(key);
    if (h != null && (near == null || near.servable((NearHolder<V>) h))) {
      return h.expireAt == ETERNAL || !h.isExpired(now()) ? h : null;
    }
    if (!lower.isOpen()) {
      return null;
    }
    return (Holder<V>) compute(key, new Step(PendingEvents.none()) {
      @Override
      Holder<V> run(K k, Holder<V> cur) {
        Holder<V> c = resolve(k, cur);
        result = c != null && !expired(c) ? c : null;
        return cur;
      }
    }).result;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Writes

  /**
   * A put; with {@code explicitExpireAt} other than {@link ProcessorEntry#UNSET} the entry expires then, whatever the
   * policy says. The step's {@code form} is the value replaced (for getAndPut), {@code hit} whether there was one.
   */
  Step put(K key, V value, long explicitExpireAt, boolean needOld, PendingEvents<K, V> events) {
    return compute(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        byte[] kb;
        // An explicit ETERNAL (a Redis SET without a TTL) is what an eternal policy gives a new entry, and with no
        // entry expiring there is no TTL below for it to clear.
        boolean eternal = explicitExpireAt == ProcessorEntry.UNSET || explicitExpireAt == ETERNAL;
        if (h == null && blindPuts && !needOld && eternal && !anyExpiry && !events.wantsPutEvents()
            && lower.isOpen() && (kb = encodable(k)) != null) {
          writer.write(k, value);
          done = true;
          return blindPut(k, kb, copier.in(value), value);
        }
        Holder<V> cur = live(this, k, h);
        checkUnique(k, value);
        writer.write(k, value);
        Object f = copier.in(value);
        if (cur != null) {
          hit = true;
          form = cur.form;
        }
        if (explicitExpireAt != ProcessorEntry.UNSET) {
          return putExpiring(this, k, cur, f, value, explicitExpireAt);
        }
        if (cur == null) {
          return create(this, k, f, value);
        }
        return update(this, k, cur, f, value);
      }
    });
  }

  /** The key's encoding, or null if the key cannot be encoded (a store-by-reference key that is not Serializable). */
  private byte[] encodable(K key) {
    try {
      return keyCodec.encode(key);
    } catch (IllegalArgumentException unencodable) {
      return null;
    }
  }

  /** A put of a key not on the heap, without reading below (see {@link #blindPuts}). */
  private Holder<V> blindPut(K key, byte[] kb, Object form, V value) {
    Holder<V> n = claims.newHolder(key, form, value, ETERNAL);
    if (lower.writeThrough()) {
      byte[] bytes = copier.bytes(form);
      lower.write(kb, bytes, ETERNAL, ETERNAL);
      n.writtenBelow();
    } else {
      n.lowerExpireAt = ETERNAL;
      n.dirty = true;
    }
    return n;
  }

  /** A put unless the key has a live entry; {@code done} says whether it put. */
  Step putIfAbsent(K key, V value, PendingEvents<K, V> events) {
    return compute(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = live(this, k, h);
        if (cur != null) {
          hit = true;
          return h == null ? null : cur;
        }
        checkUnique(k, value);
        writer.write(k, value);
        result = Boolean.TRUE;
        return create(this, k, copier.in(value), value);
      }
    });
  }

  /**
   * Removes a key's entry, calling the writer's delete whether or not it exists; {@code done} says whether a live entry
   * was removed, {@code form} holds its value.
   */
  Step remove(K key, PendingEvents<K, V> events) {
    return compute(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = resolve(k, h);
        writer.delete(k);
        if (cur == null) {
          return null;
        }
        if (expired(cur)) {
          events.expired(k, cur.form);
          return drop(k, cur);
        }
        done = true;
        hit = true;
        form = cur.form;
        events.removed(k, cur.form);
        return drop(k, cur);
      }
    });
  }

  /** Removes the entry if it holds {@code oldValue}. */
  Step remove(K key, V oldValue, PendingEvents<K, V> events) {
    return compute(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = live(this, k, h);
        if (cur == null) {
          return null;
        }
        hit = true;
        if (!valueEquals(cur.form, oldValue)) {
          return accessed(this, k, cur);
        }
        writer.delete(k);
        done = true;
        events.removed(k, cur.form);
        return drop(k, cur);
      }
    });
  }

  /** Replaces the entry's value if it holds {@code oldValue}. */
  Step replace(K key, V oldValue, V newValue, PendingEvents<K, V> events) {
    return compute(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = live(this, k, h);
        if (cur == null) {
          return null;
        }
        hit = true;
        if (!valueEquals(cur.form, oldValue)) {
          return accessed(this, k, cur);
        }
        checkUnique(k, newValue);
        writer.write(k, newValue);
        return update(this, k, cur, copier.in(newValue), newValue);
      }
    });
  }

  /** Replaces an existing entry's value; {@code form} holds the value replaced, {@code hit} whether there was one. */
  Step replace(K key, V value, PendingEvents<K, V> events) {
    return compute(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = live(this, k, h);
        if (cur == null) {
          return null;
        }
        checkUnique(k, value);
        writer.write(k, value);
        hit = true;
        form = cur.form;
        return update(this, k, cur, copier.in(value), value);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Per-entry expiry (CairnCache)

  /** Sets the live entry's expiry; {@code done} when there was one. An expiry already due expires it. */
  Step setExpiry(K key, long expireAt, PendingEvents<K, V> events) {
    return compute(key, new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = live(this, k, h);
        if (cur == null) {
          return null;
        }
        done = true;
        return expireLocked(this, k, h, cur, expireAt);
      }
    });
  }

  /** Gives the live entry {@code cur} a new expiry, or expires it if that is due. */
  Holder<V> expireLocked(Step s, K k, Holder<V> h, Holder<V> cur, long at) {
    if (s.due(at)) {
      s.events.expired(k, cur.form);
      return drop(k, cur);
    }
    reexpire(k, cur, at);
    if (cur != h) {
      claims.adopted(k, cur, s);
    }
    return cur;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entry processors

  /** Runs {@code processor} on the key's entry under its lock; its result is the step's {@code result}. */
  <T> Step invoke(K key, EntryProcessor<K, V, T> processor, Object[] arguments, PendingEvents<K, V> events) {
    return compute(key, new ProcessorStep<>(this, processor, arguments, events));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Iteration (the walks over many keys are TierWalks')

  /**
   * Reads one entry for an iterator, under its lock, applying the access rule of the expiry policy wherever it lives;
   * the step's {@code form} is its value, null if it has none.
   */
  Step visit(K key) {
    return compute(key, new Step(PendingEvents.none()) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = resolve(k, h);
        if (cur == null || expired(cur)) {
          return h;
        }
        form = cur.form;
        reexpire(k, cur, expiry.access(this, cur.expireAt));
        if (expired(cur)) {
          return drop(k, cur);
        }
        if (cur != h) {
          claims.adopted(k, cur, this);
        }
        return cur;
      }
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Bidirectional caches

  /** Whether {@code k} (encoded {@code kb}) holds {@code value} (encoded {@code vb}) now. */
  boolean holdsNow(K k, byte[] kb, V value, byte[] vb) {
    return bidi.holdsNow(k, kb, value, vb, now());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Lifecycle and tests

  /** Forgets the heap tier (close: a persistent cache's entries are all below already). */
  void dropHeap() {
    map.discardAll();
    heap.clearQueues();
  }

  /** Entries on the heap tier after pending evictions (for tests and statistics). */
  long heapSize() {
    PendingEvents<K, V> none = PendingEvents.none();
    heap.cleanUp(none);
    return heap.size();
  }

  /** Entries the heap tier evicted for size. */
  long heapEvictions() {
    return heap.evictions();
  }

  /** The tier below's entry for {@code key}, or null (for tests). */
  Entry lowerEntry(K key) {
    return lower.read(keyCodec.encode(key));
  }
}
