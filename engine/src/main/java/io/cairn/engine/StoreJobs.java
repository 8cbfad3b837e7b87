package io.cairn.engine;

import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.compaction.Compaction;
import io.cairn.engine.compaction.CompactionPolicy;
import io.cairn.engine.compaction.FifoPolicy;
import io.cairn.engine.compaction.LeveledPolicy;
import io.cairn.engine.compaction.NoCompactionPolicy;
import io.cairn.engine.compaction.TieredPolicy;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.iterator.InternalIterator;
import io.cairn.engine.iterator.MergingIterator;
import io.cairn.engine.iterator.RunIterator;
import io.cairn.engine.memtable.MemTable;
import io.cairn.engine.sstable.AccessBits;
import io.cairn.engine.sstable.Lookup;
import io.cairn.engine.sstable.ReadCounters;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.FileNames;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.Version;
import io.cairn.engine.version.VersionEdit;
import io.cairn.engine.version.VersionSet;
import io.cairn.engine.wal.LogWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A store's background jobs, on the environment's lanes and under the store's mutex as each method says: flushes of
 * memtables to level-0 tables, compactions (FIFO drops and what their listener keeps included) and sweeps of obsolete
 * files. The state they work on and the retry after an error are {@link StoreState}'s; {@link Store} schedules them.
 */
abstract class StoreJobs extends StoreState {
  private static final System.Logger LOG = System.getLogger("io.cairn.engine.Store");

