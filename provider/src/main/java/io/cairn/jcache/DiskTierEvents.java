package io.cairn.jcache;

import io.cairn.engine.EventListener;
import io.cairn.engine.StoreError;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The engine event listener of one disk tier: logs what its store does in the background through
 * {@link System.Logger} ({@code io.cairn.jcache.DiskTier}), naming the cache, and counts it for
 * {@link TierStatistics.Events}.
 *
 * <table>
 *   <caption>Log levels</caption>
 *   <tr><td>flush and compaction begin/end, tables dropped for the budget or as expired</td><td>DEBUG</td></tr>
 *   <tr><td>write stall begin, and its end after less than a second; an error a retry cleared</td><td>INFO</td></tr>
 *   <tr><td>a stall that lasted a second or more; a flush or compaction that failed; a table dropped because the
 *   disk was full; a background error writes go on through (soft)</td><td>WARNING</td></tr>
 *   <tr><td>a background error that stops writes (hard or fatal); corruption found</td><td>ERROR</td></tr>
 * </table>
 *
 * <p>Thread-safety: the engine delivers one store's events one at a time on a background thread, so each counter has
 * one writer; they are volatile so any thread reads them.
 */
final class DiskTierEvents implements EventListener {
  private static final System.Logger LOG = System.getLogger(DiskTier.class.getName());
  private static final Duration LONG_STALL = Duration.ofSeconds(1);

  private final String cacheName;
  private volatile long flushes;
  private volatile long compactions;
  private volatile long tablesDropped;
  private volatile long stalls;
  private volatile long stallMicros;
  private volatile long backgroundErrors;
  private volatile long corruptions;
  private volatile long errorsCleared;

  DiskTierEvents(String cacheName) {
    this.cacheName = cacheName;
  }

  TierStatistics.Events snapshot() {
    return new TierStatistics.Events(flushes, compactions, tablesDropped, stalls, stallMicros, backgroundErrors,
        corruptions, errorsCleared);
  }

  @Override
  public void onFlushBegin(FlushInfo info) {
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "cache " + cacheName + ": flush " + info.jobId() + " begins (" + info.memtableBytes()
          + " bytes of memtable) in " + info.directory());
    }
  }

  @Override
  public void onFlushEnd(FlushInfo info) {
    if (info.error() != null) {
      LOG.log(Level.WARNING, "cache " + cacheName + ": flush " + info.jobId() + " failed after "
          + info.duration().toMillis() + " ms in " + info.directory() + ": " + info.error());
      return;
    }
    flushes++;
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "cache " + cacheName + ": flush " + info.jobId() + " wrote " + describe(info.output())
          + " in " + info.duration().toMillis() + " ms");
    }
  }

  @Override
  public void onCompactionBegin(CompactionInfo info) {
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "cache " + cacheName + ": " + (info.dropOnly() ? "FIFO drop " : "compaction ")
          + info.jobId() + " begins (" + info.reason() + ") on " + describe(info.input()));
    }
  }

  @Override
  public void onCompactionEnd(CompactionInfo info) {
    if (info.error() != null) {
      LOG.log(Level.WARNING, "cache " + cacheName + ": " + (info.dropOnly() ? "FIFO drop " : "compaction ")
          + info.jobId() + " (" + info.reason() + ") failed after " + info.duration().toMillis() + " ms in "
          + info.directory() + ": " + info.error());
      return;
    }
    compactions++;
    if (LOG.isLoggable(Level.DEBUG)) {
      LOG.log(Level.DEBUG, "cache " + cacheName + ": " + (info.dropOnly() ? "FIFO drop " : "compaction ")
          + info.jobId() + " (" + info.reason() + ") ended in " + info.duration().toMillis() + " ms: "
          + describe(info.input()) + " in, " + describe(info.output()) + " out at level " + info.outputLevel());
    }
  }

  @Override
  public void onWriteStallBegin(WriteStallInfo info) {
    stalls++;
    LOG.log(Level.INFO, "cache " + cacheName + ": writes wait (" + info.reason() + ") in " + info.directory());
  }

  @Override
  public void onWriteStallEnd(WriteStallInfo info) {
    Duration d = info.duration();
    stallMicros += d.toNanos() / 1000;
    Level level = d.compareTo(LONG_STALL) >= 0 ? Level.WARNING : Level.INFO;
    LOG.log(level, "cache " + cacheName + ": writes waited " + d.toMillis() + " ms (" + info.reason() + ") in "
        + info.directory());
  }

  @Override
  public void onBackgroundError(StoreError error) {
    backgroundErrors++;
    Level level = error.stopsWrites() ? Level.ERROR : Level.WARNING;
    LOG.log(level, "cache " + cacheName + ": disk tier in " + error.directory() + ": " + error.describe());
  }

  @Override
  public void onCorruption(CorruptionInfo info) {
    corruptions++;
    LOG.log(Level.ERROR, "cache " + cacheName + ": damaged data in " + info.file() + " at offset " + info.offset()
        + ", found while " + info.operation().name().toLowerCase(java.util.Locale.ROOT) + ": "
        + info.exception().getMessage());
  }

  @Override
  public void onErrorCleared(ErrorClearedInfo info) {
    errorsCleared++;
    LOG.log(Level.INFO, "cache " + cacheName + ": disk tier in " + info.directory() + " recovered after "
        + info.retries() + (info.retries() == 1 ? " retry" : " retries") + " and " + info.duration().toMillis()
        + " ms from " + info.error().describe());
  }

  @Override
  public void onTableDropped(TableDroppedInfo info) {
    tablesDropped++;
    Level level = info.reason() == DropReason.NO_SPACE ? Level.WARNING : Level.DEBUG;
    if (LOG.isLoggable(level)) {
      LOG.log(level, "cache " + cacheName + ": FIFO dropped table " + info.table().fileNumber() + " ("
          + info.table().fileBytes() + " bytes, " + info.table().entries() + " entries) from " + info.directory()
          + ": " + switch (info.reason()) {
            case BUDGET -> "past the disk budget";
            case EXPIRED -> "every entry had expired";
            case NO_SPACE -> "the disk was full";
          });
    }
  }

  private static String describe(java.util.List<TableInfo> tables) {
    long bytes = 0;
    long entries = 0;
    for (TableInfo t : tables) {
      bytes += t.fileBytes();
      entries += t.entries();
    }
    return tables.size() + (tables.size() == 1 ? " table" : " tables") + " (" + bytes + " bytes, " + entries
        + " entries)";
  }
}
