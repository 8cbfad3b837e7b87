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
 * A store's state, shared by its threads under the mutex (the memtables, the log, the version set, the error and
 * scheduling flags, the counters), the helpers every layer uses on it, and the reporting and retry of background
 * errors. {@link StoreJobs} adds the background jobs (flush, compaction, obsolete files) and {@link Store} the public
 * surface: opening and closing, the write path and the read path.
 */
abstract class StoreState {
  /** Room a retry after a full disk wants beyond its memtables: a manifest, a log's first blocks. */
  static final long RETRY_SLACK_BYTES = 64 * 1024;
  /**
   * Size of a FIFO store's reserve file ({@link FileNames#RESERVE}): deleted when a write finds the disk full, so the
   * manifest edits that drop the oldest tables have room even on a disk with no byte left; written again once the
   * store has recovered.
   */
  static final int RESERVE_BYTES = 64 * 1024;
  /** How long close waits for this store's background tasks. */
  static final long CLOSE_WAIT_MILLIS = 60_000;

  final Path dir;
  final Options options;
  final FileSystem fs;
  final CompactionPolicy policy;
  /** The FIFO drop listener, or null when there is none or the store is not FIFO; tables track reads iff non-null. */
  final FifoDropListener dropListener;
  final Closeable dirLock;
  final VersionSet versions;
  final StoreEnvironment env;
  final ReadCounters readCounters = new ReadCounters();
  final TableCache tables;
  final ErrorHandler errors;
  final StoreEvents events;
  final SpaceReservations space;
  /** This store's tasks on the environment's threads, which close waits for. */
  final BackgroundWork work = new BackgroundWork();
  final AtomicInteger jobIds = new AtomicInteger();

  final ReentrantLock mutex = new ReentrantLock();
  final Condition backgroundDone = mutex.newCondition();
  final ReentrantLock compactionRun = new ReentrantLock();
  final ReentrantLock flushRun = new ReentrantLock();
  /** Set by {@link Store}'s constructor, whose write path it runs. */
  CommitQueue commits;
  final Set<Long> pendingOutputs = new HashSet<>();
  /** Outputs of an edit whose manifest write failed (it may be on disk): pending until a new manifest is written. */
  final Set<Long> inDoubtOutputs = new HashSet<>();
  final TableWriter.Numbers outputNumbers = new TableWriter.Numbers() {
    @Override
    public long allocate() {
      return allocateOutput();
    }

    @Override
    public void release(long number) {
      releaseOutput(number);
    }
  };
  final AtomicBoolean sweepQueued = new AtomicBoolean();

  MemTable mem;
  final ArrayDeque<MemTable> imms = new ArrayDeque<>();
  LogWriter log;
  /** The log's append or force failed: nothing more goes into it; a retry starts a new one. */
  boolean logBroken;
  /**
   * Under SYNC: the log holds records appended (a FIFO drop's kept writes, deferred writes) but not yet forced.
   * Head-guarded.
   */
  boolean logUnforced;
  /**
   * Deferred writes ({@link LogDeferral}) left records in the log's buffer, not yet handed to the OS. Written by the
   * head; volatile so that {@link Store#flushDeferred} can skip the queue when another group has flushed them.
   */
  volatile boolean logUnflushed;
  /** How many times a log broke; a deferral compares it to see whether the log its writes went to broke since. */
  int logBreaks;
  /** Why the writer at the head waits, while it does (for the end event); null when it does not. Head-guarded. */
  String stallReason;
  long stallStartNanos;
  boolean flushScheduled;
  boolean compactionScheduled;
  boolean retryScheduled;
  /**
   * The usable disk space when an automatic retry of a no-space error last ran, or -1: a retry the estimate of
   * {@link #roomToRetry} turns down still runs once the disk has gained room since.
   */
  long usableAtLastRetry = -1;
  boolean compactionRecheckScheduled;
  /** Compactions put off in a row for want of disk space (0 once one could reserve its space). */
  int compactionDeferrals;
  volatile ReadState state;
  volatile long visibleSequence;
  volatile boolean closed;
  /** Set under the mutex; read without it by merges and drops, which stop when it is set. */
  volatile boolean closing;

