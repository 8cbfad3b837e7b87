package io.cairn.engine.cache;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;
import net.openhft.hashing.LongHashFunction;

/**
 * A sharded CLOCK cache of immutable blocks, bounded in bytes.
 *
 * <p>Each shard keeps its entries in a {@link ConcurrentHashMap} (lookups take no lock) and a ring in insertion order
 * (the clock). A hit sets the entry's reference bit. Inserting past the shard's budget sweeps the hand: an entry with its
 * bit set has it cleared and goes round again; one without is evicted. Two threads missing on the same block may both
 * load it; the second insert is dropped.
 *
 * <p>Thread-safety: {@code ring} and {@code usedBytes} of a shard are guarded by that shard's lock; the map is
 * concurrent; the reference bit is a plain volatile flag (a lost update only costs one extra round of the hand).
 *
 * @param <V> the cached block type
 */
public final class BlockCache<V> {
  private static final LongHashFunction HASH = LongHashFunction.xx();

  private final Shard<V>[] shards;
  private final int shardMask;
  private final ToIntFunction<V> weigher;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final long capacityBytes;

  @SuppressWarnings("unchecked")
  public BlockCache(long capacityBytes, int shardCount, ToIntFunction<V> weigher) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("block cache capacity must be >= 0 bytes, was " + capacityBytes);
    }
    if (Integer.bitCount(shardCount) != 1) {
      throw new IllegalArgumentException("shard count must be a power of two, was " + shardCount);
    }
    this.capacityBytes = capacityBytes;
    this.weigher = weigher;
    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type is made raw and cast
    Shard<V>[] made = new Shard[shardCount];
    this.shards = made;
    for (int i = 0; i < shardCount; i++) {
      shards[i] = new Shard<>(capacityBytes / shardCount);
    }
    this.shardMask = shardCount - 1;
  }

  /** The key of one block: its table's id (unique among the tables sharing the cache) and the block's offset. */
  public record Key(long tableId, long offset) {}

  /** Loads a block on a miss. */
  @FunctionalInterface
  public interface Loader<V> {
    V load() throws java.io.IOException;
  }

  /** The cached block, or null (counting a hit or a miss). */
  public V getIfPresent(long tableId, long offset) {
    Entry<V> e = shards[shardOf(tableId, offset)].map.get(new Key(tableId, offset));
    if (e != null) {
      if (!e.referenced) {
        e.referenced = true;
      }
      hits.increment();
      return e.value;
    }
    misses.increment();
    return null;
  }

  /** Caches a block just loaded (a second insert of the same block is dropped). */
  public void put(long tableId, long offset, V value) {
    shards[shardOf(tableId, offset)].insert(new Key(tableId, offset), value, weigher.applyAsInt(value));
  }

  public V get(long tableId, long offset, Loader<V> loader) throws java.io.IOException {
    V v = getIfPresent(tableId, offset);
    if (v == null) {
      v = loader.load();
      put(tableId, offset, v);
    }
    return v;
  }

  /** Drops every block of a table (after the table is deleted). */
  public void evictTable(long tableId) {
    evictTables(java.util.Set.of(tableId));
  }

  /** Drops every block of the tables {@code tableIds} (a closing store's), in one pass over the cache. */
  public void evictTables(java.util.Set<Long> tableIds) {
    if (tableIds.isEmpty()) {
      return;
    }
    for (Shard<V> s : shards) {
      s.evictTables(tableIds);
    }
  }

  private int shardOf(long tableId, long offset) {
    long h = HASH.hashLong(tableId * 0x9E3779B97F4A7C15L ^ offset);
    return (int) h & shardMask;
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long capacityBytes() {
    return capacityBytes;
  }

  public long usedBytes() {
    long sum = 0;
    for (Shard<V> s : shards) {
      s.lock.lock();
      try {
        sum += s.usedBytes;
      } finally {
        s.lock.unlock();
      }
    }
    return sum;
  }

  private static final class Entry<V> {
    final Key key;
    final V value;
    final int charge;
    volatile boolean referenced;

    Entry(Key key, V value, int charge) {
      this.key = key;
      this.value = value;
      this.charge = charge;
    }
  }

  private static final class Shard<V> {
    final ConcurrentHashMap<Key, Entry<V>> map = new ConcurrentHashMap<>();
    final ArrayDeque<Entry<V>> ring = new ArrayDeque<>();
    final ReentrantLock lock = new ReentrantLock();
    final long capacityBytes;
    long usedBytes;

    Shard(long capacityBytes) {
      this.capacityBytes = capacityBytes;
    }

    void insert(Key key, V value, int charge) {
      if (charge > capacityBytes) {
        return;
      }
      lock.lock();
      try {
        if (map.containsKey(key)) {
          return;
        }
        Entry<V> e = new Entry<>(key, value, charge);
        map.put(key, e);
        ring.addLast(e);
        usedBytes += charge;
        while (usedBytes > capacityBytes && !ring.isEmpty()) {
          Entry<V> hand = ring.pollFirst();
          if (hand.referenced) {
            hand.referenced = false;
            ring.addLast(hand);
          } else {
            map.remove(hand.key, hand);
            usedBytes -= hand.charge;
          }
        }
      } finally {
        lock.unlock();
      }
    }

    void evictTables(java.util.Set<Long> tableIds) {
      lock.lock();
      try {
        ring.removeIf(e -> {
          if (tableIds.contains(e.key.tableId())) {
            map.remove(e.key, e);
            usedBytes -= e.charge;
            return true;
          }
          return false;
        });
      } finally {
        lock.unlock();
      }
    }
  }
}