  StoreJobs(Path dir, Options options, Closeable dirLock) {
    super(dir, options, dirLock);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Flush

  /** Writes the memtable to a table and waits until it (and every memtable before it) is on disk. */
  public void flush() {
    mutex.lock();
    try {
      checkOpen();
      errors.checkWritable();
      try {
        commits.barrier(() -> {
          if (!mem.isEmpty()) {
            rotateMemtable();
          }
        });
      } catch (IOException e) {
        StoreError se = reportError(StoreError.Operation.WAL_WRITE, e);
        throw new StoreException("cannot start a new log in " + dir + " (" + e.getMessage() + "); "
            + errors.consequence(se), e);
      }
      awaitFlushes();
    } finally {
      mutex.unlock();
    }
  }

  /** With the mutex held: waits until no memtable waits for flush; throws if writes stop meanwhile. */
  void awaitFlushes() {
    assert mutex.isHeldByCurrentThread();
    while (!imms.isEmpty()) {
      errors.checkWritable();
      maybeScheduleFlush();
      backgroundDone.awaitUninterruptibly();
    }
  }

  /** With the mutex held: schedules a flush unless one is scheduled or writes are stopped (a retry flushes then). */
  @Override
  void maybeScheduleFlush() {
    assert mutex.isHeldByCurrentThread();
    if (!flushScheduled && !imms.isEmpty() && !errors.writesStopped()) {
      flushScheduled = true;
      work.submit(env.flushLane(), this::backgroundFlush);
    }
  }

  void backgroundFlush() {
    flushRun.lock();
    try {
      mutex.lock();
      try {
        flushScheduled = false;
        if (errors.writesStopped()) {
          return;
        }
      } finally {
        mutex.unlock();
      }
      if (flushOldestImmutable()) {
        mutex.lock();
        try {
          maybeScheduleCompaction();
          maybeScheduleFlush();
        } finally {
          mutex.unlock();
        }
      }
    } catch (IOException | RuntimeException e) {
      mutex.lock();
      try {
        reportError(e instanceof ManifestFailure ? StoreError.Operation.MANIFEST_WRITE : StoreError.Operation.FLUSH,
            e);
      } finally {
        mutex.unlock();
      }
    } finally {
      mutex.lock();
      try {
        backgroundDone.signalAll();
      } finally {
        mutex.unlock();
      }
      flushRun.unlock();
    }
  }

  /**
   * With {@code flushRun} held and the mutex not: writes the oldest immutable memtable to a level-0 table and installs
   * it; false if no memtable waits. On failure the memtable stays, to be flushed by a retry, and the table is gone
   * (or, if only the manifest write failed, in doubt until the manifest is rewritten).
   */
  @Override
  boolean flushOldestImmutable() throws IOException {
    assert flushRun.isHeldByCurrentThread() && !mutex.isHeldByCurrentThread();
    MemTable imm = oldestImmutable();
    if (imm == null) {
      return false;
    }
    int job = jobIds.incrementAndGet();
    long start = System.nanoTime();
    events.flushBegin(job, imm.approximateBytes());
    TableWriter.Output out = null;
    try {
      out = writeLevel0Table(imm);
      mutex.lock();
      try {
        VersionEdit edit = new VersionEdit();
        Recovery.addLevel0Table(edit, out);
        edit.setLogNumber(logNumberAfterOldestImmutable());
        install(edit);
        imms.pollLast();
        flushes.incrementAndGet();
        publishState();
        scheduleSweep();
      } finally {
        mutex.unlock();
      }
    } catch (IOException | RuntimeException e) {
      events.flushEnd(job, imm.approximateBytes(), List.of(), start, e);
      throw e;
    }
    events.flushEnd(job, imm.approximateBytes(), out == null ? List.of()
        : List.of(new EventListener.TableInfo(out.number(), 0, out.fileBytes(), out.properties().entries())), start,
        null);
    return true;
  }

  /**
   * With {@code flushRun} held and the mutex not, in a FIFO store whose disk had no room for the oldest immutable
   * memtable as a table and no table left to drop: gives that memtable up, with its log, so writes can go on (a cache
   * makes room by losing entries rather than stop). The drop listener hears the keys of its live entries (the newest
   * version of the key in it, not a tombstone, not expired, and no newer memtable holding the key) through
   * {@link FifoDropListener#onMemtableDiscarded} once the memtable has left the store. False if no memtable waits.
   */
  @Override
  boolean discardOldestImmutable() throws IOException {
    assert flushRun.isHeldByCurrentThread() && !mutex.isHeldByCurrentThread();
    MemTable imm;
    List<MemTable> newer = new ArrayList<>();
    mutex.lock();
    try {
      imm = imms.peekLast();
      if (imm == null) {
        return false;
      }
      for (MemTable m : imms) {
        if (m != imm) {
          newer.add(m);
        }
      }
      newer.add(mem);
    } finally {
      mutex.unlock();
    }
    long now = options.clock().getAsLong();
    List<byte[]> live = new ArrayList<>();
    long[] entries = {0};
    long given;
    eachNewestVersion(imm, (k, value) -> {
      entries[0]++;
      byte type = InternalKey.type(k);
      if (type == InternalKey.TYPE_DELETION
          || type == InternalKey.TYPE_EXPIRING_VALUE && Bytes.getLong(value, 0) <= now) {
        return;
      }
      byte[] user = InternalKey.userKey(k);
      for (MemTable m : newer) {
        if (m.get(user, InternalKey.MAX_SEQUENCE) != null) {
          return;
        }
      }
      live.add(user);
    });
    mutex.lock();
    try {
      VersionEdit edit = new VersionEdit();
      edit.setLogNumber(logNumberAfterOldestImmutable());
      install(edit);
      imms.pollLast();
      given = discardedMemtables.incrementAndGet();
      droppedEntries.addAndGet(entries[0]);
      publishState();
      scheduleSweep();
      backgroundDone.signalAll();
    } finally {
      mutex.unlock();
    }
    // Said once; after that the count is in statistics().space().discardedMemtables(), so a full disk does not
    // flood the log.
    LOG.log(given == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "store " + dir + ": no disk space"
        + " to write a memtable of " + imm.approximateBytes() + " bytes and no table left to drop; gave it up ("
        + live.size() + " live entries lost) so writes can go on (memtables given up so far: " + given + ")");
    if (dropListener != null && !live.isEmpty()) {
      try {
        dropListener.onMemtableDiscarded(live);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "store " + dir + ": the FIFO drop listener failed on a discarded"
            + " memtable: " + e, e);
      }
    }
    return true;
  }

