package io.cairn.jcache;

import java.util.Map;

/**
 * The bidirectional view of a Cairn cache, reached with {@code cache.unwrap(BidiCache.class)} on a cache configured
 * with {@link CairnConfiguration#setBidirectional(boolean)} (or {@code bidi=true} in its properties).
 *
 * <p>Values are unique within the cache, as in a bidirectional map: a write of a value that another key holds
 * ({@code put}, {@code putAll}, {@code putIfAbsent}, {@code replace}, {@code getAndPut}, a read-through load, an entry
 * processor's {@code setValue}) fails with an {@link IllegalArgumentException} naming that key, and changes nothing.
 * {@link #forcePut} moves a value instead. The inverse index has two parts: on the heap tier, an exact map from each
 * value written there to its entry; in the disk tier, one inverse record per entry, written in the same atomic batch
 * as the entry itself (a record a move leaves stale is checked against its key by every reader, and dropped by
 * compaction). An entry the heap evicts is written with its record before its heap claim goes,
 * so the index stays exact through removal, replacement, expiry, eviction from both tiers, {@code clear} and restart.
 * No write takes a cache-wide lock: a value's uniqueness is decided under the writing key's lock and the value's own.
 *
 * <p>Values need {@code equals} and {@code hashCode} that agree with their encoding (arrays are compared by content).
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface BidiCache<K, V> {
  /** The key holding {@code value}, or null if no live entry holds it. */
  K getKey(V value);

  boolean containsValue(V value);

  /**
   * Puts {@code value} under {@code key}, first removing the entry of any other key that holds it (a REMOVED event
   * for that key, then CREATED or UPDATED for {@code key}). Returns the value {@code key} held before, or null.
   */
  V forcePut(K key, V value);

  /** Removes the entry holding {@code value}; false if none does. */
  boolean removeValue(V value);

  /** The inverse view: (value, key) pairs of live entries, in the value codec's byte order, read lazily. */
  Iterable<Map.Entry<V, K>> inverse();
}
