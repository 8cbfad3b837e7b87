package io.cairn.jcache;

/**
 * A heap-tier entry: the cache's own copy of the value, its absolute expiry, and where its disk copy stands.
 *
 * <p>Thread-safety: every field but {@code expireAt} is read and written only under the entry's lock (the heap map's
 * compute for its key, or Caffeine's eviction of it). {@code expireAt} is volatile so the lock-free read path and the
 * expiry timer see updates.
 */
final class Holder<V> {
  static final long ETERNAL = Long.MAX_VALUE;

  final V value;
  /** Store-by-value caches, mutable types: the encoding {@code value} was decoded from; reads decode it again. */
  byte[] encoded;
  volatile long expireAt;
  /** The heap copy differs from the disk copy (or there is none): it must be written if evicted. */
  boolean dirty;
  /** A disk copy exists (possibly stale, shadowed by this one). */
  boolean onDisk;
  /** The expiry the disk copy was written with (its index record), {@link #ETERNAL} if none. */
  long diskExpireAt = ETERNAL;
  /** Bidirectional caches: the value of the disk copy (whose inverse record a rewrite or delete must remove). */
  V diskValue;
  /**
   * Bidirectional caches: the key this holder is the entry of, and whether it still is (cleared when it is replaced,
   * dropped or evicted), so a claim on its value can be trusted without a second lookup.
   */
  Object key;
  volatile boolean live = true;
  /**
   * Bidirectional caches: set when this holder, its value's claim, was released and left in place as a vacancy: no
   * key has held the value since, on either tier. Written before {@code live} turns false, read after.
   */
  boolean vacant;
  /**
   * Bidirectional caches: this holder was installed as its value's claim by its own key. While it stands (live and
   * unexpired) it still is: another key replaces only a claim that no longer stands, and its own key replaces it
   * only under its lock, clearing this. So its key, under its lock, can trust it without a lookup in {@code claims}.
   */
  boolean claimed;
  /**
   * Bidirectional caches: the vacancy this holder's key left when it moved to this holder's value (its previous holder,
   * still in {@code claims}), kept while this holder is the key's entry, so a key that moves back finds its old value
   * vacant. Handed to the vacancy ring when this holder is replaced, dropped or evicted.
   */
  Holder<V> vacated;

  Holder(V value, long expireAt) {
    this.value = value;
    this.expireAt = expireAt;
  }

  boolean isExpired(long now) {
    return expireAt <= now;
  }
}
