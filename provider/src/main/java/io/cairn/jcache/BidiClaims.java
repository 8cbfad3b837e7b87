package io.cairn.jcache;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Value uniqueness for a bidirectional cache, without a cache-wide lock.
 *
 * <h2>Claims</h2>
 * {@link #claims} maps each value held on the heap tier to its {@link Claim}: which key holds it, until when. A write
 * claims its value under its key's lock, then the value's bin in {@code claims} (always in that order), failing if
 * another key's claim stands or, failing that, if the disk tier holds the value under another key. On disk each entry
 * has an inverse record (value, key) written in the same batch as the entry, so every disk copy's value can be found;
 * a record left stale by a move is recognised by checking it against its key, and compaction drops it. The disk is
 * probed only once some key may live there alone ({@link #spilled}), and not for a value whose released claim still
 * stands as a vacancy. An entry the heap evicts is written below with its record before its claim goes, so a value
 * is always found in one tier or the other. {@code forcePut} removes the old holder and leaves a reservation claim
 * for the new key until its write lands.
 *
 * <h2>Vacancies</h2>
 * A released claim stays in {@code claims} as a vacancy: no key has held the value since (a key taking it would have
 * replaced it), so its next writer skips the disk probe. A key that moves to another value keeps the vacancy it left
 * ({@link BidiHolder#vacated}) while it holds the new one, so moving back costs no probe however busy the cache is;
 * other vacancies go to a ring of one slot per value hash, and one pushed out of its slot leaves {@code claims}.
 *
 * <p>Thread-safety: {@code claims} is a concurrent map whose compute for a value is that value's lock; a holder's
 * fields are written under its key's lock; {@link Claim#live} and {@link Claim#expireAt} are volatile for the
 * lock-free {@link #ownerOf}; the ring is an atomic array.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class BidiClaims<K, V> implements ValueClaims<K, V> {
  /** One key's claim on one value, held while it stands (live and unexpired). */
  static final class Claim {
    final Object key;
    final Object valueKey;
    volatile long expireAt;
    volatile boolean live = true;
    /** Set when released as a vacancy (no key has held the value since); written before {@code live} turns false. */
    boolean vacant;

    Claim(Object key, Object valueKey, long expireAt) {
      this.key = key;
      this.valueKey = valueKey;
      this.expireAt = expireAt;
    }
  }

  /** A bidirectional cache's heap entry: a plain holder with its claim and what it knows of its disk copy. */
  static final class BidiHolder<V> extends Holder<V> {
    /** The claim key of the value this holder holds. */
    Object valueKey;
    /** The claim this holder installed on its value, or null (read from disk and not adopted, or given up). */
    Claim claim;
    /** The vacancy its key left when it moved to this value, kept while it holds it. */
    Claim vacated;
    /** The encoded value of the disk copy, whose inverse record a rewrite or delete must remove; null if none. */
    byte[] lowerValue;
    /** During a commit: the claim being installed, and the claim adopted on the previous value, if any. */
    Claim pendingClaim;
    Claim pendingAdopted;

    BidiHolder(Object key, Object form, Object valueKey, long expireAt) {
      super(key, form, expireAt);
      this.valueKey = valueKey;
    }
  }

  /** A bidirectional cache refused a write: another key holds the value. */
  static final class ValueHeldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ValueHeldException(String message) {
      super(message);
    }
  }

  private final String name;
  private final Copier<K, V> copier;
  private final HeapTier<K, V> heap;
  private final LowerTier lower;
  private final ExpiryRules expiry;
  private final ConcurrentHashMap<Object, Claim> claims = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<Claim> vacancies;
  /**
   * Whether a key may have a disk copy while not on the heap. Until one does (a persistent cache opened on a store
   * with entries, or any entry evicted to disk), every holder of a value is on the heap and claims it, so a write
   * needs no disk probe. Set before an evicted entry gives up its claim; never cleared.
   */
  private volatile boolean spilled;

  BidiClaims(String name, Copier<K, V> copier, HeapTier<K, V> heap, LowerTier lower, ExpiryRules expiry,
      long heapEntries) {
    this.name = name;
    this.copier = copier;
    this.heap = heap;
    this.lower = lower;
    this.expiry = expiry;
    this.vacancies = new AtomicReferenceArray<>(vacancySlots(heapEntries));
    this.spilled = lower.hasEntries();
    lower.recordsProbedWhen(() -> spilled);
  }

  /** Vacancy slots: about as many as heap entries, a power of two from 16 to 262,144. */
  static int vacancySlots(long heapEntries) {
    long n = Math.max(16, Math.min(1 << 18, heapEntries));
    return (int) Long.highestOneBit(n - 1) << 1;
  }

  /** The key of {@code claims} for a value: the value itself, or its encoding for arrays (which lack value equality). */
  Object valueKey(V value) {
    return value.getClass().isArray() ? new EncodedValue(copier.valueCodec().encode(value)) : value;
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

  ValueHeldException conflict(Object owner, Object key) {
    return new ValueHeldException("value already present in bidirectional cache " + name + ": held by key "
        + owner + " (use forcePut to move it to key " + key + ")");
  }

  private static boolean stands(Claim c, long now) {
    return c != null && c.live && c.expireAt > now;
  }

  private static boolean vacant(Claim c) {
    return c != null && !c.live && c.vacant;
  }

  /** Under its key's lock: whether {@code c}, {@code h}'s own claim, still is its value's claim. */
  private boolean isClaim(Claim c, long now) {
    return c != null && (stands(c, now) || claims.get(c.valueKey) == c);
  }

  /** Whether holder {@code h} holds {@code value}. */
  boolean holds(Holder<V> h, V value) {
    return ((BidiHolder<V>) h).valueKey.equals(valueKey(value));
  }

  /**
   * The key whose live entry holds {@code value}, or null: its claim on the heap tier, else the disk tier's inverse
   * records. Takes no lock. A value leaving the heap is written to disk before its claim goes, so it is never missed.
   */
  @SuppressWarnings("unchecked")
  K ownerOf(V value) {
    long now = expiry.now();
    Claim c = claims.get(valueKey(value));
    if (stands(c, now)) {
      return (K) c.key;
    }
    return vacant(c) ? null : diskOwner(value, null, now);
  }

  /**
   * The key other than {@code except} whose disk copy holds {@code value} and which is not on the heap with another
   * value, or null. A key found on the heap is decided by its heap entry; a key not found there is checked against
   * its disk copy again, since it may have been written back with another value since the records were read.
   */
  private K diskOwner(V value, K except, long now) {
    if (!spilled || !lower.isOpen()) {
      return null;
    }
    byte[] vb = copier.valueCodec().encode(value);
    for (byte[] kb : lower.inverseKeys(vb)) {
      K k = copier.keyCodec().decode(kb);
      if (!k.equals(except) && holdsNow(k, kb, value, vb, now)) {
        return k;
      }
    }
    return null;
  }

  /** Whether {@code k}, which has an inverse record for {@code value}, holds it now: its heap entry, else disk. */
  boolean holdsNow(K k, byte[] kb, V value, byte[] vb, long now) {
    Holder<V> h = heap.peek(k);
    if (h != null) {
      return !h.isExpired(now) && holds(h, value);
    }
    io.cairn.engine.Entry e = lower.read(kb);
    return e != null && Arrays.equals(e.value(), vb);
  }

  @Override
  public Holder<V> newHolder(Object key, Object form, V value, long expireAt) {
    return new BidiHolder<>(key, form, value == null ? valueKey(copier.out(form)) : valueKey(value), expireAt);
  }

  @Override
  public void checkUnique(K key, V value) {
    K owner = ownerOf(value);
    if (owner != null && !owner.equals(key)) {
      throw conflict(owner, key);
    }
  }

  @Override
  public void checkPutAll(java.util.Map<? extends K, ? extends V> entries, boolean replace,
      java.util.function.Predicate<K> contains) {
    java.util.Map<Object, K> seen = new java.util.HashMap<>();
    for (java.util.Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
      K other = seen.putIfAbsent(valueKey(e.getValue()), e.getKey());
      if (other != null) {
        throw new IllegalArgumentException("putAll into bidirectional cache " + name + " gives value "
            + e.getValue() + " to two keys: " + other + " and " + e.getKey());
      }
      K owner = ownerOf(e.getValue());
      if (owner != null && !owner.equals(e.getKey()) && (replace || !contains.test(e.getKey()))) {
        throw conflict(owner, e.getKey());
      }
    }
  }

  @Override
  public void claim(K key, Holder<V> h, boolean fresh, V value, java.util.function.LongSupplier clock) {
    long now = clock.getAsLong();
    BidiHolder<V> b = (BidiHolder<V>) h;
    b.pendingAdopted = !fresh && spilled ? adoptBeforeRelease(key, b, now) : null;
    try {
      b.pendingClaim = claimValue(key, b, valueKey(value), value, now);
    } catch (RuntimeException | Error e) {
      unadopt(b);
      throw e;
    }
  }

  /**
   * Under {@code key}'s lock: the claim on the value with claim key {@code ck} for {@code key}: its standing own claim
   * when it re-puts the value it holds, else a new one. Fails, changing nothing, if another key's live entry holds
   * the value on the heap or on disk.
   */
  private Claim claimValue(K key, BidiHolder<V> b, Object ck, V value, long now) {
    Claim own = b.claim;
    if (own != null && ck.equals(own.valueKey) && isClaim(own, now)) {
      return own;
    }
    Claim n = new Claim(key, ck, Holder.ETERNAL);
    claims.compute(ck, (x, c) -> {
      if (stands(c, now)) {
        if (!key.equals(c.key)) {
          throw conflict(c.key, key);
        }
      } else if (!vacant(c)) {
        K owner = diskOwner(value, key, now);
        if (owner != null) {
          throw conflict(owner, key);
        }
      }
      return n;
    });
    return n;
  }

  /**
   * Under the key's lock, before the holder's value is replaced: makes it its value's claim if it is not already, so
   * that the release leaves a vacancy for the value and its next writer skips the disk probe. This is for an entry
   * read from disk, which holds no claim: its disk copy holds the value, so no other key's claim can stand for it
   * (values are unique), and from here until the release the claim says what the disk says. Returns the claim it
   * installed, which {@link #unadopt} takes back if the write fails.
   */
  private Claim adoptBeforeRelease(K key, BidiHolder<V> b, long now) {
    if (isClaim(b.claim, now)) {
      return null;
    }
    Claim a = new Claim(key, b.valueKey, b.expireAt);
    if (claims.compute(b.valueKey, (x, c) -> stands(c, now) ? c : a) != a) {
      return null;
    }
    b.claim = a;
    return a;
  }

  private void unadopt(BidiHolder<V> b) {
    Claim a = b.pendingAdopted;
    b.pendingAdopted = null;
    if (a != null) {
      a.live = false;
      claims.remove(a.valueKey, a);
      if (b.claim == a) {
        b.claim = null;
      }
    }
  }

  @Override
  public void aborted(Holder<V> h) {
    BidiHolder<V> b = (BidiHolder<V>) h;
    Claim n = b.pendingClaim;
    b.pendingClaim = null;
    if (n != null && n != b.claim) {
      n.live = false;
      claims.remove(n.valueKey, n);
    }
    unadopt(b);
  }

  @Override
  public void committed(Holder<V> h) {
    BidiHolder<V> b = (BidiHolder<V>) h;
    Claim n = b.pendingClaim;
    b.pendingClaim = null;
    b.pendingAdopted = null;
    n.expireAt = h.expireAt;
    if (n == b.claim) {
      return;
    }
    release(b, b.claim, n);
    b.claim = n;
    b.valueKey = n.valueKey;
  }

  @Override
  public void adopted(K key, Holder<V> h, java.util.function.LongSupplier clock) {
    long now = clock.getAsLong();
    BidiHolder<V> b = (BidiHolder<V>) h;
    Claim a = new Claim(key, b.valueKey, b.expireAt);
    if (claims.compute(b.valueKey, (x, c) -> stands(c, now) ? c : a) == a) {
      b.claim = a;
    }
  }

  @Override
  public void released(Holder<V> h) {
    BidiHolder<V> b = (BidiHolder<V>) h;
    release(b, b.claim, null);
    b.claim = null;
  }

  /**
   * Under the holder's key lock: its claim {@code old} (null: none) is no longer its key's. If {@code old} is still
   * its value's claim, it stays as a vacancy. With a {@code successor} (the key's new claim), the holder keeps that
   * vacancy while it holds the new value, and the vacancy it kept before goes to the ring unless the key just took
   * that value back; without one, both go to the ring.
   */
  private void release(BidiHolder<V> b, Claim old, Claim successor) {
    Claim kept = b.vacated;
    b.vacated = null;
    if (old == null) {
      if (successor != null) {
        b.vacated = kept;
      } else {
        ring(kept);
      }
      return;
    }
    if (!spilled) {
      // No probes are made while nothing has spilled: a vacancy would save none (and none was kept: spilled is never
      // cleared, and vacancies are made only once it is set).
      old.live = false;
      claims.remove(old.valueKey, old);
      return;
    }
    boolean claimed = isClaim(old, expiry.now());
    if (claimed) {
      old.vacant = true;
    }
    old.live = false;
    if (successor == null) {
      ring(kept);
      if (claimed) {
        ring(old);
      }
    } else if (claimed) {
      if (kept != null && !successor.valueKey.equals(kept.valueKey)) {
        ring(kept);
      }
      b.vacated = old;
    } else {
      b.vacated = kept;
    }
  }

  /** Puts a vacancy (null: none) in its slot; the one it pushes out leaves {@code claims} unless taken since. */
  private void ring(Claim vacancy) {
    if (vacancy == null) {
      return;
    }
    int hash = vacancy.valueKey.hashCode();
    Claim old = vacancies.getAndSet((hash ^ (hash >>> 16)) & (vacancies.length() - 1), vacancy);
    if (old != null) {
      claims.remove(old.valueKey, old);
    }
  }

  @Override
  public void reexpired(Holder<V> h, long expireAt) {
    Claim c = ((BidiHolder<V>) h).claim;
    if (c != null) {
      c.expireAt = expireAt;
    }
  }

  @Override
  public void evicting(Holder<V> h) {
    spilled = true;
  }

  /**
   * Only now that the disk copy and its inverse record are written: the value is never unclaimed in both tiers. The
   * claim stays live: until the heap map lets the holder go, a reader finding it there rightly takes it as the entry.
   */
  @Override
  public void evicted(Holder<V> h) {
    BidiHolder<V> b = (BidiHolder<V>) h;
    if (b.claim != null) {
      claims.remove(b.claim.valueKey, b.claim);
      b.claim = null;
    }
    ring(b.vacated);
    b.vacated = null;
  }

  @Override
  public byte[] lowerValue(Holder<V> h) {
    return ((BidiHolder<V>) h).lowerValue;
  }

  @Override
  public void wroteBelow(Holder<V> h, byte[] bytes) {
    ((BidiHolder<V>) h).lowerValue = bytes;
  }

  /**
   * Under {@code owner}'s lock, its entry for {@code value} just removed: reserves the value for a {@code forcePut}
   * so no other writer takes it before the new key's write lands.
   */
  void reserve(V value, Claim reservation, long now) {
    claims.compute(valueKey(value), (x, c) -> stands(c, now) ? c : reservation);
  }

  /** A reservation for {@code key} on {@code value}. */
  Claim reservation(K key, V value) {
    return new Claim(key, valueKey(value), Holder.ETERNAL);
  }

  /** Ends a reservation (the forcePut's write landed or failed). */
  void unreserve(Claim reservation) {
    reservation.live = false;
    claims.remove(reservation.valueKey, reservation);
  }

  /** The encoded keys whose disk copies may hold {@code value}. */
  List<byte[]> inverseKeys(byte[] value) {
    return lower.inverseKeys(value);
  }
}