  /** What {@link #eachNewestVersion} hands each record to. */
  @FunctionalInterface
  interface RecordVisitor {
    void visit(byte[] internalKey, byte[] value) throws IOException;
  }

  /** Visits the newest version of each key in {@code m}, in key order (what a flush writes). */
  static void eachNewestVersion(MemTable m, RecordVisitor visitor) throws IOException {
    byte[] prev = null;
    try (InternalIterator it = m.iterator()) {
      for (it.seekToFirst(); it.valid(); it.next()) {
        byte[] k = it.key();
        if (prev != null && InternalKey.sameUserKey(prev, k)) {
          continue;
        }
        prev = k;
        visitor.visit(k, it.value());
      }
    }
  }

  /**
   * Writes a memtable to a new level-0 table (a run of its own); null if it holds nothing. Keeps only the newest
   * version of each key: a reader that still needs an older one holds the memtable itself. The flush thread calls it
   * without the mutex; recovery calls it with the mutex held (file numbers are allocated either way). On failure the
   * table is deleted.
   */
  TableWriter.Output writeLevel0Table(MemTable m) throws IOException {
    TableWriter w = new TableWriter(fs, dir, options, Long.MAX_VALUE, outputNumbers, out -> { });
    try {
      eachNewestVersion(m, w::add);
      List<TableWriter.Output> outs = w.finish();
      flushBytes.addAndGet(w.bytesWritten());
      return outs.isEmpty() ? null : outs.get(0);
    } catch (IOException | RuntimeException e) {
      w.abandon();
      throw e;
    }
  }

  @Override
  long allocateOutput() {
    boolean locked = mutex.isHeldByCurrentThread();
    if (!locked) {
      mutex.lock();
    }
    try {
      long n = versions.newFileNumber();
      pendingOutputs.add(n);
      return n;
    } finally {
      if (!locked) {
        mutex.unlock();
      }
    }
  }

  @Override
  void releaseOutput(long number) {
    boolean locked = mutex.isHeldByCurrentThread();
    if (!locked) {
      mutex.lock();
    }
    try {
      pendingOutputs.remove(number);
    } finally {
      if (!locked) {
        mutex.unlock();
      }
    }
  }

  /**
   * With the mutex held: records {@code edit} in the manifest (rewriting a broken one first) and makes it current;
   * its outputs stop being pending. If the manifest write fails the edit may be on disk after all, so its outputs
   * stay pending, in doubt, until a new manifest is written.
   */
  void install(VersionEdit edit) throws ManifestFailure {
    assert mutex.isHeldByCurrentThread();
    try {
      repairManifest();
      versions.logAndApply(edit);
    } catch (IOException e) {
      for (VersionEdit.Added a : edit.added()) {
        inDoubtOutputs.add(a.file().fileNumber());
      }
      throw new ManifestFailure(e);
    }
    for (VersionEdit.Added a : edit.added()) {
      pendingOutputs.remove(a.file().fileNumber());
    }
  }

