package io.cairn.engine;

/**
 * Lets the owner of a store drop entries it no longer wants while compaction rewrites them, as if they had been
 * deleted. It is asked about the newest live version of each key a merging compaction writes (never about tombstones
 * or expired entries), on the compaction thread; it may read the store. A dropped key that older data may still hold
 * below is written as a tombstone, so dropping never brings an older version back.
 *
 * <p>Tables that a compaction deletes whole without merging (FIFO's oldest tables) are not filtered.
 */
@FunctionalInterface
public interface CompactionFilter {

  /** Whether to keep {@code key}; false drops it. Must not throw. */
  boolean keep(byte[] key);
}
