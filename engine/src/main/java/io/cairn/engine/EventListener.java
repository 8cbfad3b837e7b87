package io.cairn.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Hears what a store does in the background (after Pebble's {@code EventListener} and RocksDB's
 * {@code EventListener}): flushes and compactions as they begin and end, write stalls, background errors, damaged
 * data found, errors cleared by a retry, and tables a FIFO store drops. Set with {@link Options#eventListener}; every
 * method has an empty default, so a listener overrides what it wants and new events break no listener.
 *
 * <h2>Threading</h2>
 * Events are delivered on a background thread: the store's event thread, or in a shared
 * {@link StoreEnvironment} its housekeeping thread, never on the thread of a user's call and never with the store's mutex held: the store
 * decides under its lock what happened, queues the event, and the background thread delivers it. Events of one store
 * arrive one at a time and in the order they happened; a flush or compaction has ended when its end event arrives,
 * though the store may have gone on meanwhile. {@link Store#close()} returns after every event it queued was
 * delivered.
 *
 * <p>A listener may read the store and call its statistics. It should return quickly (the store's later events wait
 * for it) and must not close the store or wait for a flush or compaction. What it throws is caught: the store goes
 * on, the first failure is logged with its stack trace, and every failure is counted
 * ({@link StoreStatistics.Errors#listenerFailures()}).
 */
public interface EventListener {
  /** Hears nothing. */
  EventListener NONE = new EventListener() {};

  /** A memtable starts being written to a table. */
  default void onFlushBegin(FlushInfo info) {}

  /** A flush ended: its table is installed, or it failed ({@link FlushInfo#error()}). */
  default void onFlushEnd(FlushInfo info) {}

  /** A compaction (a merge, or a FIFO drop) starts. */
  default void onCompactionBegin(CompactionInfo info) {}

  /** A compaction ended: its tables are installed (and its inputs gone), or it failed. */
  default void onCompactionEnd(CompactionInfo info) {}

  /** Writes began waiting for a flush or a compaction (not the millisecond slowdowns before that). */
  default void onWriteStallBegin(WriteStallInfo info) {}

  /** Writes stopped waiting; {@link WriteStallInfo#duration()} says for how long. */
  default void onWriteStallEnd(WriteStallInfo info) {}

  /** A failure became the store's standing error, or replaced a less severe one (see {@link StoreError}). */
  default void onBackgroundError(StoreError error) {}

  /** Damaged data was found, by a read or by background work. */
  default void onCorruption(CorruptionInfo info) {}

  /** A retry succeeded and cleared the standing error: writes and background work go on. */
  default void onErrorCleared(ErrorClearedInfo info) {}

  /** A FIFO store deleted one of its tables whole (past its budget, all expired, or to make room on a full disk). */
  default void onTableDropped(TableDroppedInfo info) {}

  /** A table: its file number, level, size and entries (tombstones included). */
  record TableInfo(long fileNumber, int level, long fileBytes, long entries) {}

  /**
   * One flush.
   *
   * @param jobId the same in a flush's begin and end events; unique within the store while it is open
   * @param memtableBytes the memtable's size in memory
   * @param output the table written: empty in the begin event, and when the flush failed
   * @param duration how long the flush took: zero in the begin event
   * @param error why the flush failed, or null
   */
  record FlushInfo(Path directory, int jobId, long memtableBytes, List<TableInfo> output, Duration duration,
      Throwable error) {}

  /**
   * One compaction.
   *
   * @param jobId the same in a compaction's begin and end events; unique within the store while it is open
   * @param reason why the compaction policy chose this work (for example "fifo: budget 1073741824 bytes", "level 0
   *     has 4 runs", "manual full compaction")
   * @param dropOnly true for a FIFO drop, which deletes its inputs and writes nothing (but what a drop listener kept)
   * @param input the tables merged or dropped
   * @param outputLevel where the merged tables go
   * @param output the tables written: empty in the begin event, for a drop, and when the compaction failed
   * @param duration how long it took: zero in the begin event
   * @param error why it failed, or null
   */
  record CompactionInfo(Path directory, int jobId, String reason, boolean dropOnly, List<TableInfo> input,
      int outputLevel, List<TableInfo> output, Duration duration, Throwable error) {}

  /**
   * A write stall.
   *
   * @param reason what writes wait for: memtables waiting for flush, or level-0 runs waiting for compaction
   * @param duration how long writes waited: zero in the begin event
   */
  record WriteStallInfo(Path directory, String reason, Duration duration) {}

  /**
   * Damaged data.
   *
   * @param file the damaged file
   * @param offset where in it the bad bytes are
   * @param operation what found it ({@link StoreError.Operation#READ} for a user's read)
   * @param exception the failure, whose message says what check failed
   */
  record CorruptionInfo(Path directory, Path file, long offset, StoreError.Operation operation,
      CorruptionException exception) {}

  /**
   * An error a retry cleared.
   *
   * @param error the error that stood
   * @param retries how many retries it took (the one that succeeded included)
   * @param duration how long the error stood
   */
  record ErrorClearedInfo(Path directory, StoreError error, int retries, Duration duration) {}

  /** Why a FIFO store dropped a table. */
  enum DropReason {
    /** The tables held more than the budget ({@link Options#fifoMaxBytes}), or than the disk holds. */
    BUDGET,
    /** Every entry of the table had expired. */
    EXPIRED,
    /** A write found the disk full, and the oldest tables were dropped to make room. */
    NO_SPACE
  }

  /**
   * A table a FIFO store dropped.
   *
   * @param table the table, gone from the store
   * @param reason why it was dropped
   */
  record TableDroppedInfo(Path directory, TableInfo table, DropReason reason) {}
}
