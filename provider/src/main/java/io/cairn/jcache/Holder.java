package io.cairn.jcache;

/**
 * A heap-tier entry: one key's value as the cache keeps it, its absolute expiry, where its copy in the tier below
 * stands, and the heap tier's eviction bookkeeping. One holder stands for a key from the moment it enters the heap
 * tier until it leaves it; a write replaces its value in place.
 *
 * <p>The value is kept in one form ({@link #form}): the value itself (store-by-reference, and immutable types under
 * store-by-value), or its encoding (mutable types under store-by-value), which every read decodes into a fresh copy.
 * A store-by-value cache tells the two apart by type: its forms are {@code byte[]} exactly when encoded.
 *
 * <p>Thread-safety: {@link #form} and {@link #expireAt} are written only under the key's lock (the heap map's compute
 * for it) and read without it by hits, so they are volatile; a hit may see a value with the expiry written just before
 * or after it, either of which was current during the read. {@link #lowerExpireAt} and {@link #dirty} are read and
 * written under the key's lock only. {@link #freq} is bumped by hits with plain racy writes (a lost bump costs only
 * precision). The queue link and {@link #queue} belong to {@link HeapTier}'s eviction lock; {@link #unmapped} is set
 * under the key's lock when the holder leaves the heap map and read by the evictor. {@link #chain} belongs to
 * {@link HeapIndex}.
 *
 * @param <V> value type
 */
class Holder<V> {
  static final long ETERNAL = Long.MAX_VALUE;
  /** {@link #lowerExpireAt} when the tier below holds no copy of the key. */
  static final long NOT_BELOW = Long.MIN_VALUE;

  final Object key;
  /** The next holder in its bin of the heap index; written under the bin's stripe lock (see {@link HeapIndex}). */
  Holder<V> chain;
  volatile Object form;
  volatile long expireAt;
  /** The expiry the tier below holds the key's copy with; {@link #NOT_BELOW} if it holds none. */
  long lowerExpireAt = NOT_BELOW;
  /** The heap's value differs from the copy below (or there is none): written down when evicted (write-back). */
  boolean dirty;

  /** Hits since the evictor last looked, saturating at {@link HeapTier#MAX_FREQ}. */
  byte freq;
  /** Which eviction queue links this holder ({@link HeapTier}). */
  byte queue;
  /** The next (newer) holder in its queue, or in the pending stack while it waits to be linked. */
  Holder<V> next;
  /** Set once, under the key's lock, when the holder leaves the heap map. */
  volatile boolean unmapped;

  private static final java.lang.invoke.VarHandle FORM;
  private static final java.lang.invoke.VarHandle EXPIRE_AT;

  static {
    try {
      java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
      FORM = l.findVarHandle(Holder.class, "form", Object.class);
      EXPIRE_AT = l.findVarHandle(Holder.class, "expireAt", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  Holder(Object key, Object form, long expireAt) {
    this.key = key;
    this.form = form;
    this.expireAt = expireAt;
  }

  /**
   * Under the key's lock: publishes a new form with a release store (readers' volatile loads see the value whole;
   * no full fence is needed, since no reader orders a later store after it). Skipped when unchanged.
   */
  final void setForm(Object f) {
    if (form != f) {
      FORM.setRelease(this, f);
    }
  }

  /** Under the key's lock: publishes a new expiry as {@link #setForm} does. */
  final void setExpireAt(long at) {
    if (expireAt != at) {
      EXPIRE_AT.setRelease(this, at);
    }
  }

  final boolean isExpired(long now) {
    return expireAt <= now;
  }

  /** Whether the tier below holds a copy of the key (possibly stale: see {@link #dirty}). */
  final boolean below() {
    return lowerExpireAt != NOT_BELOW;
  }

  /** Records that the tier below now holds the heap's value, with the heap's expiry. */
  final void writtenBelow() {
    lowerExpireAt = expireAt;
    dirty = false;
  }

  /** Records that the tier below no longer holds the key. */
  final void goneBelow() {
    lowerExpireAt = NOT_BELOW;
  }
}