  final AtomicLong userBytes = new AtomicLong();
  final AtomicLong walBytes = new AtomicLong();
  final AtomicLong flushBytes = new AtomicLong();
  final AtomicLong compactionRead = new AtomicLong();
  final AtomicLong compactionWritten = new AtomicLong();
  final AtomicLong stallNanos = new AtomicLong();
  final AtomicLong flushes = new AtomicLong();
  final AtomicLong compactions = new AtomicLong();
  final AtomicLong compactionsDeferred = new AtomicLong();
  final AtomicLong droppedEntries = new AtomicLong();
  final AtomicLong droppedForSpaceBytes = new AtomicLong();
  final AtomicLong discardedMemtables = new AtomicLong();
  final AtomicLong filteredEntries = new AtomicLong();
  final AtomicLong walSyncs = new AtomicLong();
  final AtomicLong fifoKeptEntries = new AtomicLong();

  /** The manifest write of an edit failed; the edit may or may not be on disk. */
  static final class ManifestFailure extends IOException {
    private static final long serialVersionUID = 1L;

    ManifestFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  enum Outcome { DONE, NOTHING, DEFERRED }

  StoreState(Path dir, Options options, Closeable dirLock) {
    this.dir = dir;
    this.options = options;
    this.fs = options.fileSystem();
    this.dirLock = dirLock;
    this.policy = policyFor(options);
    this.dropListener = options.compactionStyle() == CompactionStyle.FIFO ? options.fifoDropListener() : null;
    this.versions = new VersionSet(fs, dir, options.maxLevels(), options.compactionStyle(), mutex,
        this::scheduleSweep);
    this.env = options.environment() != null ? options.environment() : StoreEnvironment.privateFor(dir, options);
    env.attach(dir);
    this.space = env.space();
    this.tables = new TableCache(fs, dir, env, readCounters, dropListener != null);
    this.events = new StoreEvents(dir, options.eventListener(), env.housekeepingLane());
    this.errors = new ErrorHandler(dir, mutex, options.errorRetryInitialMillis(), options.errorRetryMaxMillis(),
        events);
  }

  static CompactionPolicy policyFor(Options o) {
    return switch (o.compactionStyle()) {
      case NONE -> new NoCompactionPolicy();
      case LEVELED -> new LeveledPolicy(o.maxLevels(), o.sizeRatio(), o.levelBaseBytes(),
          o.level0CompactionTrigger());
      case TIERED -> new TieredPolicy(o.maxLevels(), o.sizeRatio(), false);
      case LAZY_LEVELED -> new TieredPolicy(o.maxLevels(), o.sizeRatio(), true);
      case FIFO -> new FifoPolicy(o.fifoMaxBytes(), o.fifoMergeWidth());
    };
  }


  // ---------------------------------------------------------------------------------------------------------------
  // Errors and their retry

  /** With the mutex held: records a failure, wakes waiting writers, and schedules a retry of the failed work. */
  StoreError reportError(StoreError.Operation operation, Throwable cause) {
    assert mutex.isHeldByCurrentThread();
    StoreError e = errors.report(operation, cause);
    backgroundDone.signalAll();
    scheduleRetry();
    return e;
  }

  /** With the mutex held: schedules the automatic retry of the standing error, after the handler's backoff. */
  void scheduleRetry() {
    assert mutex.isHeldByCurrentThread();
    StoreError e = errors.current();
    if (e == null || e.severity() == StoreError.Severity.FATAL || retryScheduled || closing) {
      return;
    }
    retryScheduled = true;
    after(errors.retryDelayMillis(), this::automaticRetry);
  }

  /** Runs {@code task} on a flush thread after {@code millis}; dropped if the store has closed by then. */
  void after(long millis, Runnable task) {
    Executor flushLane = r -> work.submit(env.flushLane(), r);
    CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, flushLane).execute(task);
  }

