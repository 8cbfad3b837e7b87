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
 */
public record StoreStatistics(List<Level> levels, long userBytesWritten, long walBytesWritten, long flushBytesWritten,
    long compactionBytesRead, long compactionBytesWritten, double writeAmplification, double spaceAmplification,
    long bloomChecks, long bloomUseful, long bloomFalsePositives, long prefixChecks, long prefixUseful,
    long blockCacheHits, long blockCacheMisses,
    double blockCacheHitRatio, long blockCacheUsedBytes, long stallMicros, long flushes, long compactions,
    long droppedEntries, long filteredEntries, long memtableBytes, long tableBytes, long pinnedFilterBytes,
    long walSyncs, long fifoKeptEntries) {

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
    sb.append(String.format("wal syncs %d, fifo dropped %d kept %d", walSyncs, droppedEntries, fifoKeptEntries));
    return sb.toString();
  }
}
