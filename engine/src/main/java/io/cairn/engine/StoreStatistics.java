package io.cairn.engine;

import java.util.List;

/**
 * A point-in-time view of a store's shape and counters.
 *
 * @param writeAmplification bytes written by flush and compaction per byte of user data written
 * @param spaceAmplification bytes in all tables per byte in the largest level (1.0 = no overhead)
 * @param bloomUseful lookups a bloom filter answered "absent", saving a block read
 * @param bloomFalsePositives lookups a filter let through for a key the table did not hold
 * @param prefixChecks tables a {@link Store#scanPrefix} asked whether they may hold the prefix
 * @param prefixUseful of those, tables the filter answered "absent" for, so the scan did not open them
 * @param stallMicros time writers spent slowed or waiting for flush and compaction
 * @param droppedEntries entries (tombstones included) in tables FIFO compaction dropped whole
 * @param filteredEntries entries the {@link CompactionFilter} dropped
 * @param pinnedFilterBytes heap bytes held by the bloom filters of open tables (each is read once, then kept)
 * @param walSyncs times the write-ahead log was forced to the device (under {@link Durability#SYNC}: once per
 *     group commit, once per FIFO drop that kept entries, and once per log rotated with kept writes unforced in it)
 * @param fifoKeptEntries records the {@link FifoDropListener} kept that were rewritten before their table was dropped
 *     (its related records included; ops on keys written since the drop began are skipped and not counted)
 * @param errors the error that stands, and counts of failures, retries and refused writes
 * @param space disk space: what the file system has left, what compactions hold, what was put off or dropped for it
 * @param environment the threads, block cache and open files of the store's environment (shared with other stores,
 *     or private); {@code blockCacheUsedBytes} above is the environment's too, while the hits and misses are this
 *     store's own
 */
public record StoreStatistics(List<Level> levels, long userBytesWritten, long walBytesWritten, long flushBytesWritten,
    long compactionBytesRead, long compactionBytesWritten, double writeAmplification, double spaceAmplification,
    long bloomChecks, long bloomUseful, long bloomFalsePositives, long prefixChecks, long prefixUseful,
    long blockCacheHits, long blockCacheMisses,
    double blockCacheHitRatio, long blockCacheUsedBytes, long stallMicros, long flushes, long compactions,
    long droppedEntries, long filteredEntries, long memtableBytes, long tableBytes, long pinnedFilterBytes,
    long walSyncs, long fifoKeptEntries, Errors errors, Space space, Environment environment) {

  /**
   * Failures and what came of them.
   *
   * @param current the error that stops or slows the store now, or null when it is healthy
   * @param backgroundErrors failures reported (of writes, flushes, compactions, manifest writes, reads finding
   *     corruption), each retry that failed again included
   * @param retries retries of failed work (automatic and through {@link Store#resume()})
   * @param recoveries retries that succeeded and cleared an error
   * @param rejectedWrites writes refused at once while writes were stopped ({@link WritesStoppedException})
   * @param readErrors reads that failed with an I/O error (not counted as background errors; writes go on)
   * @param corruptions failures that found damaged data
   * @param listenerFailures calls of the {@link EventListener} that threw (the store went on)
   */
  public record Errors(StoreError current, long backgroundErrors, long retries, long recoveries, long rejectedWrites,
      long readErrors, long corruptions, long listenerFailures) {}

  /**
   * Disk space as the store sees it.
   *
   * @param usableBytes what the file system says may still be written ({@link Long#MAX_VALUE}: it cannot tell)
   * @param reservedBytes what running compactions hold of it for their outputs
   * @param headroomBytes what compactions leave free for writes ({@link Options#writeHeadroomBytes})
   * @param compactionsDeferred compactions put off because the disk could not spare their space
   * @param droppedForSpaceBytes bytes of tables a FIFO store dropped to make room after a write found the disk full
   */
  public record Space(long usableBytes, long reservedBytes, long headroomBytes, long compactionsDeferred,
      long droppedForSpaceBytes) {}

  /**
   * The store's environment (see {@link StoreEnvironment}).
   *
   * @param shared whether other stores may use it ({@link Options#environment}), or it is the store's own
   * @param flushThreads the size of the flush pool
   * @param compactionThreads the size of the compaction pool
   * @param liveThreads threads alive in the environment now (idle ones stop after a few seconds)
   * @param blockCacheCapacityBytes the block cache's budget
   * @param blockCacheUsedBytes what the blocks of all its stores take in it
   * @param openTableFiles table files open now, across its stores
   * @param maxOpenTableFiles the bound on them ({@link Integer#MAX_VALUE}: none)
   * @param stores the stores using it
   */
  public record Environment(boolean shared, int flushThreads, int compactionThreads, int liveThreads,
      long blockCacheCapacityBytes, long blockCacheUsedBytes, int openTableFiles, int maxOpenTableFiles, int stores) {}

  /** One level: its sorted runs, tables, bytes and entry counts (tombstones included). */
  public record Level(int level, int runs, int files, long bytes, long entries, long tombstones) {}

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Level l : levels) {
      sb.append(String.format("L%d: %d runs, %d files, %d bytes, %d entries (%d tombstones)%n", l.level(), l.runs(),
          l.files(), l.bytes(), l.entries(), l.tombstones()));
    }
    sb.append(String.format("user bytes %d, flush %d, compaction read %d written %d, write amp %.2f, space amp %.2f%n",
        userBytesWritten, flushBytesWritten, compactionBytesRead, compactionBytesWritten, writeAmplification,
        spaceAmplification));
    sb.append(String.format("bloom checks %d useful %d false positives %d; prefix checks %d useful %d; "
        + "block cache hits %d misses %d (%.3f)%n", bloomChecks, bloomUseful, bloomFalsePositives, prefixChecks,
        prefixUseful, blockCacheHits, blockCacheMisses, blockCacheHitRatio));
    sb.append(String.format("stall %d us, flushes %d, compactions %d, filtered %d, pinned filters %d bytes%n",
        stallMicros, flushes, compactions, filteredEntries, pinnedFilterBytes));
    sb.append(String.format("wal syncs %d, fifo dropped %d kept %d%n", walSyncs, droppedEntries, fifoKeptEntries));
    sb.append(String.format("errors %d, retries %d, recoveries %d, rejected writes %d, read errors %d, corruptions %d,"
        + " listener failures %d%s%n", errors.backgroundErrors(), errors.retries(), errors.recoveries(),
        errors.rejectedWrites(), errors.readErrors(), errors.corruptions(), errors.listenerFailures(),
        errors.current() == null ? "" : "; now: " + errors.current().describe()));
    sb.append(String.format("space: usable %d, reserved %d, headroom %d, compactions deferred %d, dropped for space %d%n",
        space.usableBytes(), space.reservedBytes(), space.headroomBytes(), space.compactionsDeferred(),
        space.droppedForSpaceBytes()));
    sb.append(String.format("environment (%s): threads %d live of %d flush + %d compaction, block cache %d of %d bytes,"
        + " open tables %d of %d, stores %d", environment.shared() ? "shared" : "private", environment.liveThreads(),
        environment.flushThreads(), environment.compactionThreads(), environment.blockCacheUsedBytes(),
        environment.blockCacheCapacityBytes(), environment.openTableFiles(), environment.maxOpenTableFiles(),
        environment.stores()));
    return sb.toString();
  }
}