  void automaticRetry() {
    mutex.lock();
    try {
      retryScheduled = false;
      StoreError e = errors.current();
      if (closing || e == null || e.severity() == StoreError.Severity.FATAL) {
        return;
      }
      if (e.kind() == StoreError.Kind.NO_SPACE && !roomToRetry()) {
        errors.retryFailed();
        scheduleRetry();
        return;
      }
    } finally {
      mutex.unlock();
    }
    try {
      retry(true);
    } catch (StoreException failedAgain) {
      // Reported and scheduled again by retry().
    }
  }

  /**
   * With the mutex held: whether the disk may have room for what a retry writes (the memtables as tables, a
   * manifest): it has their in-memory size free, or it is a FIFO store with tables it can drop or memtables it can
   * give up to make room, or it has gained room since the last retry ran. The in-memory size overstates a compressed table many times over, so
   * on a disk smaller than that the retry still runs each time space is freed, and finds out.
   */
  boolean roomToRetry() {
    assert mutex.isHeldByCurrentThread();
    long usable = fs.usableSpace(dir);
    if (usable == Long.MAX_VALUE) {
      return true;
    }
    if (options.compactionStyle() == CompactionStyle.FIFO
        && (versions.current().runCount(0) > 0 || !imms.isEmpty() || logBroken)) {
      // Room can be made: tables to drop, or memtables to give up.
      return true;
    }
    long need = mem.approximateBytes() + RETRY_SLACK_BYTES;
    for (MemTable m : imms) {
      need += m.approximateBytes();
    }
    if (usable >= need || usableAtLastRetry < 0 || usable >= usableAtLastRetry + RETRY_SLACK_BYTES) {
      usableAtLastRetry = usable;
      return true;
    }
    return false;
  }

