package io.cairn.engine;

import java.util.List;

/**
 * A point-in-time view of a store's shape and counters, in groups (after Pebble's {@code metrics.go}): a new counter
 * joins its group, so no caller's code changes when one is added. The flat accessors of earlier versions remain, as
 * deprecated delegates to the groups.
 *
 * @param levels per level: its sorted runs, tables, bytes and entries
 * @param tables all tables together, and space amplification
 * @param writes what users wrote, the log it took, and how long writes waited
 * @param flush memtables written to tables
 * @param compact merges and drops
 * @param filter bloom and prefix filters
 * @param blockCache this store's lookups in the block cache (which its environment may share with other stores)
 * @param memtable the memtables in memory
 * @param fifo what FIFO compaction dropped and kept
 * @param errors the error that stands, and counts of failures, retries and refused writes
 * @param space disk space: what the file system has left, what compactions hold, what was put off or dropped for it
 * @param environment the threads, block cache and open files of the store's environment
 * @param compression how much the live tables' blocks were compressed
 */
public record StoreStatistics(List<Level> levels, Tables tables, Writes writes, Flush flush, Compact compact,
    Filter filter, Cache blockCache, Memtable memtable, Fifo fifo, Errors errors, Space space,
    Environment environment, Compressed compression) {

  /** One level: its sorted runs, tables, bytes and entry counts (tombstones included). */
  public record Level(int level, int runs, int files, long bytes, long entries, long tombstones) {}

  /**
   * All tables.
   *
   * @param files tables in the store
   * @param bytes their size on disk
   * @param spaceAmplification bytes in all tables per byte in the largest level (1.0 = no overhead)
   */
  public record Tables(int files, long bytes, double spaceAmplification) {}

  /**
   * Writes.
   *
   * @param userBytes key and value bytes users wrote
   * @param walBytes bytes appended to the write-ahead log
   * @param walSyncs times the log was forced to the device (under {@link Durability#SYNC}: once per group commit,
   *     once per FIFO drop that kept entries, and once per log rotated with kept writes unforced in it)
   * @param writeAmplification bytes written by flush and compaction per byte of user data written
   * @param stallMicros time writers spent slowed or waiting for flush and compaction
   */
  public record Writes(long userBytes, long walBytes, long walSyncs, double writeAmplification, long stallMicros) {}

  /**
   * Flushes.
   *
   * @param count memtables written to tables
   * @param bytesWritten bytes of the tables they wrote
   */
  public record Flush(long count, long bytesWritten) {}

  /**
   * Compactions.
   *
   * @param count merges and drops installed
   * @param bytesRead bytes of the tables merges read
   * @param bytesWritten bytes of the tables merges wrote
   * @param filteredEntries entries the {@link CompactionFilter} dropped
   */
  public record Compact(long count, long bytesRead, long bytesWritten, long filteredEntries) {}

  /**
   * Filters.
   *
   * @param bloomChecks point lookups that asked a table's bloom filter
   * @param bloomUseful lookups a bloom filter answered "absent", saving a block read
   * @param bloomFalsePositives lookups a filter let through for a key the table did not hold
   * @param prefixChecks tables a {@link Store#scanPrefix} asked whether they may hold the prefix
   * @param prefixUseful of those, tables the filter answered "absent" for, so the scan did not open them
   * @param pinnedBytes heap bytes held by the bloom filters of open tables (each is read once, then kept)
   */
  public record Filter(long bloomChecks, long bloomUseful, long bloomFalsePositives, long prefixChecks,
      long prefixUseful, long pinnedBytes) {}

  /**
   * The block cache, as this store uses it.
   *
   * @param hits this store's lookups the cache answered
   * @param misses this store's lookups that read the file
   * @param hitRatio hits per lookup
   * @param usedBytes what the cached blocks take (of every store sharing the cache)
   * @param capacityBytes the cache's budget
   */
  public record Cache(long hits, long misses, double hitRatio, long usedBytes, long capacityBytes) {}

  /**
   * Memtables.
   *
   * @param bytes the size of the memtable taking writes
   * @param immutable memtables waiting for flush
   */
  public record Memtable(long bytes, int immutable) {}

  /**
   * FIFO compaction.
   *
   * @param droppedEntries entries (tombstones included) in tables FIFO compaction dropped whole, and in memtables a
   *     FIFO store gave up for space (see {@link Space#discardedMemtables})
   * @param keptEntries records the {@link FifoDropListener} kept that were rewritten before their table was dropped
   *     (its related records included; ops on keys written since the drop began are skipped and not counted)
   */
  public record Fifo(long droppedEntries, long keptEntries) {}

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
   * @param reservedBytes what running compactions hold of it for their outputs (in the store's environment)
   * @param headroomBytes what compactions leave free for writes ({@link Options#writeHeadroomBytes})
   * @param compactionsDeferred compactions put off because the disk could not spare their space
   * @param droppedForSpaceBytes bytes of tables a FIFO store dropped to make room after a write found the disk full
   * @param discardedMemtables memtables a FIFO store gave up, with their entries and their logs, when the disk had no
   *     room to write them as tables and no table was left to drop
   */
  public record Space(long usableBytes, long reservedBytes, long headroomBytes, long compactionsDeferred,
      long droppedForSpaceBytes, long discardedMemtables) {}

  /**
   * The store's environment (see {@link StoreEnvironment}).
   *
   * @param shared whether other stores may use it ({@link Options#environment}), or it is the store's own
   * @param flushThreads the size of the flush pool
   * @param compactionThreads the size of the compaction pool
   * @param liveThreads threads alive in the environment now (idle ones stop after a few seconds)
   * @param openTableFiles table files open now, across its stores
   * @param maxOpenTableFiles the bound on them ({@link Integer#MAX_VALUE}: none)
   * @param stores the stores using it
   */
  public record Environment(boolean shared, int flushThreads, int compactionThreads, int liveThreads,
      int openTableFiles, int maxOpenTableFiles, int stores) {}

  /**
   * Compression of the live tables.
   *
   * @param codec the codec new tables are written with ({@link Options#compression})
   * @param rawBlockBytes what the data and index blocks of the live tables hold
   * @param storedBlockBytes what those blocks take in the files
   * @param ratio raw per stored byte (1 when nothing is compressed)
   */
  public record Compressed(Compression codec, long rawBlockBytes, long storedBlockBytes, double ratio) {}

  /** @deprecated use {@link #writes()}{@code .userBytes()} */
  @Deprecated
  public long userBytesWritten() {
    return writes.userBytes();
  }

  /** @deprecated use {@link #writes()}{@code .walBytes()} */
  @Deprecated
  public long walBytesWritten() {
    return writes.walBytes();
  }

  /** @deprecated use {@link #flush()}{@code .bytesWritten()} */
  @Deprecated
  public long flushBytesWritten() {
    return flush.bytesWritten();
  }

  /** @deprecated use {@link #compact()}{@code .bytesRead()} */
  @Deprecated
  public long compactionBytesRead() {
    return compact.bytesRead();
  }

  /** @deprecated use {@link #compact()}{@code .bytesWritten()} */
  @Deprecated
  public long compactionBytesWritten() {
    return compact.bytesWritten();
  }

  /** @deprecated use {@link #writes()}{@code .writeAmplification()} */
  @Deprecated
  public double writeAmplification() {
    return writes.writeAmplification();
  }

  /** @deprecated use {@link #tables()}{@code .spaceAmplification()} */
  @Deprecated
  public double spaceAmplification() {
    return tables.spaceAmplification();
  }

  /** @deprecated use {@link #filter()}{@code .bloomChecks()} */
  @Deprecated
  public long bloomChecks() {
    return filter.bloomChecks();
  }

  /** @deprecated use {@link #filter()}{@code .bloomUseful()} */
  @Deprecated
  public long bloomUseful() {
    return filter.bloomUseful();
  }

  /** @deprecated use {@link #filter()}{@code .bloomFalsePositives()} */
  @Deprecated
  public long bloomFalsePositives() {
    return filter.bloomFalsePositives();
  }

  /** @deprecated use {@link #filter()}{@code .prefixChecks()} */
  @Deprecated
  public long prefixChecks() {
    return filter.prefixChecks();
  }

  /** @deprecated use {@link #filter()}{@code .prefixUseful()} */
  @Deprecated
  public long prefixUseful() {
    return filter.prefixUseful();
  }

  /** @deprecated use {@link #blockCache()}{@code .hits()} */
  @Deprecated
  public long blockCacheHits() {
    return blockCache.hits();
  }

  /** @deprecated use {@link #blockCache()}{@code .misses()} */
  @Deprecated
  public long blockCacheMisses() {
    return blockCache.misses();
  }

  /** @deprecated use {@link #blockCache()}{@code .hitRatio()} */
  @Deprecated
  public double blockCacheHitRatio() {
    return blockCache.hitRatio();
  }

  /** @deprecated use {@link #blockCache()}{@code .usedBytes()} */
  @Deprecated
  public long blockCacheUsedBytes() {
    return blockCache.usedBytes();
  }

  /** @deprecated use {@link #writes()}{@code .stallMicros()} */
  @Deprecated
  public long stallMicros() {
    return writes.stallMicros();
  }

  /** @deprecated use {@link #flush()}{@code .count()} */
  @Deprecated
  public long flushes() {
    return flush.count();
  }

  /** @deprecated use {@link #compact()}{@code .count()} */
  @Deprecated
  public long compactions() {
    return compact.count();
  }

  /** @deprecated use {@link #fifo()}{@code .droppedEntries()} */
  @Deprecated
  public long droppedEntries() {
    return fifo.droppedEntries();
  }

  /** @deprecated use {@link #compact()}{@code .filteredEntries()} */
  @Deprecated
  public long filteredEntries() {
    return compact.filteredEntries();
  }

  /** @deprecated use {@link #memtable()}{@code .bytes()} */
  @Deprecated
  public long memtableBytes() {
    return memtable.bytes();
  }

  /** @deprecated use {@link #tables()}{@code .bytes()} */
  @Deprecated
  public long tableBytes() {
    return tables.bytes();
  }

  /** @deprecated use {@link #filter()}{@code .pinnedBytes()} */
  @Deprecated
  public long pinnedFilterBytes() {
    return filter.pinnedBytes();
  }

  /** @deprecated use {@link #writes()}{@code .walSyncs()} */
  @Deprecated
  public long walSyncs() {
    return writes.walSyncs();
  }

  /** @deprecated use {@link #fifo()}{@code .keptEntries()} */
  @Deprecated
  public long fifoKeptEntries() {
    return fifo.keptEntries();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Level l : levels) {
      sb.append(String.format("L%d: %d runs, %d files, %d bytes, %d entries (%d tombstones)%n", l.level(), l.runs(),
          l.files(), l.bytes(), l.entries(), l.tombstones()));
    }
    sb.append(String.format("tables: %d files, %d bytes, space amp %.2f%n", tables.files(), tables.bytes(),
        tables.spaceAmplification()));
    sb.append(String.format("writes: user %d bytes, log %d bytes, %d log syncs, write amp %.2f, stall %d us%n",
        writes.userBytes(), writes.walBytes(), writes.walSyncs(), writes.writeAmplification(), writes.stallMicros()));
    sb.append(String.format("flush: %d, %d bytes; compact: %d, read %d written %d bytes, filtered %d%n",
        flush.count(), flush.bytesWritten(), compact.count(), compact.bytesRead(), compact.bytesWritten(),
        compact.filteredEntries()));
    sb.append(String.format("filter: bloom checks %d useful %d false positives %d; prefix checks %d useful %d;"
        + " pinned %d bytes%n", filter.bloomChecks(), filter.bloomUseful(), filter.bloomFalsePositives(),
        filter.prefixChecks(), filter.prefixUseful(), filter.pinnedBytes()));
    sb.append(String.format("block cache: hits %d misses %d (%.3f), %d of %d bytes%n", blockCache.hits(),
        blockCache.misses(), blockCache.hitRatio(), blockCache.usedBytes(), blockCache.capacityBytes()));
    sb.append(String.format("memtable: %d bytes, %d immutable; fifo: dropped %d kept %d%n", memtable.bytes(),
        memtable.immutable(), fifo.droppedEntries(), fifo.keptEntries()));
    sb.append(String.format("errors: %d, retries %d, recoveries %d, rejected writes %d, read errors %d, corruptions"
        + " %d, listener failures %d%s%n", errors.backgroundErrors(), errors.retries(), errors.recoveries(),
        errors.rejectedWrites(), errors.readErrors(), errors.corruptions(), errors.listenerFailures(),
        errors.current() == null ? "" : "; now: " + errors.current().describe()));
    sb.append(String.format("space: usable %d, reserved %d, headroom %d, compactions deferred %d, dropped for space"
        + " %d%n", space.usableBytes(), space.reservedBytes(), space.headroomBytes(), space.compactionsDeferred(),
        space.droppedForSpaceBytes()));
    sb.append(String.format("environment (%s): %d threads live of %d flush + %d compaction, open tables %d of %d,"
        + " %d stores", environment.shared() ? "shared" : "private", environment.liveThreads(),
        environment.flushThreads(), environment.compactionThreads(), environment.openTableFiles(),
        environment.maxOpenTableFiles(), environment.stores()));
    sb.append(String.format("%ncompression: %s, %d bytes of blocks stored in %d (%.2fx)", compression.codec(),
        compression.rawBlockBytes(), compression.storedBlockBytes(), compression.ratio()));
    return sb.toString();
  }
}
