package io.cairn.engine;

import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.iterator.InternalIterator;
import io.cairn.engine.sstable.TableProperties;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a FIFO drop by budget does before its tables go: offers each live entry of the dropped runs to the store's
 * {@link FifoDropListener} and commits what the listener keeps, in batches, through the store's writer queue.
 *
 * <p>An entry is offered when it is not a tombstone, has not expired, and no source newer than its run (memtable or
 * run, dropped or not) holds its key at the drop's snapshot. Runs are visited oldest first, each key once per run, so
 * a key in two dropped runs is offered once, from the newer.
 *
 * <p>The keep cap: a drop rewrites at most {@code 1 / KEPT_SHARE} of the key and value bytes its tables hold (their
 * properties' raw key and value bytes, tombstones and shadowed versions included, since they are freed too). The cap
 * is known before the first entry is offered, and once what was kept passes it the remaining entries are dropped
 * without being offered. So each drop frees at least half its bytes (less the last entry kept), a listener that keeps everything cannot hold the store over
 * its budget or rewrite it forever, and what a listener keeps survives wherever it sits in the key range: the keys a
 * cache has in use may all sort first, and all fit under the cap when they are under half of the tables. Entries past
 * the cap go to {@link FifoDropListener#onDiscard}, by the same rules as offers, so the listener hears of every live
 * entry the drop deletes; a drop for space ({@code discardAll}) has no cap to keep under and discards every one.
 *
 * <p>Not thread-safe: one drop runs on one thread, under the store's compaction lock.
 */
final class FifoDrop {
  /** Kept bytes are at most this fraction's inverse of the dropped tables' bytes. */
  static final int KEPT_SHARE = 2;
  /** How often (in entries read) the drop checks whether the store is closing. */
  private static final int CLOSING_CHECK_ENTRIES = 1024;

  /** What a drop needs of its store. */
  interface Env {
    /** The reader of a table of the drop's snapshot. */
    TableReader table(FileMeta f);

    /**
     * Whether a memtable or one of the {@code newerRuns} newest level-0 runs of the drop's snapshot holds a version of
     * {@code userKey} (whose {@link BloomFilter#hash} is {@code hash}) visible at the snapshot.
     */
    boolean shadowed(byte[] userKey, long hash, int newerRuns);

    /** Commits {@code kept} as one batch, without the ops on keys written since the drop's snapshot. */
    void commit(WriteBatch kept);

    /** Throws to abandon the drop when the store is closing. */
    void checkNotClosing();
  }

  private final Env env;
  private final FifoDropListener listener;
  private final long nowMillis;
  private final int batchBytes;
  private final int readaheadBytes;
  /** Whether nothing may be kept: every live entry is discarded (a drop for space). */
  private final boolean discardAll;
  /** The key and value bytes the drop may keep; set by {@link #run} from the dropped tables' properties. */
  private long capBytes;
  private long committedBytes;
  private WriteBatch batch = new WriteBatch();

  /**
   * @param nowMillis the store's clock at the drop: entries expiring at or before it are not offered
   * @param batchBytes the encoded size past which what the listener kept is committed (between two entries)
   * @param readaheadBytes the chunk size for reading the dropped tables
   * @param discardAll whether to keep nothing, offering no entry and discarding every live one
   */
  FifoDrop(Env env, FifoDropListener listener, long nowMillis, int batchBytes, int readaheadBytes,
      boolean discardAll) {
    this.env = env;
    this.discardAll = discardAll;
    this.listener = listener;
    this.nowMillis = nowMillis;
    this.batchBytes = batchBytes;
    this.readaheadBytes = readaheadBytes;
  }

  /**
   * Offers the live entries of the runs of {@code runs} (level 0 of the drop's snapshot, newest first) whose ids are
   * in {@code dropped}, and commits what the listener keeps.
   */
  void run(List<Run> runs, Set<Long> dropped) {
    long held = 0;
    for (Run run : runs) {
      if (dropped.contains(run.runId())) {
        for (FileMeta f : run.files()) {
          TableProperties p = env.table(f).properties();
          held += p.rawKeyBytes() - p.entries() * InternalKey.TRAILER_BYTES + p.rawValueBytes();
        }
      }
    }
    capBytes = held / KEPT_SHARE;
    for (int i = runs.size() - 1; i >= 0; i--) {
      Run run = runs.get(i);
      if (dropped.contains(run.runId())) {
        for (FileMeta f : run.files()) {
          offerTable(env.table(f), i);
        }
      }
    }
    commitBatch();
  }

  private void offerTable(TableReader table, int newerRuns) {
    int sinceCheck = 0;
    try (InternalIterator it = table.compactionIterator(readaheadBytes)) {
      for (it.seekToFirst(); it.valid(); it.next()) {
        if (++sinceCheck == CLOSING_CHECK_ENTRIES) {
          sinceCheck = 0;
          env.checkNotClosing();
        }
        byte[] k = it.key();
        byte[] stored = it.value();
        byte type = InternalKey.type(k);
        if (type == InternalKey.TYPE_DELETION) {
          continue;
        }
        long expireAt = Entry.NO_EXPIRY;
        if (type == InternalKey.TYPE_EXPIRING_VALUE) {
          expireAt = Bytes.getLong(stored, 0);
          if (expireAt <= nowMillis) {
            continue;
          }
        }
        byte[] user = InternalKey.userKey(k);
        long hash = BloomFilter.hash(user, 0, user.length);
        if (env.shadowed(user, hash, newerRuns)) {
          continue;
        }
        if (discardAll || committedBytes + batch.userBytes() > capBytes) {
          discard(user, table);
          continue;
        }
        byte[] value = type == InternalKey.TYPE_EXPIRING_VALUE ? Arrays.copyOfRange(stored, 8, stored.length) : stored;
        offer(new Entry(user, value, expireAt), table.accessBits().wasRead(hash), table);
        if (batch.encodedBytes() >= batchBytes) {
          commitBatch();
        }
      }
    }
  }

  private void offer(Entry e, boolean recentlyRead, TableReader table) {
    try {
      listener.onDrop(e, recentlyRead, batch);
    } catch (RuntimeException x) {
      throw new StoreException("the FIFO drop listener failed on key " + Bytes.toDisplay(e.key()) + " of table "
          + table.path() + " (the table was not dropped): " + x, x);
    }
  }

  private void discard(byte[] key, TableReader table) {
    try {
      listener.onDiscard(key);
    } catch (RuntimeException x) {
      throw new StoreException("the FIFO drop listener failed on discarded key " + Bytes.toDisplay(key)
          + " of table " + table.path() + " (the table was not dropped): " + x, x);
    }
  }

  private void commitBatch() {
    if (!batch.isEmpty()) {
      committedBytes += batch.userBytes();
      env.commit(batch);
      batch = new WriteBatch();
    }
  }
}
