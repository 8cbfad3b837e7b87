package io.cairn.jcache;

import io.cairn.jcache.spi.SharedTier;

/**
 * A remote cache's moves between its near copies ({@link NearHolder}s on the heap tier) and the shared tier below
 * them, for {@link TierStore}'s steps, under the key's lock: a read that becomes a near copy current from the epoch
 * reserved before it, and a conditional write whose near copy is current from the reservation the shared tier took
 * after it. A write that lost a race throws {@link io.cairn.jcache.spi.ConflictException}, which the tier store's
 * {@code compute} handles.
 *
 * <p>Thread-safety: stateless past construction; called under the key's lock.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class NearCopies<K, V> {
  private static final long ETERNAL = Holder.ETERNAL;
  private final TierStore<K, V> store;
  private final SharedLowerTier shared;
  private final NearCoherence near;
  /** The near disk tier, or null if the cache has none. */
  private final NearDisk disk;
  /** The cache's clock, for the near disk's expiry check. */
  private final java.util.function.LongSupplier clock;
  private final Codec<K> keyCodec;
  private final Copier<K, V> copier;
  /** Store-by-reference: a key with no codec makes an entry of this JVM only instead of failing. */
  private final boolean jvmOnlyKeys;

  NearCopies(TierStore<K, V> store) {
    this.store = store;
    this.shared = store.shared;
    this.near = store.near;
    this.disk = store.nearDisk;
    this.clock = store::now;
    this.keyCodec = store.keyCodec;
    this.copier = store.copier;
    this.jvmOnlyKeys = !copier.byValue();
  }

  /**
   * The key's name in the shared tier; null for a key with no codec in a store-by-reference cache, whose entry lives in
   * this JVM only (a {@link NearCoherence#JVM_ONLY} holder: Redis cannot hold it, and no other process can name it).
   * In a store-by-value cache such a key fails as every copy of it would.
   */
  byte[] sharedKey(K key) {
    try {
      return keyCodec.encode(key);
    } catch (IllegalArgumentException noCodec) {
      if (!jvmOnlyKeys) {
        throw noCodec;
      }
      return null;
    }
  }

  /**
   * The key's version in the shared tier as a new near holder (not yet in the map), or null. The
   * stripe's epoch is reserved before the read, so an invalidation that arrives meanwhile voids the copy.
   */
  Holder<V> read(K key) {
    byte[] kb = sharedKey(key);
    if (kb == null) {
      return null;
    }
    int stripe = NearCoherence.stripe(kb);
    int epoch = near.reserve(stripe);
    long tick = near.tick();
    NearDisk.Copy c = disk != null && epoch != NearCoherence.VOID ? disk.read(kb, tick, clock) : null;
    if (c != null) {
      // Current as of the reservation taken before the disk was read (an invalidation since voids it), as old as the
      // copy was when it went to disk; the disk still holds it.
      NearHolder<V> d = copy(key, c.value(), c.expireAt(), c.stamp(), stripe, epoch, c.tick());
      d.onNearDisk = true;
      return d;
    }
    SharedTier.Version v = shared.readVersion(kb);
    return v == null ? null : copy(key, v.value(), v.expireAtMillis(), v.stamp(), stripe, epoch, tick);
  }

  /** A new near holder (not yet in the map) of a shared version, current as of {@code epoch} and {@code tick}. */
  private NearHolder<V> copy(K key, byte[] value, long expireAt, long stamp, int stripe, int epoch, long tick) {
    NearHolder<V> d = new NearHolder<>(key, copier.fromBytes(value), expireAt, stripe);
    d.stamp = stamp;
    d.writtenBelow();
    d.current(epoch, tick);
    if (expireAt != ETERNAL) {
      store.anyExpiry = true;
    }
    return d;
  }

  /**
   * Writes {@code form} expiring at {@code expireAt} to the shared tier over the version {@code cur}
   * copies (null: none), then makes the near copy hold it, current as of the reservation the shared tier took right
   * after the write's reply (so Redis's notification of the write itself, which a script's write sends even to its
   * NOLOOP writer, does not void it, and any later one does).
   */
  Holder<V> write(K key, Holder<V> cur, Object form, long expireAt) {
    byte[] kb = sharedKey(key);
    if (kb == null) {
      NearHolder<V> own = cur != null ? (NearHolder<V>) cur
          : new NearHolder<>(key, form, expireAt, NearCoherence.JVM_ONLY);
      own.setForm(form);
      own.setExpireAt(expireAt);
      if (expireAt != ETERNAL) {
        store.anyExpiry = true;
      }
      return own;
    }
    NearHolder<V> n = cur != null ? (NearHolder<V>) cur : new NearHolder<>(key, form, expireAt,
        NearCoherence.stripe(kb));
    leaveDisk(kb, n);
    long tick = near.tick();
    SharedTier.Written w = shared.writeVersion(kb, copier.bytes(form), expireAt,
        cur != null ? n.stamp : SharedTier.ABSENT);
    n.setForm(form);
    n.setExpireAt(expireAt);
    n.stamp = w.stamp();
    n.writtenBelow();
    n.current(w.reservation(), tick);
    if (expireAt != ETERNAL) {
      store.anyExpiry = true;
    }
    return n;
  }

  /**
   * Before a write or delete of the key in the shared tier: the copy {@code h} was promoted from the near disk, whose
   * record of it is about to be out of date, so the record goes first (if the write then fails, nothing old is left).
   */
  void leaveDisk(byte[] kb, NearHolder<V> h) {
    if (h.onNearDisk) {
      disk.delete(kb);
      h.onNearDisk = false;
    }
  }

  /**
   * Under the key's lock, as the heap evicts {@code h}: keeps it on the near disk if it may still be served and is not
   * there already. Once written, the holder is checked again after a fence, so that a copy an invalidation voided
   * meanwhile does not stay (see {@link NearDisk}). Returns whether it wrote the copy.
   */
  boolean spill(K key, NearHolder<V> h, long now) {
    if (h.stripe == NearCoherence.JVM_ONLY) {
      return false;
    }
    boolean keep = near.servable(h) && (h.expireAt == ETERNAL || h.expireAt > now);
    if (h.onNearDisk || !keep) {
      // Already there, unchanged; or not to be kept, and a copy it came from goes too.
      if (!keep) {
        leaveDisk(keyCodec.encode(key), h);
      }
      return false;
    }
    byte[] kb;
    byte[] value;
    try {
      kb = keyCodec.encode(key);
      value = copier.bytes(h.form);
    } catch (RuntimeException noCodec) {
      // A value that cannot be encoded now (a store-by-reference object with a field that is not Serializable) is
      // not kept; the eviction goes on.
      return false;
    }
    if (!disk.write(kb, value, h.stamp, h.expireAt, h.tick())) {
      return false;
    }
    java.lang.invoke.VarHandle.fullFence();
    if (h.isVoid()) {
      disk.delete(kb);
      return false;
    }
    return true;
  }
}