  /** With the mutex held: writes a new manifest if the last write to it failed; the in-doubt outputs may then go. */
  @Override
  void repairManifest() throws IOException {
    assert mutex.isHeldByCurrentThread();
    if (versions.broken()) {
      versions.writeSnapshotManifest();
      pendingOutputs.removeAll(inDoubtOutputs);
      inDoubtOutputs.clear();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Compaction

  /** With the mutex held: schedules background compaction unless it is scheduled, the store closing or in error. */
  @Override
  void maybeScheduleCompaction() {
    assert mutex.isHeldByCurrentThread();
    if (!compactionScheduled && !closing && errors.current() == null) {
      compactionScheduled = true;
      work.submit(env.compactionLane(), this::backgroundCompaction);
    }
  }

  void backgroundCompaction() {
    compactionRun.lock();
    try {
      while (compactOnce(true) == Outcome.DONE) {
        // Until the tree is in shape, or the next piece must wait for disk space.
      }
    } catch (IOException | RuntimeException e) {
      mutex.lock();
      try {
        compactionScheduled = false;
        if (!(e instanceof ClosingException)) {
          reportError(e instanceof ManifestFailure ? StoreError.Operation.MANIFEST_WRITE
              : StoreError.Operation.COMPACTION, e);
        }
        backgroundDone.signalAll();
      } finally {
        mutex.unlock();
      }
    } finally {
      compactionRun.unlock();
    }
  }

  /**
   * With {@code compactionRun} held: picks one piece of work, reserves the disk space it needs and runs it.
   * {@link Outcome#DEFERRED} when the disk cannot spare that space (checked again later); a drop needs none. Called
   * by the background job ({@code background}, which then clears {@code compactionScheduled} in the same critical
   * section that finds nothing to do) and by a retry.
   */
  @Override
  Outcome compactOnce(boolean background) throws IOException {
    assert compactionRun.isHeldByCurrentThread();
    Compaction c;
    Version base;
    SpaceReservations.Reservation reservation;
    mutex.lock();
    try {
      if (closing || (background && errors.current() != null)) {
        if (background) {
          compactionScheduled = false;
        }
        if (closing) {
          throw new ClosingException();
        }
        return Outcome.NOTHING;
      }
      base = versions.current();
      long usable = fs.usableSpace(dir);
      c = policy.pick(base, options.clock().getAsLong(), tableBytesLimit(base, usable));
      // A drop needs no room (it frees some); a merge reserves about its input's size.
      reservation = c == null || c.dropOnly() ? null
          : space.tryReserve(usable, c.inputBytes(), options.writeHeadroomBytes());
      if (c == null || (reservation == null && !c.dropOnly())) {
        if (background) {
          compactionScheduled = false;
        }
        if (c == null) {
          compactionDeferrals = 0;
          return Outcome.NOTHING;
        }
        compactionsDeferred.incrementAndGet();
        scheduleCompactionRecheck();
        return Outcome.DEFERRED;
      }
      compactionDeferrals = 0;
      base.tryRef();
    } finally {
      mutex.unlock();
    }
    try {
      runCompaction(c, base, reservation, c.dropOnly() ? dropReasonOf(c) : null);
    } finally {
      if (reservation != null) {
        reservation.close();
      }
      base.unref();
    }
    return Outcome.DONE;
  }

  /**
   * With the mutex held: how many bytes of tables the disk can hold without eating the room kept for writes; a FIFO
   * store keeps its tables within it. {@link Long#MAX_VALUE} when the file system cannot tell.
   */
  long tableBytesLimit(Version v, long usable) {
    assert mutex.isHeldByCurrentThread();
    if (usable == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    long tables = 0;
    for (int level = 0; level < v.levelCount(); level++) {
      tables += v.levelBytes(level);
    }
    return tables + usable - space.reservedBytes() - options.writeHeadroomBytes();
  }

  /** With the mutex held: after a compaction was put off for space, looks again later (backing off). */
  void scheduleCompactionRecheck() {
    assert mutex.isHeldByCurrentThread();
    if (compactionRecheckScheduled || closing) {
      return;
    }
    compactionRecheckScheduled = true;
    int shift = Math.min(compactionDeferrals++, 30);
    long delay = Math.min(options.errorRetryMaxMillis(), options.errorRetryInitialMillis() << shift);
    after(delay, () -> {
      mutex.lock();
      try {
        compactionRecheckScheduled = false;
        maybeScheduleCompaction();
      } finally {
        mutex.unlock();
      }
    });
  }

  /**
   * Flushes, then merges every table into one sorted run on the bottom level (for FIFO: drops expired tables and
   * enforces the budget), dropping shadowed versions, expired entries and tombstones. Waits until done.
   *
   * @throws StoreException if the disk cannot spare the space the compaction needs ({@link Options#writeHeadroomBytes}
   *     stays free for writes), or if the compaction fails
   */
  public void compact() {
    if (compactionRun.isHeldByCurrentThread()) {
      throw new IllegalStateException("compact() called on " + dir + " from inside a compaction (a FIFO drop"
          + " listener must not compact the store it listens to)");
    }
    flush();
    compactionRun.lock();
    try {
      Compaction c;
      Version base;
      SpaceReservations.Reservation reservation;
      mutex.lock();
      try {
        checkOpen();
        errors.checkWritable();
        base = versions.current();
        c = policy.full(base, options.clock().getAsLong());
        if (c == null) {
          return;
        }
        long usable = fs.usableSpace(dir);
        long need = c.inputBytes();
        reservation = c.dropOnly() ? null : space.tryReserve(usable, need, options.writeHeadroomBytes());
        if (reservation == null && !c.dropOnly()) {
          compactionsDeferred.incrementAndGet();
          throw new StoreException("not enough disk space to compact " + dir + ": the compaction needs about " + need
              + " bytes and " + options.writeHeadroomBytes() + " stay free for writes, but " + usable
              + " bytes are usable (" + space.reservedBytes() + " reserved by running compactions)");
        }
        base.tryRef();
      } finally {
        mutex.unlock();
      }
      try {
        runCompaction(c, base, reservation, c.dropOnly() ? dropReasonOf(c) : null);
      } catch (ClosingException e) {
        throw new StoreException("store " + dir + " closed during a manual compaction");
      } catch (IOException | RuntimeException e) {
        StoreError se;
        mutex.lock();
        try {
          se = reportError(e instanceof ManifestFailure ? StoreError.Operation.MANIFEST_WRITE
              : StoreError.Operation.COMPACTION, e);
        } finally {
          mutex.unlock();
        }
        if (e instanceof StoreException x) {
          throw x;
        }
        throw new StoreException("manual compaction of " + dir + " failed (" + e.getMessage() + "); "
            + errors.consequence(se), e);
      } finally {
        if (reservation != null) {
          reservation.close();
        }
        base.unref();
      }
    } finally {
      compactionRun.unlock();
    }
    mutex.lock();
    try {
      maybeScheduleCompaction();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Carries out {@code c} over {@code base}: merges (writing new tables) or drops (offering live entries to the drop
   * listener first when it drops by budget), then installs the edit; with begin and end events. {@code reservation}
   * is the disk space held for the merge's output, or null. {@code dropReason} says why a drop drops (for the
   * tables' events); null for a merge.
   */
  @Override
  void runCompaction(Compaction c, Version base, SpaceReservations.Reservation reservation,
      EventListener.DropReason dropReason) throws IOException {
    int job = jobIds.incrementAndGet();
    long start = System.nanoTime();
    List<EventListener.TableInfo> input = events.enabled() ? tableInfos(c) : List.of();
    events.compactionBegin(job, c.reason(), c.dropOnly(), input, c.outputLevel());
    VersionEdit edit = new VersionEdit();
    try {
      carryOut(c, base, reservation, edit, dropReason == EventListener.DropReason.NO_SPACE);
    } catch (IOException | RuntimeException e) {
      events.compactionEnd(job, c.reason(), c.dropOnly(), input, c.outputLevel(), List.of(), start, e);
      throw e;
    }
    if (events.enabled()) {
      List<EventListener.TableInfo> output = new ArrayList<>();
      for (VersionEdit.Added a : edit.added()) {
        output.add(new EventListener.TableInfo(a.file().fileNumber(), a.level(), a.file().fileBytes(),
            a.file().entries()));
      }
      events.compactionEnd(job, c.reason(), c.dropOnly(), input, c.outputLevel(), output, start, null);
      if (c.dropOnly()) {
        for (EventListener.TableInfo t : input) {
          events.tableDropped(t, dropReason);
        }
      }
    }
  }

  static List<EventListener.TableInfo> tableInfos(Compaction c) {
    List<EventListener.TableInfo> out = new ArrayList<>(c.inputs().size());
    for (Compaction.Input in : c.inputs()) {
      FileMeta f = in.file();
      out.add(new EventListener.TableInfo(f.fileNumber(), in.level(), f.fileBytes(), f.entries()));
    }
    return out;
  }

  /** Why a FIFO drop chosen by the policy drops its tables. */
  static EventListener.DropReason dropReasonOf(Compaction c) {
    return c.byBudget() ? EventListener.DropReason.BUDGET : EventListener.DropReason.EXPIRED;
  }

  /**
   * {@link #runCompaction}'s work, recording what it installs in {@code edit}. A drop by budget or for space ({@code
   * forSpace}) tells the drop listener of the live entries it deletes first, and how it ended after.
   */
  void carryOut(Compaction c, Version base, SpaceReservations.Reservation reservation, VersionEdit edit,
      boolean forSpace) throws IOException {
    boolean told = c.dropOnly() && (c.byBudget() || forSpace) && dropListener != null;
    boolean installed = false;
    try {
      carryOut(c, base, reservation, edit, told, forSpace);
      installed = true;
    } finally {
      if (told) {
        endDrop(installed);
      }
    }
  }

  /** Tells the drop listener how the drop ended; a listener that throws is logged, not allowed to undo the drop. */
  private void endDrop(boolean deleted) {
    try {
      dropListener.onDropEnd(deleted);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "store " + dir + ": the FIFO drop listener failed at the end of a drop: "
          + e, e);
    }
  }

  private void carryOut(Compaction c, Version base, SpaceReservations.Reservation reservation, VersionEdit edit,
      boolean told, boolean forSpace) throws IOException {
    for (Compaction.Input in : c.inputs()) {
      edit.deleteFile(in.level(), in.file().fileNumber());
    }
    CompactionJob job = null;
    if (!c.dropOnly()) {
      job = new CompactionJob(c, base, fs, dir, options, tables, outputNumbers, dropListener != null, reservation,
          () -> closing);
      for (FileMeta f : job.run()) {
        edit.addFile(c.outputLevel(), f);
      }
    } else if (told) {
      offerDropped(c, forSpace);
    }
    mutex.lock();
    try {
      install(edit);
      compactions.incrementAndGet();
      if (job == null) {
        for (Compaction.Input in : c.inputs()) {
          droppedEntries.addAndGet(in.file().entries());
        }
      } else {
        compactionRead.addAndGet(c.inputBytes());
        compactionWritten.addAndGet(job.bytesWritten());
        filteredEntries.addAndGet(job.filteredEntries());
      }
      publishState();
      scheduleSweep();
      backgroundDone.signalAll();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Before a FIFO drop by budget: offers the live entries of the dropped runs to the drop listener and commits what
   * it keeps, forced once under SYNC; the caller then deletes the runs. The snapshot is taken under the mutex, so
   * the tables of its state hold no write newer than its sequence (a newer write is in a memtable, or in a table a
   * flush adds later).
   */
  void offerDropped(Compaction c, boolean discardAll) {
    long since;
    ReadState snapshot;
    mutex.lock();
    try {
      since = visibleSequence;
      snapshot = pin();
    } finally {
      mutex.unlock();
    }
    try {
      Set<Long> dropped = new HashSet<>();
      for (Compaction.Input in : c.inputs()) {
        dropped.add(in.file().runId());
      }
      List<Run> runs = snapshot.version().runs(0);
      Set<Long> runsAtSnapshot = new HashSet<>();
      for (Run r : runs) {
        runsAtSnapshot.add(r.runId());
      }
      FifoDrop.Env drop = new FifoDrop.Env() {
        @Override
        public TableReader table(FileMeta f) {
          return tables.get(f);
        }

        @Override
        public boolean shadowed(byte[] userKey, long hash, int newerRuns) {
          return snapshot.shadows(userKey, hash, since, newerRuns, tables);
        }

        @Override
        public void commit(WriteBatch kept) {
          writeKept(kept, runsAtSnapshot, since);
        }

        @Override
        public void checkNotClosing() {
          if (closing) {
            throw new ClosingException();
          }
        }
      };
      int batchBytes = (int) Math.min(CommitQueue.MAX_GROUP_BYTES, options.memtableBytes() / 4);
      new FifoDrop(drop, dropListener, options.clock().getAsLong(), batchBytes, CompactionJob.READAHEAD_BYTES,
          discardAll).run(runs, dropped);
      if (!discardAll) {
        forceKeptWrites();
      }
    } finally {
      snapshot.release();
    }
  }

  /**
   * Commits one batch of a FIFO drop's kept records as the head of the writer queue, without the ops whose key was
   * written after {@code since} (a newer write wins over a kept old one: it is in a memtable, or in a level-0 run a
   * flush added since the drop's snapshot, whose runs were {@code runsAtSnapshot}). Appended to the log but, under
   * SYNC, not forced: {@link #forceKeptWrites} forces the drop's writes once.
   */
  void writeKept(WriteBatch kept, Set<Long> runsAtSnapshot, long since) {
    mutex.lock();
    try {
      if (closing) {
        throw new ClosingException();
      }
      checkOpen();
      byte[] committed;
      try {
        committed = commits.commitKept(kept.encode(0), rep -> {
          ReadState now = pin();
          try {
            return WriteBatch.without(rep, key -> now.writtenSince(key, since, runsAtSnapshot, tables));
          } finally {
            now.release();
          }
        });
      } catch (RuntimeException e) {
        if (closing) {
          throw new ClosingException();
        }
        throw e;
      }
      if (committed != null) {
        fifoKeptEntries.addAndGet(Bytes.getInt(committed, 8));
      }
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Forces the log once if a FIFO drop's kept writes wait in it unforced (SYNC), before the drop deletes tables; as a
   * barrier in the writer queue, so no commit is in flight.
   */
  void forceKeptWrites() {
    mutex.lock();
    try {
      commits.barrier(() -> {
        if (logUnforced) {
          catchUpLogAsHead("");
        }
      });
    } finally {
      mutex.unlock();
    }
  }


  // ---------------------------------------------------------------------------------------------------------------
  // Obsolete files

  /** Deletes obsolete files on the housekeeping thread, soon (one sweep queued at a time). */
  @Override
  void scheduleSweep() {
    if (closed || !sweepQueued.compareAndSet(false, true)) {
      return;
    }
    boolean queued = work.submit(env.housekeepingLane(), () -> {
      sweepQueued.set(false);
      if (!closed) {
        sweep();
      }
    });
    if (!queued) {
      sweepQueued.set(false);
    }
  }

  /**
   * Deletes the files no one needs ({@link ObsoleteFiles}): decides from a picture taken under the mutex, then lists
   * the directory and deletes without it. Tables deleted are forgotten by the table cache. A file that cannot be
   * deleted is left for the next sweep: an extra file costs space, not correctness.
   */
  @Override
  void sweep() {
    assert !mutex.isHeldByCurrentThread();
    ObsoleteFiles.Live live;
    mutex.lock();
    try {
      Set<Long> tablesLive = versions.liveFileNumbers();
      tablesLive.addAll(pendingOutputs);
      live = new ObsoleteFiles.Live(tablesLive, versions.logNumber(), mem.logNumber(), versions.manifestNumber(),
          versions.broken(), versions.nextFileNumber());
    } finally {
      mutex.unlock();
    }
    List<String> names;
    try {
      names = fs.list(dir);
    } catch (IOException e) {
      return;
    }
    for (ObsoleteFiles.Obsolete o : ObsoleteFiles.among(names, live)) {
      if (o.kind() == FileNames.Kind.TABLE) {
        tables.evict(o.number());
      }
      try {
        fs.delete(dir.resolve(o.name()));
      } catch (IOException e) {
        // Left for the next sweep.
      }
    }
  }
}
