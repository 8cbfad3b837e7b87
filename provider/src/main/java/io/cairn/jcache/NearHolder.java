package io.cairn.jcache;

/**
 * A heap-tier entry of a remote cache: a near copy of an entry of the shared tier below ({@link SharedLowerTier}).
 * Besides what every {@link Holder} keeps, it records which version of the shared entry it copies ({@link #stamp},
 * what a conditional write of the key expects) and when it was known to be current: the invalidation epoch of its
 * key's stripe and the age tick at that moment ({@link NearCoherence}). A hit may serve it only while both still
 * hold. Plain caches never make these; their holders carry none of these fields.
 *
 * <p>Thread-safety: written under the key's lock (the heap map's compute for it), like the holder's value. The epoch
 * and tick are read by lock-free hits, so a writer publishes a new value first and the epoch that makes it servable
 * last ({@link #current}, volatile); a hit that sees the new epoch sees the new value.
 *
 * @param <V> value type
 */
final class NearHolder<V> extends Holder<V> {
  /** The stamp of the shared entry this holder copies ({@link io.cairn.jcache.spi.SharedTier#ABSENT}: none yet). */
  long stamp;
  /** The invalidation stripe of the key's encoding. */
  final int stripe;
  /** The stripe's epoch when this copy was known current; {@link NearCoherence#VOID} if it must not be served. */
  private volatile int epoch = NearCoherence.VOID;
  /** The age tick when this copy was known current (a long: an int would wrap within weeks at a 1 ms tick). */
  private long tick;
  /**
   * Under the key's lock: the copy was promoted from the near disk tier ({@link NearDisk}) and is unchanged since, so
   * the disk still holds it (unless its budget dropped it): an eviction writes nothing, and a write of the key deletes
   * the disk copy first.
   */
  boolean onNearDisk;

  NearHolder(Object key, Object form, long expireAt, int stripe) {
    super(key, form, expireAt);
    this.stripe = stripe;
  }

  /** Under the key's lock: the copy is current as of the given epoch and tick (taken before the shared tier call). */
  void current(int epochBefore, long tickBefore) {
    tick = tickBefore;
    epoch = epochBefore;
  }

  /** Under the key's lock: the copy must not be served (a write whose notifications cannot be relied on). */
  void voidCopy() {
    epoch = NearCoherence.VOID;
  }

  int epoch() {
    return epoch;
  }

  long tick() {
    return tick;
  }

}
