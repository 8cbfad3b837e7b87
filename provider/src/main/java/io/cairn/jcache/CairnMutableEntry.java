package io.cairn.jcache;

import javax.cache.processor.MutableEntry;

/**
 * The entry an entry processor of a Cairn cache works on, with its expiry: {@code entry.unwrap(CairnMutableEntry.class)}.
 * Times are absolute milliseconds by the cache's clock ({@link CairnCache#currentTimeMillis}).
 *
 * <p>An expiry set here replaces what the cache's {@code ExpiryPolicy} would give the processor's outcome: with
 * {@link #setValue}, the value is written to expire then; alone, it changes the expiry of the existing entry and
 * nothing else (no event, as {@link CairnCache#setExpiry}). An expiry at or before now expires the entry (its EXPIRED
 * event fires). {@link #remove} discards it.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface CairnMutableEntry<K, V> extends MutableEntry<K, V> {
  /**
   * The entry's expiry as the processor sees it: the one it set, else the existing entry's ({@link CairnCache#ETERNAL}
   * if never), else {@link CairnCache#NO_ENTRY} when the entry does not exist.
   */
  long getExpiry();

  /**
   * Sets the expiry of the processor's outcome ({@link CairnCache#ETERNAL}: never).
   *
   * @throws IllegalArgumentException if {@code expireAtMillis} is negative
   * @throws IllegalStateException if the entry does not exist and the processor has not set a value
   */
  void setExpiry(long expireAtMillis);
}
