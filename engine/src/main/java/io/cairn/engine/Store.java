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
 * A log-structured merge store of byte-array keys and values, ordered by unsigned lexicographic key comparison.
 *
 * <p>Writes go to the write-ahead log (per {@link Durability}) and the memtable; full memtables are flushed to level-0
 * tables in the background and merged by the chosen {@link CompactionStyle}. Reads check the memtable, the memtables
 * waiting for flush, then tables from newest to oldest, using bloom filters and fence keys to skip tables and blocks.
 *
 * <p>This class is the facade: open and close, writes, reads, flush, compaction, statistics, and the scheduling of
 * background work. The parts live apart (after LevelDB and Pebble): the writer queue and group commit in
 * {@link CommitQueue}, recovery at open in {@link Recovery}, the open tables in {@link TableCache}, building tables in
 * {@link TableWriter}, a merge in {@link CompactionJob}, a FIFO drop's offers in {@link FifoDrop}, the pinned read
 * state in {@link ReadState}, obsolete-file deletion in {@link ObsoleteFiles}, errors in {@link ErrorHandler}, events
 * in {@link StoreEvents}, shared threads, cache and files in {@link StoreEnvironment}. The files in a store's
 * directory are described in {@link FileNames}.
 *
 * <h2>Errors</h2>
 * A failure is classified ({@link StoreError}) and stands until a retry of the failed work succeeds. A full disk or an
 * I/O error while writing the log, flushing or writing the manifest stops writes: they fail at once with a
 * {@link WritesStoppedException} saying why, and reads go on. The store retries by itself with backoff (a full disk:
 * once the file system reports room; a FIFO store first drops its oldest tables to make that room), and
 * {@link #resume()} retries at once; once a retry succeeds, writes are accepted again, with no reopen. A full disk
 * while compacting only pauses compaction. Corruption stops writes until the store is reopened; no error ever makes a
 * read return a wrong value. Every failed flush or compaction deletes the tables it wrote at once; a compaction only
 * starts if the disk keeps {@link Options#writeHeadroomBytes} free after it ({@link SpaceReservations}). A write whose
 * log append fails is not applied, but may be found applied after a restart (its record may have reached the log);
 * a log, table or manifest whose write or force failed is never written to or trusted again (a new one replaces it).
 *
 * <h2>Concurrency</h2>
 * <ul>
 *   <li>{@code mutex} guards {@code mem}, {@code imms}, {@code log}, {@code logBroken}, the writer queue, the version
 *   set, the pending and in-doubt outputs, the error handler's state and the flags for background work. It is never
 *   held while reading tables, merging, or listing and deleting files.</li>
 *   <li>Reads take no lock: they pin the volatile {@code state} ({@link ReadState}, replaced as a whole) and read the
 *   volatile {@code visibleSequence}.</li>
 *   <li>Writes go through the {@link CommitQueue}: the writer at the head commits a group, appending to the log and
 *   inserting into the concurrent memtable outside the mutex; only the head touches the log, the memtable's contents
 *   and {@code logUnforced}.</li>
 *   <li>Background work runs on the threads of the store's {@link StoreEnvironment} (shared, or private to the
 *   store), at most one flush task and one compaction task of this store at a time ({@code flushScheduled},
 *   {@code compactionScheduled}); {@link BackgroundWork} counts them so close can wait for this store's tasks alone.
 *   {@code flushRun} serializes flushes (background ones and a retry's); {@code compactionRun} serializes compactions
 *   (background and manual, and a retry's). A FIFO drop by budget with a {@link FifoDropListener} runs under
 *   {@code compactionRun} too, so while it offers entries and writes what is kept, the runs of level 0 change only by
 *   flushes adding new ones. Lock order: {@code compactionRun}, then {@code flushRun}, then {@code mutex}; a retry
 *   never holds one run lock while taking the other.</li>
 *   <li>Point reads mark the {@link AccessBits} of the table that answered them (lock-free) when the store has a drop
 *   listener.</li>
 *   <li>Events ({@link EventListener}) are queued where they happen, with or without the mutex, and delivered one at a
 *   time on the event thread ({@link StoreEvents}), which holds no store lock.</li>
 * </ul>
 */
public final class Store implements AutoCloseable {
  /** Room a retry after a full disk wants beyond its memtables: a manifest, a log's first blocks. */
  private static final long RETRY_SLACK_BYTES = 64 * 1024;
  /**
   * Size of a FIFO store's reserve file ({@link FileNames#RESERVE}): deleted when a write finds the disk full, so the
   * manifest edits that drop the oldest tables have room even on a disk with no byte left; written again once the
   * store has recovered.
   */
  private static final int RESERVE_BYTES = 64 * 1024;
  /** How long close waits for this store's background tasks. */
  private static final long CLOSE_WAIT_MILLIS = 60_000;

  private final Path dir;
  private final Options options;
  private final FileSystem fs;
  private final CompactionPolicy policy;
  /** The FIFO drop listener, or null when there is none or the store is not FIFO; tables track reads iff non-null. */
  private final FifoDropListener dropListener;
  private final Closeable dirLock;
  private final VersionSet versions;
  private final StoreEnvironment env;
  private final ReadCounters readCounters = new ReadCounters();
  private final TableCache tables;
  private final ErrorHandler errors;
  private final StoreEvents events;
  private final SpaceReservations space;
  /** This store's tasks on the environment's threads, which close waits for. */
  private final BackgroundWork work = new BackgroundWork();
  private final AtomicInteger jobIds = new AtomicInteger();

  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition backgroundDone = mutex.newCondition();
  private final ReentrantLock compactionRun = new ReentrantLock();
  private final ReentrantLock flushRun = new ReentrantLock();
  private final CommitQueue commits;
  private final Set<Long> pendingOutputs = new HashSet<>();
  /** Outputs of an edit whose manifest write failed (it may be on disk): pending until a new manifest is written. */
  private final Set<Long> inDoubtOutputs = new HashSet<>();
  private final TableWriter.Numbers outputNumbers = new TableWriter.Numbers() {
    @Override
    public long allocate() {
      return allocateOutput();
    }

    @Override
    public void release(long number) {
      releaseOutput(number);
    }
  };
  private final AtomicBoolean sweepQueued = new AtomicBoolean();

  private MemTable mem;
  private final ArrayDeque<MemTable> imms = new ArrayDeque<>();
  private LogWriter log;
  /** The log's append or force failed: nothing more goes into it; a retry starts a new one. */
  private boolean logBroken;
  /** Under SYNC: the log holds records appended (a FIFO drop's kept writes) but not yet forced. Head-guarded. */
  private boolean logUnforced;
  /** Why the writer at the head waits, while it does (for the end event); null when it does not. Head-guarded. */
  private String stallReason;
  private long stallStartNanos;
  private boolean flushScheduled;
  private boolean compactionScheduled;
  private boolean retryScheduled;
  private boolean compactionRecheckScheduled;
  /** Compactions put off in a row for want of disk space (0 once one could reserve its space). */
  private int compactionDeferrals;
  private volatile ReadState state;
  private volatile long visibleSequence;
  private volatile boolean closed;
  /** Set under the mutex; read without it by merges and drops, which stop when it is set. */
  private volatile boolean closing;

  private final AtomicLong userBytes = new AtomicLong();
  private final AtomicLong walBytes = new AtomicLong();
  private final AtomicLong flushBytes = new AtomicLong();
  private final AtomicLong compactionRead = new AtomicLong();
  private final AtomicLong compactionWritten = new AtomicLong();
  private final AtomicLong stallNanos = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong compactions = new AtomicLong();
  private final AtomicLong compactionsDeferred = new AtomicLong();
  private final AtomicLong droppedEntries = new AtomicLong();
  private final AtomicLong droppedForSpaceBytes = new AtomicLong();
  private final AtomicLong filteredEntries = new AtomicLong();
  private final AtomicLong walSyncs = new AtomicLong();
  private final AtomicLong fifoKeptEntries = new AtomicLong();

  /** The manifest write of an edit failed; the edit may or may not be on disk. */
  private static final class ManifestFailure extends IOException {
    private static final long serialVersionUID = 1L;

    ManifestFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private enum Outcome { DONE, NOTHING, DEFERRED }

  private Store(Path dir, Options options, Closeable dirLock) {
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
    this.commits = new CommitQueue(mutex, new Commits(), options.durability() == Durability.SYNC);
  }

  private static CompactionPolicy policyFor(Options o) {
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
  // Open and close

  /**
   * Opens (or, with {@link Options#createIfMissing}, creates) the store in {@code dir}. Recovery reads the manifest
   * named by CURRENT, then replays the write-ahead logs it does not cover into level-0 tables. The store keeps a copy
   * of {@code given}: changing it later changes nothing in the store.
   *
   * @throws IllegalArgumentException if {@code dir} is a file, or is missing and may not be created
   * @throws StoreException if another open store holds the directory, or on I/O failure
   * @throws CorruptionException naming the file and offset, if stored data fails its checks
   */
  public static Store open(Path dir, Options given) {
    if (dir == null) {
      throw new NullPointerException("store directory is null");
    }
    if (given == null) {
      throw new NullPointerException("options are null");
    }
    Options options = given.copy();
    FileSystem fs = options.fileSystem();
    if (fs.exists(dir) && !fs.isDirectory(dir)) {
      throw new IllegalArgumentException("store directory " + dir + " is a file, not a directory");
    }
    if (!fs.exists(dir)) {
      if (!options.createIfMissing()) {
        throw new IllegalArgumentException("store directory " + dir + " does not exist and createIfMissing is off");
      }
      try {
        fs.createDirectories(dir);
      } catch (IOException e) {
        throw new StoreException("cannot create store directory " + dir, e);
      }
    }
    Closeable lock = () -> { };
    if (options.lockDirectory()) {
      try {
        lock = fs.lock(dir.resolve(FileNames.LOCK));
      } catch (IOException e) {
        throw new StoreException(e.getMessage(), e);
      }
    }
    Store s;
    try {
      s = new Store(dir, options, lock);
    } catch (RuntimeException e) {
      try {
        lock.close();
      } catch (IOException ignored) {
        // The open already failed with the error that matters.
      }
      throw e;
    }
    try {
      s.recover();
      return s;
    } catch (IOException e) {
      s.abandon();
      throw new StoreException("opening store " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      s.abandon();
      throw e;
    }
  }

  private void recover() throws IOException {
    mutex.lock();
    try {
      Recovery.Result r = Recovery.run(fs, dir, options, versions, this::writeLevel0Table);
      long logNumber = versions.newFileNumber();
      if (options.durability() != Durability.NONE) {
        log = new LogWriter(fs.create(FileNames.log(dir, logNumber)));
        fs.syncDirectory(dir);
      }
      mem = newMemTable(logNumber);
      VersionEdit edit = r.edit().setLogNumber(logNumber).setLastSequence(r.lastSequence());
      install(edit);
      visibleSequence = r.lastSequence();
      publishState();
    } finally {
      mutex.unlock();
    }
    sweep();
    mutex.lock();
    try {
      keepReserve();
      maybeScheduleCompaction();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * With the mutex held: gives a FIFO store its reserve file if it has none (best effort: on a disk too full for it,
   * the store goes on without, and tries again after its next recovery).
   */
  private void keepReserve() {
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

  /** Releases what a failed open took, leaving the directory as it was found. */
  private void abandon() {
    closed = true;
    try {
      work.stopAndAwait(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeLogQuietly(log);
    mutex.lock();
    try {
      versions.close();
    } catch (IOException ignored) {
      // The open already failed with the error that matters.
    } finally {
      mutex.unlock();
    }
    tables.closeAll();
    leaveEnvironment();
    try {
      dirLock.close();
    } catch (IOException ignored) {
      // As above.
    }
  }

  /** The store no longer uses its environment; a private one is closed with it. */
  private void leaveEnvironment() {
    env.detach();
    if (!env.shared()) {
      env.close();
    }
  }

  private static void closeLogQuietly(LogWriter l) {
    if (l != null) {
      try {
        l.close();
      } catch (IOException ignored) {
        // Every record that was acknowledged already reached the operating system (or the device, under SYNC).
      }
    }
  }

  /**
   * Closes the store. Without a log ({@link Durability#NONE}) the memtable is flushed first so a clean close keeps
   * every write (unless writes are stopped by an error: then the memtables are lost); with a log the memtable is
   * recovered from it on the next open. A compaction under way is abandoned and its outputs deleted, this store's
   * background tasks are waited for, every queued event is delivered, and every table no version holds is deleted,
   * so a clean close leaves only the store's own files. Idempotent.
   */
  @Override
  public void close() {
    StoreException flushFailure = null;
    mutex.lock();
    try {
      if (closed || closing) {
        return;
      }
      boolean flushFirst = options.durability() == Durability.NONE && !errors.writesStopped();
      try {
        commits.barrier(() -> {
          closing = true;
          if (flushFirst && !mem.isEmpty()) {
            rotateMemtable();
          }
        });
        if (flushFirst) {
          awaitFlushes();
        }
      } catch (IOException e) {
        flushFailure = new StoreException("closing store " + dir + ": cannot flush the memtable (" + e.getMessage()
            + "); its writes are lost", e);
      } catch (StoreException e) {
        flushFailure = new StoreException("closing store " + dir + ": the memtables could not be flushed ("
            + e.getMessage() + "); their writes are lost", e);
      }
      closing = true;
    } finally {
      mutex.unlock();
    }
    try {
      work.stopAndAwait(CLOSE_WAIT_MILLIS);
      events.awaitDelivered();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sweep();
    mutex.lock();
    try {
      closed = true;
      try {
        if (log != null) {
          if (logBroken) {
            closeLogQuietly(log);
          } else {
            log.close();
          }
        }
        versions.close();
      } catch (IOException e) {
        throw new StoreException("closing store " + dir, e);
      } finally {
        tables.closeAll();
        leaveEnvironment();
        try {
          dirLock.close();
        } catch (IOException e) {
          // The lock dies with the channel; nothing else to release.
        }
      }
    } finally {
      mutex.unlock();
    }
    if (flushFailure != null) {
      throw flushFailure;
    }
  }

  public Path directory() {
    return dir;
  }

  /** A copy of the options the store was opened with (changing it changes nothing in the store). */
  public Options options() {
    return options.copy();
  }

  /** The error that stops or slows the store now, if any (see {@link StoreError}). */
  public Optional<StoreError> backgroundError() {
    return Optional.ofNullable(errors.current());
  }

  private void checkOpen() {
    if (closed || closing) {
      throw new StoreException("store " + dir + " is closed");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Writes

  public void put(byte[] key, byte[] value) {
    write(new WriteBatch().put(key, value));
  }

  /** Puts a value that reads as absent once {@code expireAtMillis} (epoch milliseconds, by the store's clock) passes. */
  public void put(byte[] key, byte[] value, long expireAtMillis) {
    write(new WriteBatch().put(key, value, expireAtMillis));
  }

  public void delete(byte[] key) {
    write(new WriteBatch().delete(key));
  }

  /**
   * Applies a batch atomically, durable per the store's {@link Durability} when this returns.
   *
   * @throws WritesStoppedException at once while an earlier failure stops writes (see {@link StoreError})
   * @throws StoreException if this batch's own log write failed: it is not applied, though a restart may find it
   *     applied (its record may have reached the log); the store stops writes until a retry succeeds
   */
  public void write(WriteBatch batch) {
    if (batch == null) {
      throw new NullPointerException("batch is null");
    }
    if (batch.isEmpty()) {
      return;
    }
    byte[] rep = batch.encode(0);
    mutex.lock();
    try {
      checkOpen();
      commits.commit(rep, batch.userBytes());
    } finally {
      mutex.unlock();
    }
  }

  /** What the commit queue needs of the store; every method runs with the mutex held. */
  private final class Commits implements CommitQueue.Env {
    @Override
    public void makeRoomForWrite() {
      Store.this.makeRoomForWrite();
    }

    @Override
    public long lastSequence() {
      return versions.lastSequence();
    }

    @Override
    public void setLastSequence(long sequence) {
      versions.setLastSequence(sequence);
    }

    @Override
    public CommitQueue.Target target() {
      return new GroupTarget(mem, log);
    }

    @Override
    public RuntimeException logFailed(CommitQueue.Target target, IOException failure, boolean forcing) {
      logBroken = true;
      StoreError se = reportError(forcing ? StoreError.Operation.WAL_SYNC : StoreError.Operation.WAL_WRITE,
          failure);
      return new StoreException((forcing ? "forcing" : "writing") + " the log " + FileNames.log(dir,
          ((GroupTarget) target).mem.logNumber()) + " failed (" + failure.getMessage() + "); the write is not"
          + " applied; " + errors.consequence(se), failure);
    }

    @Override
    public void publish(long sequence) {
      visibleSequence = sequence;
    }
  }

  /** One group's log (null without one) and memtable; used by the head outside the mutex. */
  private final class GroupTarget implements CommitQueue.Target {
    final MemTable mem;
    final LogWriter log;

    GroupTarget(MemTable mem, LogWriter log) {
      this.mem = mem;
      this.log = log;
    }

    @Override
    public void log(byte[] record) throws IOException {
      if (log != null) {
        log.addRecord(record);
        walBytes.addAndGet(record.length);
      }
    }

    @Override
    public void endLog(boolean force) throws IOException {
      if (log == null) {
        return;
      }
      if (force) {
        syncLog(log);
      } else {
        log.flush();
        logUnforced |= options.durability() == Durability.SYNC;
      }
    }

    @Override
    public void apply(byte[] record, long userBytes) {
      WriteBatch.applyTo(record, mem);
      Store.this.userBytes.addAndGet(userBytes);
    }
  }

  /**
   * With the mutex held, as the head of the writer queue: waits or slows the writer until the memtable has room,
   * rotating it when full. A wait is a write stall, with begin and end events.
   */
  private void makeRoomForWrite() {
    assert mutex.isHeldByCurrentThread();
    try {
      awaitRoomForWrite();
    } finally {
      if (stallReason != null) {
        events.stallEnd(stallReason, stallStartNanos);
        stallReason = null;
      }
    }
  }

  /** {@link #makeRoomForWrite}'s loop; a wait sets {@link #stallReason} and sends the begin event. */
  private void awaitRoomForWrite() {
    boolean slowed = false;
    while (true) {
      checkOpen();
      errors.checkWritable();
      int l0Runs = versions.current().runCount(0);
      if (!slowed && l0Runs >= policy.slowdownRuns()) {
        long t0 = System.nanoTime();
        mutex.unlock();
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          mutex.lock();
        }
        stallNanos.addAndGet(System.nanoTime() - t0);
        slowed = true;
      } else if (mem.approximateBytes() < options.memtableBytes()) {
        return;
      } else if (imms.size() >= options.maxImmutableMemtables() || l0Runs >= policy.stopRuns()) {
        if (l0Runs >= policy.stopRuns()) {
          failIfCompactionCannotRun(l0Runs);
        }
        long t0 = System.nanoTime();
        if (stallReason == null && events.enabled()) {
          stallStartNanos = t0;
          stallReason = imms.size() >= options.maxImmutableMemtables()
              ? imms.size() + " memtables wait for flush (maxImmutableMemtables "
                  + options.maxImmutableMemtables() + ")"
              : "level 0 holds " + l0Runs + " runs, waiting for compaction (writes stop at " + policy.stopRuns()
                  + ")";
          events.stallBegin(stallReason);
        }
        maybeScheduleCompaction();
        try {
          backgroundDone.await(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while waiting for flush or compaction");
        }
        stallNanos.addAndGet(System.nanoTime() - t0);
      } else {
        rotateOrFail();
      }
    }
  }

  /**
   * With the mutex held, for a writer that would wait for a compaction of level 0: fails the write at once if no
   * compaction can run (a compaction failed, or the disk lacks the space one needs), instead of waiting for ever.
   */
  private void failIfCompactionCannotRun(int l0Runs) {
    assert mutex.isHeldByCurrentThread();
    StoreError e = errors.current();
    if (e == null && compactionDeferrals == 0) {
      return;
    }
    if (e == null) {
      e = StoreError.classify(dir, StoreError.Operation.COMPACTION, new IOException("No space left on device for"
          + " the compaction level 0 needs (" + fs.usableSpace(dir) + " bytes usable, "
          + options.writeHeadroomBytes() + " kept free for writes)"));
    }
    errors.rejectedWrites.increment();
    throw new WritesStoppedException("store " + dir + " accepts no writes: level 0 holds " + l0Runs + " runs and"
        + " waits for a compaction that cannot run, after " + e.describe() + "; writes resume once a compaction"
        + " succeeds", e);
  }

  /** With the mutex held, as the head of the writer queue: {@link #rotateMemtable}, reporting a failure. */
  private void rotateOrFail() {
    assert mutex.isHeldByCurrentThread();
    try {
      rotateMemtable();
    } catch (IOException e) {
      StoreError se = reportError(StoreError.Operation.WAL_WRITE, e);
      throw new StoreException("cannot start a new log in " + dir + " (" + e.getMessage() + "); "
          + errors.consequence(se), e);
    }
  }

  /**
   * With the mutex held, as the head of the writer queue: makes the memtable immutable (unless it is empty) and starts
   * a new one with a new log, scheduling the flush. A broken log is closed without a force: nothing of it is trusted
   * beyond what was forced before it broke, and the memtable it holds is flushed from memory.
   */
  private void rotateMemtable() throws IOException {
    assert mutex.isHeldByCurrentThread();
    long number = versions.newFileNumber();
    if (options.durability() != Durability.NONE) {
      LogWriter next = new LogWriter(fs.create(FileNames.log(dir, number)));
      LogWriter old = log;
      if (logUnforced && !logBroken) {
        try {
          syncLog(old);
        } catch (IOException e) {
          logBroken = true;
          closeLogQuietly(next);
          throw e;
        }
      }
      closeLogQuietly(old);
      log = next;
      logBroken = false;
      logUnforced = false;
    }
    if (!mem.isEmpty()) {
      imms.addFirst(mem);
    }
    mem = newMemTable(number);
    publishState();
    maybeScheduleFlush();
  }

  /** As the head of the writer queue: forces {@code l} to the device and counts it. */
  private void syncLog(LogWriter l) throws IOException {
    l.sync();
    walSyncs.incrementAndGet();
    logUnforced = false;
  }

  private MemTable newMemTable(long logNumber) {
    return new MemTable(logNumber, options.prefixExtractor(), options.memtableBytes());
  }

  /** With the mutex held: readers see the current memtables and version from now on. */
  private void publishState() {
    assert mutex.isHeldByCurrentThread();
    state = new ReadState(mem, new ArrayList<>(imms), versions.current());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Errors and their retry

  /** With the mutex held: records a failure, wakes waiting writers, and schedules a retry of the failed work. */
  private StoreError reportError(StoreError.Operation operation, Throwable cause) {
    assert mutex.isHeldByCurrentThread();
    StoreError e = errors.report(operation, cause);
    backgroundDone.signalAll();
    scheduleRetry();
    return e;
  }

  /** With the mutex held: schedules the automatic retry of the standing error, after the handler's backoff. */
  private void scheduleRetry() {
    assert mutex.isHeldByCurrentThread();
    StoreError e = errors.current();
    if (e == null || e.severity() == StoreError.Severity.FATAL || retryScheduled || closing) {
      return;
    }
    retryScheduled = true;
    after(errors.retryDelayMillis(), this::automaticRetry);
  }

  /** Runs {@code task} on a flush thread after {@code millis}; dropped if the store has closed by then. */
  private void after(long millis, Runnable task) {
    Executor flushLane = r -> work.submit(env.flushLane(), r);
    CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, flushLane).execute(task);
  }

  private void automaticRetry() {
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
   * With the mutex held: whether the disk has room for what a retry writes (the memtables as tables, a manifest),
   * or, for a FIFO store, tables it can drop to make that room.
   */
  private boolean roomToRetry() {
    assert mutex.isHeldByCurrentThread();
    long usable = fs.usableSpace(dir);
    if (usable == Long.MAX_VALUE) {
      return true;
    }
    if (options.compactionStyle() == CompactionStyle.FIFO && versions.current().runCount(0) > 0) {
      return true;
    }
    long need = mem.approximateBytes() + RETRY_SLACK_BYTES;
    for (MemTable m : imms) {
      need += m.approximateBytes();
    }
    return usable >= need;
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
   * every immutable memtable is flushed, and after a failed compaction one compaction runs (or finds it must wait
   * for room). If all of that succeeded and no other error came meanwhile, the error is cleared.
   *
   * <p>On the flush thread ({@code onFlushLane}, the automatic retry) the compaction part is handed to the
   * compaction thread: a FIFO drop's kept writes may wait for a flush, which needs the flush thread. The log is
   * replaced as a barrier in the writer queue only when it broke, which stops writes, so the writer at the head is not
   * one waiting for a flush.
   */
  private void retry(boolean onFlushLane) {
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
        dropForSpace();
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
      flushRun.lock();
      try {
        while (flushOldestImmutable()) {
          // Until every memtable waiting for flush is a table.
        }
      } finally {
        flushRun.unlock();
      }
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

  /** The compaction part of a retry: one compaction (or none due, or one that must wait for room), then clears. */
  private void retryCompaction(StoreError standing, int generation) {
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
  private void finishRetry(int generation) {
    mutex.lock();
    try {
      if (errors.clear(generation)) {
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
  private StoreException retryFailed(StoreError standing, StoreError.Operation step, Exception e) {
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
   * tables until {@link Options#writeHeadroomBytes} are free (a headroom's worth when the file system cannot say what
   * is free). Nothing is offered to the drop listener: what it kept would need the room there is not.
   */
  private void dropForSpace() throws IOException {
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
        long need = options.writeHeadroomBytes() - (usable == Long.MAX_VALUE ? 0 : usable);
        base = versions.current();
        c = need > 0 ? policy.dropForSpace(base, need) : null;
        if (c == null) {
          return;
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
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reads

  /** The value of {@code key}, or null if it is absent, deleted or expired. */
  public byte[] get(byte[] key) {
    Entry e = getEntry(key);
    return e == null ? null : e.value();
  }

  /** The value and expiry of {@code key}, or null if it is absent, deleted or expired. */
  public Entry getEntry(byte[] key) {
    return getEntry(key, false);
  }

  /**
   * The value and expiry of {@code key} even if its expiry time has passed (until compaction purges it), or null if
   * it is absent or deleted. For a cache that must report the value of an entry it expires.
   */
  public Entry getEntryIncludingExpired(byte[] key) {
    return getEntry(key, true);
  }

  /**
   * @throws CorruptionException naming the file and offset, if the data the key's lookup reads is damaged (the store
   *     then stops writes, see {@link StoreError})
   * @throws StoreException if reading a table failed, naming the key, the file and the cause
   */
  private Entry getEntry(byte[] key, boolean includeExpired) {
    if (key == null) {
      throw new NullPointerException("key is null");
    }
    if (closed) {
      throw new StoreException("store " + dir + " is closed");
    }
    ReadState r = pin();
    long snapshot = visibleSequence;
    try {
      Lookup found = r.get(key, snapshot, tables);
      if (found == null || found.type() == InternalKey.TYPE_DELETION) {
        return null;
      }
      byte[] stored = found.storedValue();
      if (found.type() == InternalKey.TYPE_EXPIRING_VALUE) {
        long at = Bytes.getLong(stored, 0);
        if (!includeExpired && at <= options.clock().getAsLong()) {
          return null;
        }
        return new Entry(key, Arrays.copyOfRange(stored, 8, stored.length), at);
      }
      return new Entry(key, stored, Entry.NO_EXPIRY);
    } catch (RuntimeException e) {
      throw readFailure("reading key " + Bytes.toDisplay(key), e);
    } finally {
      r.release();
    }
  }

  /**
   * What a failed read throws: a corruption as it is (reported, which stops writes), an I/O error as a
   * {@link StoreException} naming {@code what} and the failure (counted), anything else unchanged.
   */
  private RuntimeException readFailure(String what, RuntimeException e) {
    if (e instanceof CorruptionException c) {
      mutex.lock();
      try {
        reportError(StoreError.Operation.READ, c);
      } finally {
        mutex.unlock();
      }
      return c;
    }
    if (e instanceof UncheckedIOException io) {
      errors.readErrors.increment();
      return new StoreException(what + " from store " + dir + " failed: " + io.getMessage() + " ("
          + io.getCause().getMessage() + ")", io.getCause());
    }
    return e;
  }

  /** Pins the current read state (see {@link ReadState}); the caller releases it. */
  private ReadState pin() {
    while (true) {
      ReadState r = state;
      if (r.tryPin()) {
        return r;
      }
    }
  }

  /**
   * An ordered scan of {@code [fromInclusive, toExclusive)} (null for unbounded) over a snapshot taken now. Close it,
   * or read it to its end, to release the tables it pins.
   */
  public Cursor scan(byte[] fromInclusive, byte[] toExclusive) {
    if (fromInclusive != null && toExclusive != null && Arrays.compareUnsigned(fromInclusive, toExclusive) > 0) {
      throw new IllegalArgumentException("scan range is reversed: from " + Bytes.toDisplay(fromInclusive)
          + " is after to " + Bytes.toDisplay(toExclusive));
    }
    return cursor(fromInclusive, toExclusive, null, 0);
  }

  /**
   * An ordered scan of the keys that start with {@code prefix}, over a snapshot taken now, which opens only the tables
   * whose bloom filter may hold the prefix (and every table written without this store's extractor), and only the
   * memtables whose prefix filter may hold it. With the prefix absent, the scan costs about what a missing key's
   * lookup costs.
   *
   * @param prefix a whole prefix as the {@link Options#prefixExtractor} names it: its prefix length is its length
   * @throws IllegalStateException if the store was opened without a prefix extractor
   * @throws IllegalArgumentException if {@code prefix} is not a whole prefix of the extractor
   */
  public Cursor scanPrefix(byte[] prefix) {
    if (prefix == null) {
      throw new NullPointerException("prefix is null");
    }
    PrefixExtractor extractor = options.prefixExtractor();
    if (extractor == null) {
      throw new IllegalStateException("store " + dir + " was opened without a prefix extractor"
          + " (Options.prefixExtractor)");
    }
    int n = extractor.prefixLength(prefix, prefix.length);
    if (n != prefix.length) {
      throw new IllegalArgumentException("not a whole prefix for extractor " + extractor.name() + ": "
          + Bytes.toDisplay(prefix) + " (its prefix length is " + n + ", its length " + prefix.length + ")");
    }
    return cursor(prefix, Bytes.prefixSuccessor(prefix), extractor.name(),
        BloomFilter.prefixHash(prefix, 0, prefix.length));
  }

  /**
   * A cursor over {@code [from, to)} on every memtable and on the tables of each run that overlap the range; with
   * {@code prefixExtractor} set, only on the memtables and tables whose filter may hold the prefix hash
   * {@code prefixHash}.
   */
  private Cursor cursor(byte[] from, byte[] to, String prefixExtractor, long prefixHash) {
    if (closed) {
      throw new StoreException("store " + dir + " is closed");
    }
    ReadState v = pin();
    long snapshot = visibleSequence;
    List<InternalIterator> sources = new ArrayList<>();
    try {
      for (int i = -1; i < v.imms().size(); i++) {
        MemTable m = i < 0 ? v.mem() : v.imms().get(i);
        if (prefixExtractor == null) {
          sources.add(m.iterator(from, to));
        } else if (m.mayContainPrefix(prefixHash)) {
          sources.add(m.prefixIterator(prefixHash));
        }
      }
      Version version = v.version();
      for (int level = 0; level < version.levelCount(); level++) {
        for (Run run : version.runs(level)) {
          Run r = prefixExtractor == null ? run : filterRun(run, from, to, prefixExtractor, prefixHash);
          if (r != null) {
            sources.add(new RunIterator(r, f -> tables.get(f).iterator()));
          }
        }
      }
    } catch (RuntimeException e) {
      v.release();
      throw readFailure("opening a scan", e);
    }
    return new Cursor(new MergingIterator(sources), snapshot, from, to, options.clock(), v::release,
        e -> readFailure("scanning", e));
  }

  /** The tables of {@code run} in {@code [from, to)} whose filter may hold the prefix, as a run; null if none. */
  private Run filterRun(Run run, byte[] from, byte[] to, String prefixExtractor, long prefixHash) {
    List<FileMeta> files = run.files();
    List<FileMeta> kept = null;
    for (int i = run.firstAtOrAfter(from); i < files.size(); i++) {
      FileMeta f = files.get(i);
      if (to != null && InternalKey.compareUserKey(f.smallest(), to) >= 0) {
        break;
      }
      if (tables.get(f).mayContainPrefix(prefixExtractor, prefixHash)) {
        if (kept == null) {
          kept = new ArrayList<>(1);
        }
        kept.add(f);
      }
    }
    return kept == null ? null : new Run(run.runId(), kept);
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
  private void awaitFlushes() {
    assert mutex.isHeldByCurrentThread();
    while (!imms.isEmpty()) {
      errors.checkWritable();
      maybeScheduleFlush();
      backgroundDone.awaitUninterruptibly();
    }
  }

  /** With the mutex held: schedules a flush unless one is scheduled or writes are stopped (a retry flushes then). */
  private void maybeScheduleFlush() {
    assert mutex.isHeldByCurrentThread();
    if (!flushScheduled && !imms.isEmpty() && !errors.writesStopped()) {
      flushScheduled = true;
      work.submit(env.flushLane(), this::backgroundFlush);
    }
  }

  private void backgroundFlush() {
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
  private boolean flushOldestImmutable() throws IOException {
    assert flushRun.isHeldByCurrentThread() && !mutex.isHeldByCurrentThread();
    MemTable imm;
    mutex.lock();
    try {
      imm = imms.peekLast();
    } finally {
      mutex.unlock();
    }
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
        // imms is newest first: the memtable just after the oldest holds the log that stays live.
        java.util.Iterator<MemTable> olderFirst = imms.descendingIterator();
        olderFirst.next();
        MemTable newerOrCurrent = olderFirst.hasNext() ? olderFirst.next() : mem;
        edit.setLogNumber(newerOrCurrent.logNumber());
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
   * Writes a memtable to a new level-0 table (a run of its own); null if it holds nothing. Keeps only the newest
   * version of each key: a reader that still needs an older one holds the memtable itself. The flush thread calls it
   * without the mutex; recovery calls it with the mutex held (file numbers are allocated either way). On failure the
   * table is deleted.
   */
  private TableWriter.Output writeLevel0Table(MemTable m) throws IOException {
    TableWriter w = new TableWriter(fs, dir, options, Long.MAX_VALUE, outputNumbers, out -> { });
    try {
      byte[] prev = null;
      try (InternalIterator it = m.iterator()) {
        for (it.seekToFirst(); it.valid(); it.next()) {
          byte[] k = it.key();
          if (prev != null && InternalKey.sameUserKey(prev, k)) {
            continue;
          }
          prev = k;
          w.add(k, it.value());
        }
      }
      List<TableWriter.Output> outs = w.finish();
      flushBytes.addAndGet(w.bytesWritten());
      return outs.isEmpty() ? null : outs.get(0);
    } catch (IOException | RuntimeException e) {
      w.abandon();
      throw e;
    }
  }

  private long allocateOutput() {
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

  private void releaseOutput(long number) {
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
  private void install(VersionEdit edit) throws ManifestFailure {
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
  private void repairManifest() throws IOException {
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
  private void maybeScheduleCompaction() {
    assert mutex.isHeldByCurrentThread();
    if (!compactionScheduled && !closing && errors.current() == null) {
      compactionScheduled = true;
      work.submit(env.compactionLane(), this::backgroundCompaction);
    }
  }

  private void backgroundCompaction() {
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
  private Outcome compactOnce(boolean background) throws IOException {
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
  private long tableBytesLimit(Version v, long usable) {
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
  private void scheduleCompactionRecheck() {
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
  private void runCompaction(Compaction c, Version base, SpaceReservations.Reservation reservation,
      EventListener.DropReason dropReason) throws IOException {
    int job = jobIds.incrementAndGet();
    long start = System.nanoTime();
    List<EventListener.TableInfo> input = events.enabled() ? tableInfos(c) : List.of();
    events.compactionBegin(job, c.reason(), c.dropOnly(), input, c.outputLevel());
    VersionEdit edit = new VersionEdit();
    try {
      carryOut(c, base, reservation, edit);
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

  private static List<EventListener.TableInfo> tableInfos(Compaction c) {
    List<EventListener.TableInfo> out = new ArrayList<>(c.inputs().size());
    for (Compaction.Input in : c.inputs()) {
      FileMeta f = in.file();
      out.add(new EventListener.TableInfo(f.fileNumber(), in.level(), f.fileBytes(), f.entries()));
    }
    return out;
  }

  /** Why a FIFO drop chosen by the policy drops its tables. */
  private static EventListener.DropReason dropReasonOf(Compaction c) {
    return c.byBudget() ? EventListener.DropReason.BUDGET : EventListener.DropReason.EXPIRED;
  }

  /** {@link #runCompaction}'s work, recording what it installs in {@code edit}. */
  private void carryOut(Compaction c, Version base, SpaceReservations.Reservation reservation, VersionEdit edit)
      throws IOException {
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
    } else if (c.byBudget() && dropListener != null) {
      offerDropped(c);
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
  private void offerDropped(Compaction c) {
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
      new FifoDrop(drop, dropListener, options.clock().getAsLong(), batchBytes, CompactionJob.READAHEAD_BYTES)
          .run(runs, dropped);
      forceKeptWrites();
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
  private void writeKept(WriteBatch kept, Set<Long> runsAtSnapshot, long since) {
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
  private void forceKeptWrites() {
    mutex.lock();
    try {
      commits.barrier(() -> {
        if (!logUnforced || logBroken) {
          return;
        }
        LogWriter l = log;
        IOException failure = null;
        mutex.unlock();
        try {
          syncLog(l);
        } catch (IOException e) {
          failure = e;
        } finally {
          mutex.lock();
        }
        if (failure != null) {
          logBroken = true;
          StoreError se = reportError(StoreError.Operation.WAL_SYNC, failure);
          throw new StoreException("forcing the log of " + dir + " failed (" + failure.getMessage() + "); "
              + errors.consequence(se), failure);
        }
      });
    } finally {
      mutex.unlock();
    }
  }


  // ---------------------------------------------------------------------------------------------------------------
  // Obsolete files

  /** Deletes obsolete files on the housekeeping thread, soon (one sweep queued at a time). */
  private void scheduleSweep() {
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
  private void sweep() {
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

  // ---------------------------------------------------------------------------------------------------------------
  // Statistics

  public StoreStatistics statistics() {
    ReadState r = pin();
    Version v = r.version();
    try {
      List<StoreStatistics.Level> levels = new ArrayList<>();
      long tableBytes = 0;
      long largest = 0;
      int files = 0;
      for (int level = 0; level < v.levelCount(); level++) {
        long bytes = v.levelBytes(level);
        long entries = 0;
        long tombstones = 0;
        List<FileMeta> inLevel = v.files(level);
        for (FileMeta f : inLevel) {
          entries += f.entries();
          tombstones += f.tombstones();
        }
        levels.add(new StoreStatistics.Level(level, v.runCount(level), inLevel.size(), bytes, entries, tombstones));
        tableBytes += bytes;
        largest = Math.max(largest, bytes);
        files += inLevel.size();
      }
      long user = userBytes.get();
      long written = flushBytes.get() + compactionWritten.get();
      long hits = readCounters.blockCacheHits.sum();
      long misses = readCounters.blockCacheMisses.sum();
      StoreEnvironment.Statistics e = env.statistics();
      long rawBlocks = 0;
      long storedBlocks = 0;
      for (FileMeta f : v.allFiles()) {
        long raw = f.fileBytes();
        long stored = f.fileBytes();
        try {
          io.cairn.engine.sstable.TableProperties p = tables.get(f).properties();
          if (p.storedBlockBytes() > 0) {
            raw = p.rawBlockBytes();
            stored = p.storedBlockBytes();
          }
        } catch (RuntimeException unreadable) {
          // Counted as its file: statistics never fail for one table that cannot be opened.
        }
        // A table from before compression records no block sizes; it counts as its file, uncompressed.
        rawBlocks += raw;
        storedBlocks += stored;
      }
      return new StoreStatistics(levels,
          new StoreStatistics.Tables(files, tableBytes, largest == 0 ? 0 : (double) tableBytes / largest),
          new StoreStatistics.Writes(user, walBytes.get(), walSyncs.get(), user == 0 ? 0 : (double) written / user,
              stallNanos.get() / 1000),
          new StoreStatistics.Flush(flushes.get(), flushBytes.get()),
          new StoreStatistics.Compact(compactions.get(), compactionRead.get(), compactionWritten.get(),
              filteredEntries.get()),
          new StoreStatistics.Filter(readCounters.bloomChecks.sum(), readCounters.bloomUseful.sum(),
              readCounters.bloomFalsePositives.sum(), readCounters.prefixChecks.sum(),
              readCounters.prefixUseful.sum(), tables.pinnedFilterBytes()),
          new StoreStatistics.Cache(hits, misses, hits + misses == 0 ? 0 : (double) hits / (hits + misses),
              e.blockCacheUsedBytes(), e.blockCacheCapacityBytes()),
          new StoreStatistics.Memtable(r.mem().approximateBytes(), r.imms().size()),
          new StoreStatistics.Fifo(droppedEntries.get(), fifoKeptEntries.get()),
          new StoreStatistics.Errors(errors.current(), errors.backgroundErrors.sum(), errors.retries.sum(),
              errors.recoveries.sum(), errors.rejectedWrites.sum(), errors.readErrors.sum(),
              errors.corruptions.sum(), events.listenerFailures.sum()),
          new StoreStatistics.Space(fs.usableSpace(dir), space.reservedBytes(), options.writeHeadroomBytes(),
              compactionsDeferred.get(), droppedForSpaceBytes.get()),
          new StoreStatistics.Environment(env.shared(), e.flushThreads(), e.compactionThreads(), e.liveThreads(),
              e.openTableFiles(), e.maxOpenTableFiles(), e.stores()),
          new StoreStatistics.Compressed(options.compression(), rawBlocks, storedBlocks,
              storedBlocks == 0 ? 1 : (double) rawBlocks / storedBlocks));
    } finally {
      r.release();
    }
  }
}