  /**
   * Retries now what the standing error stopped, and returns once writes are accepted again (at once if no error
   * stands). Stores also retry by themselves, with backoff ({@link Options#errorRetryMillis}); this is for an
   * operator who fixed the cause and does not want to wait.
   *
   * @throws StoreException if the retry failed (the error stands and automatic retries go on), or after corruption
   *     ({@link StoreError.Severity#FATAL}), which only a reopen clears
   */
  public void resume() {
    retry(false);
    mutex.lock();
    try {
      StoreError e = errors.current();
      if (e != null && e.stopsWrites()) {
        throw new StoreException("store " + dir + " did not resume: " + e.describe() + "; "
            + errors.consequence(e), e.cause());
      }
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Retries what the standing error stopped: a FIFO store that found the disk full first drops its oldest tables to
   * make room; then a broken manifest is written anew, a broken log is replaced (its memtable becomes immutable),
   * every immutable memtable is flushed (a FIFO store without room for one drops more tables, or gives it up), and after a failed compaction one compaction runs (or finds it must wait
   * for room). If all of that succeeded and no other error came meanwhile, the error is cleared.
   *
   * <p>On the flush thread ({@code onFlushLane}, the automatic retry) the compaction part is handed to the
   * compaction thread: a FIFO drop's kept writes may wait for a flush, which needs the flush thread. The log is
   * replaced as a barrier in the writer queue only when it broke, which stops writes, so the writer at the head is not
   * one waiting for a flush.
   */
  void retry(boolean onFlushLane) {
    StoreError standing;
    int generation;
    mutex.lock();
    try {
      checkOpen();
      standing = errors.current();
      if (standing == null) {
        return;
      }
      if (standing.severity() == StoreError.Severity.FATAL) {
        throw new StoreException("store " + dir + " cannot resume after " + standing.describe() + "; "
            + errors.consequence(standing), standing.cause());
      }
      generation = errors.generation();
      errors.retries.increment();
    } finally {
      mutex.unlock();
    }
    StoreError.Operation step = standing.operation();
    try {
      if (standing.kind() == StoreError.Kind.NO_SPACE && standing.stopsWrites()) {
        step = StoreError.Operation.COMPACTION;
        dropForSpace(0);
      }
      mutex.lock();
      try {
        step = StoreError.Operation.MANIFEST_WRITE;
        repairManifest();
        step = StoreError.Operation.WAL_WRITE;
        if (logBroken) {
          commits.barrier(this::rotateMemtable);
        }
      } finally {
        mutex.unlock();
      }
      step = StoreError.Operation.FLUSH;
      flushImmutablesMakingRoom();
    } catch (IOException | RuntimeException e) {
      throw retryFailed(standing, step, e);
    }
    if (standing.operation() != StoreError.Operation.COMPACTION) {
      finishRetry(generation);
    } else if (onFlushLane) {
      work.submit(env.compactionLane(), () -> {
        try {
          retryCompaction(standing, generation);
        } catch (StoreException failedAgain) {
          // Reported and scheduled again.
        }
      });
    } else {
      retryCompaction(standing, generation);
    }
  }

  /**
   * A retry's flushes: every immutable memtable becomes a table. A FIFO store whose disk has no room for the next one
   * makes room as a cache may: it drops its oldest tables (older entries go first), and when none is left it gives
   * the memtable up ({@link #discardOldestImmutable}). Each turn flushes, drops or gives up something, so it ends.
   */
  private void flushImmutablesMakingRoom() throws IOException {
    while (true) {
      long need;
      flushRun.lock();
      try {
        try {
          if (!flushOldestImmutable()) {
            return;
          }
          continue;
        } catch (IOException e) {
          if (options.compactionStyle() != CompactionStyle.FIFO || !StoreError.noSpace(e) || closing) {
            // Closing: the memtable stays in its log for the next open, which finds it again.
            throw e;
          }
          MemTable oldest = oldestImmutable();
          need = oldest == null ? 0 : oldest.approximateBytes();
        }
      } finally {
        flushRun.unlock();
      }
      if (!dropForSpace(need)) {
        flushRun.lock();
        try {
          discardOldestImmutable();
        } finally {
          flushRun.unlock();
        }
        // The log of the memtable given up is obsolete now: delete it before the next write needs its space.
        sweep();
      }
    }
  }

  /** The compaction part of a retry: one compaction (or none due, or one that must wait for room), then clears. */
  void retryCompaction(StoreError standing, int generation) {
    compactionRun.lock();
    try {
      compactOnce(false);
    } catch (IOException | RuntimeException e) {
      throw retryFailed(standing, StoreError.Operation.COMPACTION, e);
    } finally {
      compactionRun.unlock();
    }
    finishRetry(generation);
  }

  /** Clears the error the retry that began at {@code generation} retried, and restarts background work. */
  void finishRetry(int generation) {
    mutex.lock();
    try {
      if (errors.clear(generation)) {
        usableAtLastRetry = -1;
        keepReserve();
      }
      backgroundDone.signalAll();
      maybeScheduleFlush();
      maybeScheduleCompaction();
    } finally {
      mutex.unlock();
    }
  }

  /** Reports a retry's failure in {@code step} (which schedules the next retry, later) and says what failed. */
  StoreException retryFailed(StoreError standing, StoreError.Operation step, Exception e) {
    if (e instanceof ClosingException) {
      return new StoreException("store " + dir + " closed during a retry");
    }
    StoreError se;
    mutex.lock();
    try {
      errors.retryFailed();
      se = reportError(e instanceof ManifestFailure ? StoreError.Operation.MANIFEST_WRITE : step, e);
    } finally {
      mutex.unlock();
    }
    return new StoreException("store " + dir + ": retrying after " + standing.describe() + " failed ("
        + e.getMessage() + "); " + errors.consequence(se), e);
  }

  /**
   * A FIFO store that found the disk full: deletes its reserve file, so the manifest has room, then drops its oldest
   * tables until {@link Options#writeHeadroomBytes} and {@code moreBytes} are free (a headroom's worth and {@code
   * moreBytes} when the file system cannot say what is free). Nothing is offered to the drop listener, since what it
   * kept would need the room there is not, but it hears of each live entry deleted ({@link FifoDropListener#onDiscard}).
   *
   * @return whether it dropped anything
   */
  boolean dropForSpace(long moreBytes) throws IOException {
    compactionRun.lock();
    try {
      Compaction c;
      Version base;
      mutex.lock();
      try {
        Path reserve = dir.resolve(FileNames.RESERVE);
        if (fs.exists(reserve)) {
          fs.delete(reserve);
        }
        long usable = fs.usableSpace(dir);
        long need = options.writeHeadroomBytes() + moreBytes - (usable == Long.MAX_VALUE ? 0 : usable);
        base = versions.current();
        c = need > 0 ? policy.dropForSpace(base, need) : null;
        if (c == null) {
          return false;
        }
        base.tryRef();
      } finally {
        mutex.unlock();
      }
      try {
        runCompaction(c, base, null, EventListener.DropReason.NO_SPACE);
      } finally {
        base.unref();
      }
      droppedForSpaceBytes.addAndGet(c.inputBytes());
    } finally {
      compactionRun.unlock();
    }
    // The retry goes on to write: the dropped tables must be gone first.
    sweep();
    return true;
  }



  // ---------------------------------------------------------------------------------------------------------------
  // State helpers the write and read paths share with the jobs

  /**
   * With the mutex held, as the head of the writer queue: makes the memtable immutable (unless it is empty) and starts
   * a new one with a new log, scheduling the flush. A broken log is closed without a force: nothing of it is trusted
   * beyond what was forced before it broke, and the memtable it holds is flushed from memory.
   */
  void rotateMemtable() throws IOException {
    assert mutex.isHeldByCurrentThread();
    long number = versions.newFileNumber();
    if (options.durability() != Durability.NONE) {
      LogWriter next = new LogWriter(fs.create(FileNames.log(dir, number)));
      LogWriter old = log;
      if (logBehind()) {
        try {
          catchUpLog(old);
        } catch (IOException e) {
          logBroke();
          closeLogQuietly(next);
          throw e;
        }
      }
      closeLogQuietly(old);
      log = next;
      logBroken = false;
      logUnforced = false;
      logUnflushed = false;
    }
    if (!mem.isEmpty()) {
      imms.addFirst(mem);
    }
    mem = newMemTable(number);
    publishState();
    maybeScheduleFlush();
  }

  void checkOpen() {
    if (closed || closing) {
      throw new StoreException("store " + dir + " is closed");
    }
  }

  /**
   * With the mutex held: gives a FIFO store its reserve file if it has none (best effort: on a disk too full for it,
   * the store goes on without, and tries again after its next recovery).
   */
  void keepReserve() {
    assert mutex.isHeldByCurrentThread();
    if (options.compactionStyle() != CompactionStyle.FIFO) {
      return;
    }
    Path reserve = dir.resolve(FileNames.RESERVE);
    if (fs.exists(reserve)) {
      return;
    }
    try (FileSystem.WritableFile f = fs.create(reserve)) {
      byte[] zeros = new byte[RESERVE_BYTES];
      f.append(zeros, 0, zeros.length);
      f.sync();
    } catch (IOException e) {
      try {
        fs.delete(reserve);
      } catch (IOException ignored) {
        // Whatever is left of it is deleted with the next drop for space.
      }
    }
  }

  /** Pins the current read state (see {@link ReadState}); the caller releases it. */
  ReadState pin() {
    while (true) {
      ReadState r = state;
      if (r.tryPin()) {
        return r;
      }
    }
  }

  /** With the mutex held: readers see the current memtables and version from now on. */
  void publishState() {
    assert mutex.isHeldByCurrentThread();
    state = new ReadState(mem, new ArrayList<>(imms), versions.current());
  }

  /**
   * As the head: the log holds records not yet as durable as the store's durability says (deferred writes' records
   * still in the process's buffer, or records not yet forced under SYNC), and it is not broken.
   */
  boolean logBehind() {
    return log != null && !logBroken && (logUnforced || logUnflushed);
  }

  /** As the head: brings {@code l}, the current log, up to the durability: forces it if unforced, else flushes it. */
  void catchUpLog(LogWriter l) throws IOException {
    if (logUnforced) {
      syncLog(l);
    } else {
      l.flush();
    }
    logUnflushed = false;
  }

  /**
   * As the head, with the mutex held (a barrier's action): {@link #catchUpLog} with the mutex released, if the log is
   * {@linkplain #logBehind behind}. A failure breaks the log, is reported, and is thrown as a StoreException whose
   * message says what failed and {@code mayCost} (what the failure may have lost, or empty).
   */
  void catchUpLogAsHead(String mayCost) {
    assert mutex.isHeldByCurrentThread();
    if (!logBehind()) {
      return;
    }
    boolean force = logUnforced;
    LogWriter l = log;
    IOException failure = null;
    mutex.unlock();
    try {
      catchUpLog(l);
    } catch (IOException e) {
      failure = e;
    } finally {
      mutex.lock();
    }
    if (failure != null) {
      logBroke();
      StoreError se = reportError(force ? StoreError.Operation.WAL_SYNC : StoreError.Operation.WAL_WRITE, failure);
      throw new StoreException((force ? "forcing" : "writing") + " the log of " + dir + " failed ("
          + failure.getMessage() + "); " + mayCost + errors.consequence(se), failure);
    }
  }

  /** With the mutex held: the log broke; nothing more goes into it, and deferrals that wrote to it will fail. */
  void logBroke() {
    assert mutex.isHeldByCurrentThread();
    logBroken = true;
    logBreaks++;
  }

  /** As the head of the writer queue: forces {@code l} to the device and counts it. */
  void syncLog(LogWriter l) throws IOException {
    l.sync();
    walSyncs.incrementAndGet();
    logUnforced = false;
  }

  static void closeLogQuietly(LogWriter l) {
    if (l != null) {
      try {
        l.close();
      } catch (IOException ignored) {
        // Every record that was acknowledged already reached the operating system (or the device, under SYNC).
      }
    }
  }

  MemTable newMemTable(long logNumber) {
    return new MemTable(logNumber, options.prefixExtractor(), options.memtableBytes());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What the retry and the output numbering need of the jobs (StoreJobs)

  /** Deletes obsolete files on the housekeeping thread, soon. */
  abstract void scheduleSweep();

  /** Deletes obsolete files now. */
  abstract void sweep();

  /** With the mutex held: schedules a flush unless one is scheduled or writes are stopped. */
  abstract void maybeScheduleFlush();

  /** With the mutex held: schedules background compaction unless it is scheduled, the store closing or in error. */
  abstract void maybeScheduleCompaction();

  /** Flushes the oldest immutable memtable; false if there is none. */
  abstract boolean flushOldestImmutable() throws IOException;

  /** The oldest immutable memtable (the next to flush), or null; takes the mutex. */
  MemTable oldestImmutable() {
    mutex.lock();
    try {
      return imms.peekLast();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * With the mutex held and an immutable memtable waiting: the log number that stays live once the oldest one leaves
   * (imms is newest first, so that of the memtable just after it, or the current one's).
   */
  long logNumberAfterOldestImmutable() {
    assert mutex.isHeldByCurrentThread();
    java.util.Iterator<MemTable> olderFirst = imms.descendingIterator();
    olderFirst.next();
    return (olderFirst.hasNext() ? olderFirst.next() : mem).logNumber();
  }

  /** FIFO, no room to flush and no table to drop: gives the oldest immutable memtable up (see StoreJobs). */
  abstract boolean discardOldestImmutable() throws IOException;

  /** One compaction, if one is due. */
  abstract Outcome compactOnce(boolean background) throws IOException;

  /** With the mutex held: writes a new manifest if the last write to it failed. */
  abstract void repairManifest() throws IOException;

  /** Carries out {@code c} over {@code base} (see StoreJobs): a merge, or a drop for {@code dropReason}. */
  abstract void runCompaction(Compaction c, Version base, SpaceReservations.Reservation reservation,
      EventListener.DropReason dropReason) throws IOException;

  /** A new table number, pending until installed or released. */
  abstract long allocateOutput();

  /** Gives back a table number that was not installed. */
  abstract void releaseOutput(long number);
}
