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
   * What a lock-free hit checks, in one load: the age tick from which the copy is too old ({@link #tick} plus the
   * maximum age), {@link Long#MIN_VALUE} while it is void, {@link Long#MAX_VALUE} for an entry of this JVM only.
   * Written last by {@link #current} (volatile), so a hit that sees it sees the value written before it.
   */
  private volatile long servableBefore;
  /**
   * Under the key's lock: the copy was promoted from the near disk tier ({@link NearDisk}) and is unchanged since, so
   * the disk still holds it (unless its budget dropped it): an eviction writes nothing, and a write of the key deletes
   * the disk copy first.
   */
  boolean onNearDisk;

  NearHolder(Object key, Object form, long expireAt, int stripe) {
    super(key, form, expireAt);
    this.stripe = stripe;
    this.servableBefore = stripe == NearCoherence.JVM_ONLY ? Long.MAX_VALUE : Long.MIN_VALUE;
  }

  /** Under the key's lock: the copy is current as of the given epoch and tick (taken before the shared tier call). */
  void current(int epochBefore, long tickBefore) {
    tick = tickBefore;
    epoch = epochBefore;
    if (stripe != NearCoherence.JVM_ONLY) {
      servableBefore = epochBefore == NearCoherence.VOID ? Long.MIN_VALUE : tickBefore + NearCoherence.MAX_AGE_TICKS;
      // An invalidation's voidCopy may have run between the two stores (its epoch store after ours, its
      // servableBefore store before ours): read the epoch again, so that a void epoch always ends with a void
      // servableBefore. (A void whose epoch store came before ours is lost here as before; the stripe check after
      // linking, NearCoherence.recheck, catches it.)
      if (epoch == NearCoherence.VOID) {
        servableBefore = Long.MIN_VALUE;
      }
    }
  }

  /** Whether the copy is void (by either field; see {@link #current}). */
  boolean isVoid() {
    return epoch == NearCoherence.VOID || servableBefore == Long.MIN_VALUE;
  }

  /** The copy must not be served (a write whose notifications cannot be relied on, or an invalidation). */
  void voidCopy() {
    epoch = NearCoherence.VOID;
    if (stripe != NearCoherence.JVM_ONLY) {
      servableBefore = Long.MIN_VALUE;
    }
  }

  /** The age tick from which a lock-free hit may not serve the copy (see {@link #servableBefore}). */
  long servableBefore() {
    return servableBefore;
  }

  int epoch() {
    return epoch;
  }

  long tick() {
    return tick;
  }

}
