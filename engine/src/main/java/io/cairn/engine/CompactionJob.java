package io.cairn.engine;

import io.cairn.engine.compaction.Compaction;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.iterator.InternalIterator;
import io.cairn.engine.iterator.MergingIterator;
import io.cairn.engine.sstable.AccessBits;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.Version;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One merging compaction (LevelDB's {@code DoCompactionWork}): merges its inputs over a pinned version into new
 * tables cut at {@link Options#targetFileBytes}, keeping the newest version of each key and dropping expired
 * entries, entries the {@link CompactionFilter} refuses and tombstones, once no older table outside the compaction
 * can hold the key (until then an expired or refused entry becomes a tombstone, so it still shadows). Inputs are
 * read in large chunks outside the block cache; read marks are carried to the outputs ({@link CarriedReads}). On any
 * failure, or when the store closes meanwhile, every table the job wrote is deleted before the failure propagates.
 * The store installs the outputs.
 *
 * <p>Not thread-safe: one job, one thread.
 */
final class CompactionJob {
  /** Inputs are read in chunks of this size, outside the block cache. */
  static final int READAHEAD_BYTES = 256 * 1024;
  private static final int CLOSING_CHECK_ENTRIES = 1024;

  private final Compaction c;
  private final Version base;
  private final FileSystem fs;
  private final Path dir;
  private final Options options;
  private final TableCache tables;
  private final TableWriter.Numbers numbers;
  private final boolean trackReads;
  private final SpaceReservations.Reservation reservation;
  private final BooleanSupplier closing;
  private long bytesWritten;
  private long filteredEntries;

  /**
   * @param base the version the compaction was picked from, pinned by the caller for the job's length
   * @param trackReads carry read marks (the store tracks them: FIFO with a drop listener)
   * @param reservation the disk space held for the outputs, given back as they are written; null for none
   * @param closing true once the store is closing: the job then stops and deletes what it wrote
   */
  CompactionJob(Compaction c, Version base, FileSystem fs, Path dir, Options options, TableCache tables,
      TableWriter.Numbers numbers, boolean trackReads, SpaceReservations.Reservation reservation,
      BooleanSupplier closing) {
    this.c = c;
    this.base = base;
    this.fs = fs;
    this.dir = dir;
    this.options = options;
    this.tables = tables;
    this.numbers = numbers;
    this.trackReads = trackReads;
    this.reservation = reservation;
    this.closing = closing;
  }

  /** Merges the inputs; returns the tables written, for {@link Compaction#outputLevel()}. */
  List<FileMeta> run() throws IOException {
    Set<Long> inputNumbers = new HashSet<>();
    List<InternalIterator> sources = new ArrayList<>();
    List<AccessBits> inputReads = new ArrayList<>();
    for (Compaction.Input in : c.inputs()) {
      inputNumbers.add(in.file().fileNumber());
      TableReader t = tables.get(in.file());
      sources.add(t.compactionIterator(READAHEAD_BYTES));
      if (trackReads) {
        inputReads.add(t.accessBits());
      }
    }
    CarriedReads carried = new CarriedReads(inputReads);
    int minLevel = c.minInputLevel();
    long now = options.clock().getAsLong();
    CompactionFilter filter = options.compactionFilter();
    TableWriter out = new TableWriter(fs, dir, options, options.targetFileBytes(), numbers, o -> {
      if (reservation != null) {
        reservation.written(o.fileBytes());
      }
      if (carried.any()) {
        carried.moveTo(tables.get(o.number()).accessBits());
      }
    });
    List<TableWriter.Output> outputs;
    long filtered = 0;
    try (MergingIterator it = new MergingIterator(sources)) {
      byte[] prevUser = null;
      int sinceCheck = 0;
      for (it.seekToFirst(); it.valid(); it.next()) {
        if (++sinceCheck == CLOSING_CHECK_ENTRIES) {
          sinceCheck = 0;
          if (closing.getAsBoolean()) {
            throw new ClosingException();
          }
        }
        byte[] k = it.key();
        if (prevUser != null && InternalKey.compareUserKey(k, prevUser) == 0) {
          continue;
        }
        prevUser = InternalKey.userKey(k);
        byte type = InternalKey.type(k);
        byte[] value = it.value();
        boolean dead = type == InternalKey.TYPE_DELETION
            || (type == InternalKey.TYPE_EXPIRING_VALUE && Bytes.getLong(value, 0) <= now);
        boolean refused = !dead && filter != null && !filter.keep(prevUser);
        filtered += refused ? 1 : 0;
        boolean gone = dead || refused;
        if (gone) {
          if (!olderDataMayExist(minLevel, inputNumbers, prevUser)) {
            continue;
          }
          if (type != InternalKey.TYPE_DELETION) {
            k = InternalKey.encode(prevUser, InternalKey.sequence(k), InternalKey.TYPE_DELETION);
            value = new byte[0];
          }
        }
        out.add(k, value);
        if (!gone) {
          carried.note(prevUser);
        }
      }
      outputs = out.finish();
    } catch (IOException | RuntimeException e) {
      for (long n : out.abandon()) {
        tables.evict(n);
      }
      throw e;
    }
    long runId = c.outputRunId();
    if (runId == Compaction.NEW_RUN && !outputs.isEmpty()) {
      runId = outputs.get(0).number();
    }
    List<FileMeta> metas = new ArrayList<>(outputs.size());
    for (TableWriter.Output o : outputs) {
      metas.add(o.meta(runId));
    }
    bytesWritten = out.bytesWritten();
    filteredEntries = filtered;
    return metas;
  }

  /** Bytes of the tables the job wrote. */
  long bytesWritten() {
    return bytesWritten;
  }

  /** Entries the compaction filter refused. */
  long filteredEntries() {
    return filteredEntries;
  }

  /** Whether a table outside the compaction, at or below its top input level, may hold an older {@code userKey}. */
  private boolean olderDataMayExist(int minLevel, Set<Long> inputs, byte[] userKey) {
    for (int level = minLevel; level < base.levelCount(); level++) {
      for (Run run : base.runs(level)) {
        FileMeta f = run.find(userKey);
        if (f != null && !inputs.contains(f.fileNumber())) {
          return true;
        }
      }
    }
    return false;
  }
}
