package io.cairn.jcache;

import io.cairn.engine.StoreError;
import io.cairn.engine.StoreStatistics;
import java.nio.file.Path;

/**
 * What a cache's tiers hold and did, beyond what the JCache statistics count: a snapshot taken by
 * {@link CairnCache#tiers()}. Counters run from the cache's creation and are never reset (JCache's
 * {@code CacheStatisticsMXBean.clear()} does not touch them), whether or not JCache statistics are enabled.
 *
 * @param heap the heap tier
 * @param disk the disk tier (its fields are zero, and {@link Disk#enabled()} false, for a cache without one); of a
 *     remote cache, its near disk tier ({@code near-disk=true}), where the near copies its heap evicted are kept
 * @param timerExpiries entries the expiry timer found expired and removed (each fired an EXPIRED event to whoever
 *     listens), on either tier; entries found expired by an operation that touched them are not counted
 * @param near what a remote cache's near disk tier served ({@link Near#NONE} for a local cache, or one without it)
 */
public record TierStatistics(Heap heap, Disk disk, long timerExpiries, Near near) {

  /**
   * A remote cache's near disk tier.
   *
   * @param diskHits near copies served from the disk tier (each a read of Redis saved)
   * @param staleDiskCopies copies found there that could not be served (an invalidation of their key came, or they
   *     were older than {@code max-local-age-millis}) and were deleted; the key was read from Redis instead
   * @param deleteQueueOverflows invalidations that came while the tier's queue of deletes was full (65,536 keys):
   *     each made every copy then on disk a miss, rather than queue more
   */
  public record Near(long diskHits, long staleDiskCopies, long deleteQueueOverflows) {
    /** Nothing served: a local cache, or a remote one without a near disk tier. */
    public static final Near NONE = new Near(0, 0, 0);
  }

  /**
   * The heap tier.
   *
   * @param entries entries on the heap now
   * @param capacity the most entries it holds ({@code heap-entries})
   * @param evictions entries it evicted for size (moved to the disk tier, or lost when there is none)
   * @param spills of those, entries written to the disk tier as they left (an evicted entry whose disk copy was
   *     already current, as every entry of a persistent cache's is, is not written again and not counted)
   */
  public record Heap(long entries, long capacity, long evictions, long spills) {}

  /**
   * The disk tier: the cache's own engine store.
   *
   * @param enabled whether the cache has a disk tier (a remote cache, or one with {@code disk-bytes=0} that is not
   *     persistent, has none)
   * @param open whether its store is open now (a non-persistent cache opens it on the first spill)
   * @param persistent whether it survives restarts
   * @param directory the store's directory, or null while it is not open
   * @param budgetBytes the byte budget ({@code disk-bytes}) the FIFO policy keeps the tables within
   * @param bytes what the store's tables take on disk now
   * @param estimatedEntries the live records in the store's tables, estimated as RocksDB's
   *     {@code estimate-num-keys} is: the tables' records less twice their tombstones (each deletes one older record),
   *     so versions compaction has not merged yet count once each, and an entry with an expiry (or of a
   *     bidirectional cache) counts its index records too; what is still in the memtable is not counted
   * @param readHits point reads that found a live entry on disk (the heap missed)
   * @param readMisses point reads that found nothing on disk
   * @param fifoDrops entries the cache lost when FIFO dropped tables, for the byte budget or for space on a full disk:
   *     neither kept (read recently, or on the heap, up to the drop's keep cap), nor on the heap, nor written again
   *     since (each is also an eviction in the JCache statistics and goes to the loss listeners)
   * @param events what the store's background work reported (see {@link Events})
   * @param error the store's standing error (writes refused or slowed), or null when it is healthy or not open
   * @param engine the store's full statistics, or null while it is not open
   */
  public record Disk(boolean enabled, boolean open, boolean persistent, Path directory, long budgetBytes, long bytes,
      long estimatedEntries, long readHits, long readMisses, long fifoDrops, Events events, StoreError error,
      StoreStatistics engine) {}

  /**
   * The events a disk tier's store reported since the cache was created (the engine's {@code EventListener}).
   *
   * @param flushes memtables written to tables
   * @param compactions merges and FIFO drops that ended
   * @param tablesDropped tables FIFO compaction deleted whole
   * @param stalls times writes waited for a flush or a compaction
   * @param stallMicros how long they waited, in all
   * @param backgroundErrors failures that became the store's standing error, or replaced it
   * @param corruptions damaged data found
   * @param errorsCleared standing errors a retry cleared
   */
  public record Events(long flushes, long compactions, long tablesDropped, long stalls, long stallMicros,
      long backgroundErrors, long corruptions, long errorsCleared) {
    /** No events. */
    public static final Events NONE = new Events(0, 0, 0, 0, 0, 0, 0, 0);
  }
}
