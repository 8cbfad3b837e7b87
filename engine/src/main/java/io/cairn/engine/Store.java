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
 *
 * <h2>Where the code is</h2>
 * Three layers of one object: {@link StoreState} holds the state above, the helpers on it and the reporting and retry
 * of background errors; {@link StoreJobs} the background jobs (flush, compaction and FIFO drops, obsolete files); this
 * class the public surface: open and close, the write path, the read path and statistics.
 */
public final class Store extends StoreJobs implements AutoCloseable {
  private Store(Path dir, Options options, Closeable dirLock) {
    super(dir, options, dirLock);
    this.commits = new CommitQueue(mutex, new Commits(), options.durability() == Durability.SYNC);
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
      StoreException[] logFailure = {null};
      try {
        commits.barrier(() -> {
          closing = true;
          logFailure[0] = handOverLog();
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
      if (logFailure[0] != null) {
        flushFailure = logFailure[0];
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
    LogDeferral deferral = options.durability() == Durability.NONE ? null : LogDeferral.current();
    mutex.lock();
    try {
      checkOpen();
      // Read before the commit: a break after this write's group but before it returns then fails the deferral.
      int breaks = logBreaks;
      commits.commit(rep, batch.userBytes(), deferral != null);
      if (deferral != null) {
        deferral.note(this, breaks);
      }
    } finally {
      mutex.unlock();
    }
  }

  /**
   * For {@link LogDeferral#close}: makes this store's deferred writes as durable as its {@link Durability} says, by
   * handing its log to the OS (forcing it, under SYNC) unless another group has since; {@code breaksSeen} is
   * {@link #logBreaks} when the deferral first wrote here.
   *
   * @throws StoreException if the log broke since the deferral's first write here, or this flush fails
   */
  void flushDeferred(int breaksSeen) {
    boolean sync = options.durability() == Durability.SYNC;
    mutex.lock();
    try {
      checkBreaks(breaksSeen);
      if (closing || closed || (!sync && !logUnflushed)) {
        return; // close() handed the log over (or failed to, and counted a break), or a later group flushed it
      }
      commits.barrier(() -> {
        checkBreaks(breaksSeen);
        if (!closing && !closed) {
          catchUpLogAsHead("the deferred writes in it may be lost; ");
        }
      });
    } finally {
      mutex.unlock();
    }
  }

  private void checkBreaks(int breaksSeen) {
    if (logBreaks != breaksSeen) {
      throw new StoreException("the log of " + dir + " failed after deferred writes went to it; they may be lost");
    }
  }

  /**
   * As the head, closing: hands the log to the OS (forces it, under SYNC, if it holds unforced records), so that
   * deferrals still open find their writes where their durability says. Returns the failure (a break), or null.
   */
  private StoreException handOverLog() {
    if (!logBehind()) {
      return null;
    }
    try {
      catchUpLog(log);
      return null;
    } catch (IOException e) {
      logBroke();
      return new StoreException("closing store " + dir + ": writing the log failed (" + e.getMessage()
          + "); deferred writes in it may be lost", e);
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
      logBroke();
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
      logUnflushed = false;
    }

    @Override
    public void deferLog() {
      if (log != null) {
        logUnflushed = true;
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
              compactionsDeferred.get(), droppedForSpaceBytes.get(), discardedMemtables.get()),
          new StoreStatistics.Environment(env.shared(), e.flushThreads(), e.compactionThreads(), e.liveThreads(),
              e.openTableFiles(), e.maxOpenTableFiles(), e.stores()),
          new StoreStatistics.Compressed(options.compression(), rawBlocks, storedBlocks,
              storedBlocks == 0 ? 1 : (double) rawBlocks / storedBlocks));
    } finally {
      r.release();
    }
  }
}
