package io.cairn.jcache;

import io.cairn.engine.StoreStatistics;
import javax.cache.Cache;

/**
 * Cairn's extension of a cache, reached with {@code cache.unwrap(CairnCache.class)}: per-entry expiry, ordered range
 * scans over the disk tier, the entry count, and maintenance.
 *
 * <p>Expiry times are absolute, in milliseconds since the epoch by the cache's clock ({@link #currentTimeMillis}, the
 * system clock unless {@link CairnConfiguration#setClock} gave another). An entry given an expiry here keeps it until
 * it is written again: a later {@code put} through the JCache API applies the cache's {@code ExpiryPolicy} as usual.
 * An entry processor sets an entry's expiry through {@link CairnMutableEntry}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface CairnCache<K, V> {
  /** The expiry time of an entry that never expires. */
  long ETERNAL = Long.MAX_VALUE;

  /** What {@link #getExpiry} answers for a key with no live entry. */
  long NO_ENTRY = -1;

  /** The cache's clock, in milliseconds since the epoch: the time its expiry times are measured by. */
  long currentTimeMillis();

  /**
   * Puts {@code value} under {@code key} to expire at {@code expireAtMillis} ({@link #ETERNAL}: never), whatever the
   * cache's {@code ExpiryPolicy} says. Otherwise a {@code put}: the writer is called, the CREATED or UPDATED event
   * fires, a bidirectional cache refuses a value another key holds. An expiry at or before now stores nothing: an
   * entry the key had expires at once (its EXPIRED event fires).
   *
   * @throws IllegalArgumentException if {@code expireAtMillis} is negative
   */
  void put(K key, V value, long expireAtMillis);

  /**
   * Sets when the live entry of {@code key} expires ({@link #ETERNAL}: never), leaving its value as it is; neither an
   * access nor an update for the {@code ExpiryPolicy}, the statistics or the listeners. An expiry at or before now
   * expires the entry at once (its EXPIRED event fires).
   *
   * @return false, changing nothing, if {@code key} has no live entry
   * @throws IllegalArgumentException if {@code expireAtMillis} is negative
   */
  boolean setExpiry(K key, long expireAtMillis);

  /**
   * When the live entry of {@code key} expires: {@link #ETERNAL} if never, {@link #NO_ENTRY} if there is no live
   * entry. Not an access: the {@code ExpiryPolicy}, the statistics and the loader are not involved.
   */
  long getExpiry(K key);

  /**
   * The number of live entries, on the heap tier and on disk. Exact at some moment during the call while no write
   * runs at the same time; it reads every key, so it costs what an iteration over the keys costs.
   */
  long size();

  /**
   * The key's live value, or null, read without it counting as a use: it is not promoted from disk to the heap, the
   * heap tier's eviction policy does not count a hit, statistics do not count a get, the expiry policy's access rule
   * does not run and no loader is called (what a monitoring tool's look at a key should cost). A remote cache reads
   * the shared tier on a heap miss without keeping a near copy.
   */
  V peek(K key);

  /**
   * A hint that operations on these keys follow at once (a server's pipelined requests): their heap-tier index entries
   * are brought into the CPU's cache together, so the memory latencies of the lookups overlap instead of adding up one
   * request at a time. It reads nothing below the heap tier, counts nothing, fires no event and changes nothing; a key
   * not on the heap costs one lookup. Reads {@code keys[0]} to {@code keys[count - 1]}, keys of the cache's type; a
   * null among them is skipped. A store-by-value cache ignores it (its heap keys are copies).
   */
  default void prefetch(Object[] keys, int count) {}

  /**
   * Entries with {@code fromInclusive <= key < toExclusive} in key order, over a consistent snapshot, skipping expired
   * entries; a null bound is open (from the first key, or to the last). Needs a key codec that preserves order.
   *
   * @throws UnsupportedOperationException naming the codec when the key codec does not preserve order
   */
  Iterable<Cache.Entry<K, V>> range(K fromInclusive, K toExclusive);

  /**
   * Registers {@code lost}, told of each key whose entry the cache loses by its own doing, not by a remove or an
   * expiry: an entry the disk tier's byte budget drops (and nobody was using), or one the heap tier evicts when there
   * is no disk tier to keep it (or it cannot be encoded). Not for entries the heap moves to disk, which are still
   * there. Called on the thread that dropped the entry (a background compaction, or a writer making room), so it
   * must be quick and must not call back into the cache; one that throws is logged and skipped.
   */
  void addLossListener(java.util.function.Consumer<? super K> lost);

  /** Removes a listener {@link #addLossListener} registered. */
  void removeLossListener(java.util.function.Consumer<? super K> lost);

  /** Writes the heap tier's unsaved entries and the engine's memtable to disk. */
  void flush();

  /** Flushes, then compacts the disk tier (purging expired and removed entries). */
  void compact();

  /**
   * What the heap and disk tiers hold and did, beyond JCache's statistics: heap entries, evictions and spills to
   * disk; disk bytes, entries, reads, FIFO drops, the engine's events and statistics; expiries the timer found. A
   * snapshot, taken without locks; works on a closed cache too (reporting its disk tier as not open), and never opens
   * a disk tier that has not opened yet.
   */
  TierStatistics tiers();

  /** The disk tier's engine statistics (levels, files, bytes, amplification, bloom and block-cache figures). */
  StoreStatistics engineStatistics();

  /**
   * The codec this cache turns keys into bytes with: the configured one ({@link CairnConfiguration#setKeyCodec}), else
   * Cairn's for the key type (the tagged codec for {@code Object}: one type byte, then that type's encoding).
   */
  Codec<K> keyCodec();

  /**
   * The codec this cache turns values into bytes with, chosen as {@link #keyCodec} is; its bytes can be read by any
   * process with the value class. (A store-by-value cache that copies values field by field keeps that form, valid in
   * this process only, to itself; this is then the JDK serialization it falls back to.)
   */
  Codec<V> valueCodec();
}
