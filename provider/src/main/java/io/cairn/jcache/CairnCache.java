package io.cairn.jcache;

import io.cairn.engine.StoreStatistics;
import javax.cache.Cache;

/**
 * The engine view of a Cairn cache, reached with {@code cache.unwrap(CairnCache.class)}: ordered range scans over the
 * disk tier, and maintenance.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface CairnCache<K, V> {
  /**
   * Entries with {@code fromInclusive <= key < toExclusive} in key order, over a consistent snapshot, skipping expired
   * entries. Needs a key codec that preserves order.
   *
   * @throws UnsupportedOperationException naming the codec when the key codec does not preserve order
   */
  Iterable<Cache.Entry<K, V>> range(K fromInclusive, K toExclusive);

  /** Writes the heap tier's unsaved entries and the engine's memtable to disk. */
  void flush();

  /** Flushes, then compacts the disk tier (purging expired and removed entries). */
  void compact();

  /** The disk tier's engine statistics (levels, files, bytes, amplification, bloom and block-cache figures). */
  StoreStatistics engineStatistics();
}
