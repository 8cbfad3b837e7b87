package io.cairn.engine;

import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.cache.BlockCache;
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
import io.cairn.engine.sstable.Block;
import io.cairn.engine.sstable.Lookup;
import io.cairn.engine.sstable.ReadCounters;
import io.cairn.engine.sstable.TableBuilder;
import io.cairn.engine.sstable.TableProperties;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.FileNames;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.Version;
import io.cairn.engine.version.VersionEdit;
import io.cairn.engine.version.VersionSet;
import io.cairn.engine.wal.LogReader;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <h2>Concurrency</h2>
 * <ul>
 *   <li>{@code mutex} guards {@code mem}, {@code imms}, {@code log}, the writer queue, the version set and the flags
 *   for background work. It is never held while reading tables or merging.</li>
 *   <li>Reads take no lock: they read the volatile {@code view} (memtable, immutable memtables, version, replaced as a
 *   whole) and the volatile {@code visibleSequence}, and pin the version with an atomic reference count.</li>
 *   <li>Writes queue up; the writer at the head (the leader) takes the batches queued behind it, appends them to the
 *   log with one flush or force (group commit), inserts them into the concurrent memtable outside the mutex, then
 *   publishes the new sequence number. Only the head touches the log, the memtable's contents and
 *   {@code logUnforced}; it hands them to the next head through the mutex.</li>
 *   <li>One flush thread and one compaction thread; {@code compactionRun} serializes compactions (background and
 *   manual). A FIFO drop by budget with a {@link FifoDropListener} runs under it too, so while it offers entries and
 *   writes what is kept, the runs of level 0 change only by flushes adding new ones.</li>
 *   <li>Point reads mark the {@link AccessBits} of the table that answered them (lock-free) when the store has a drop
 *   listener.</li>
 * </ul>
 */
public final class Store implements AutoCloseable {
  private static final int MAX_GROUP_BYTES = 1 << 20;
  /** Compaction reads its inputs in chunks of this size, outside the block cache. */
  private static final int COMPACTION_READAHEAD_BYTES = 256 * 1024;

  private final Path dir;
  private final Options options;
  private final FileSystem fs;
  private final CompactionPolicy policy;
  /** The FIFO drop listener, or null when there is none or the store is not FIFO; tables track reads iff non-null. */
  private final FifoDropListener dropListener;
  private final Closeable dirLock;
  private final VersionSet versions;
  private final BlockCache<Object> blockCache;
  private final ReadCounters readCounters = new ReadCounters();
  private final Map<Long, TableReader> tables = new ConcurrentHashMap<>();

  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition backgroundDone = mutex.newCondition();
  private final ReentrantLock compactionRun = new ReentrantLock();
  private final ArrayDeque<Writer> writers = new ArrayDeque<>();
  private final Set<Long> pendingOutputs = new HashSet<>();
  private final ExecutorService flushThread;
  private final ExecutorService compactionThread;
  private final AtomicBoolean obsoleteSweepQueued = new AtomicBoolean();

  private MemTable mem;
  private final ArrayDeque<MemTable> imms = new ArrayDeque<>();
  private LogWriter log;
  /** Under SYNC: the log holds records appended (a FIFO drop's kept writes) but not yet forced. Head-guarded. */
  private boolean logUnforced;
  private boolean flushScheduled;
  private boolean compactionScheduled;
  private volatile ReadView view;
  private volatile long visibleSequence;
  private volatile Throwable backgroundError;
  private volatile boolean closed;
  private boolean closing;

  private final AtomicLong userBytes = new AtomicLong();
  private final AtomicLong walBytes = new AtomicLong();
  private final AtomicLong flushBytes = new AtomicLong();
  private final AtomicLong compactionRead = new AtomicLong();
  private final AtomicLong compactionWritten = new AtomicLong();
  private final AtomicLong stallNanos = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong compactions = new AtomicLong();
  private final AtomicLong droppedEntries = new AtomicLong();
  private final AtomicLong filteredEntries = new AtomicLong();
  private final AtomicLong walSyncs = new AtomicLong();
  private final AtomicLong fifoKeptEntries = new AtomicLong();

  /** What a reader needs, swapped as a whole. {@code imms} newest first. */
  private record ReadView(MemTable mem, List<MemTable> imms, Version version) {}

  private static final class Writer {
    /** The encoded batch, or null for a barrier; a kept writer replaces it with what is left to write. */
    byte[] rep;
    final long userBytes;
    final Condition turn;
    /**
     * A FIFO drop's kept records: committed only as the head of the queue (it checks its keys against newer writes
     * first), never forced on its own account, and not user data.
     */
    final boolean kept;
    boolean done;
    Throwable error;

    Writer(byte[] rep, long userBytes, Condition turn, boolean kept) {
      this.rep = rep;
      this.userBytes = userBytes;
      this.turn = turn;
      this.kept = kept;
    }
  }

  private Store(Path dir, Options options, Closeable dirLock) {
    this.dir = dir;
    this.options = options;
    this.fs = options.fileSystem();
    this.dirLock = dirLock;
    this.policy = policyFor(options);
    this.dropListener = options.compactionStyle() == CompactionStyle.FIFO ? options.fifoDropListener() : null;
    this.versions = new VersionSet(fs, dir, options.maxLevels(), options.compactionStyle().name(),
        this::queueObsoleteSweep);
    this.blockCache = new BlockCache<>(options.blockCacheBytes(), 16,
        o -> o instanceof Block b ? b.charge() : ((byte[]) o).length + 16);
    this.flushThread = Executors.newSingleThreadExecutor(daemon("cairn-flush " + dir.getFileName()));
    this.compactionThread = Executors.newSingleThreadExecutor(daemon("cairn-compaction " + dir.getFileName()));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
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
  // Open and recovery

  /**
   * Opens (or, with {@link Options#createIfMissing}, creates) the store in {@code dir}. Recovery reads the manifest
   * named by CURRENT, then replays the write-ahead logs it does not cover into level-0 tables.
   *
   * @throws IllegalArgumentException if {@code dir} is a file, or is missing and may not be created
   * @throws StoreException if another open store holds the directory, or on I/O failure
   * @throws CorruptionException naming the file and offset, if stored data fails its checks
   */
  public static Store open(Path dir, Options options) {
    if (dir == null) {
      throw new NullPointerException("store directory is null");
    }
    if (options == null) {
      throw new NullPointerException("options are null");
    }
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
    Closeable lock;
    try {
      lock = fs.lock(dir.resolve(FileNames.LOCK));
    } catch (IOException e) {
      throw new StoreException(e.getMessage(), e);
    }
    Store s = new Store(dir, options, lock);
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
      boolean exists = fs.exists(dir.resolve(FileNames.CURRENT));
      if (exists) {
        versions.recover();
      } else if (!options.createIfMissing()) {
        throw new IllegalArgumentException("no store in " + dir + " (no CURRENT file) and createIfMissing is off");
      }
      versions.writeSnapshotManifest();

      List<Long> logs = new ArrayList<>();
      for (String name : fs.list(dir)) {
        FileNames.Parsed p = FileNames.parse(name);
        if (p.kind() == FileNames.Kind.LOG && p.number() >= versions.logNumber()) {
          logs.add(p.number());
        }
        if (p.kind() != FileNames.Kind.OTHER) {
          versions.markFileNumberUsed(p.number());
        }
      }
      logs.sort(null);
      VersionEdit edit = new VersionEdit();
      long lastSeq = versions.lastSequence();
      MemTable replay = new MemTable(0);
      for (long number : logs) {
        Path path = FileNames.log(dir, number);
        try (LogReader reader = new LogReader(fs, path)) {
          byte[] rec;
          while ((rec = reader.next()) != null) {
            try {
              lastSeq = Math.max(lastSeq, WriteBatch.applyTo(rec, replay));
            } catch (IllegalArgumentException bad) {
              throw new CorruptionException(path, reader.lastRecordEnd() - rec.length, "bad write batch: "
                  + bad.getMessage());
            }
            if (replay.approximateBytes() >= options.memtableBytes()) {
              writeLevel0Table(replay, edit);
              replay = new MemTable(0);
            }
          }
        }
      }
      if (!replay.isEmpty()) {
        writeLevel0Table(replay, edit);
      }
      long logNumber = versions.newFileNumber();
      if (options.durability() != Durability.NONE) {
        log = new LogWriter(fs.create(FileNames.log(dir, logNumber)));
        fs.syncDirectory(dir);
      }
      mem = newMemTable(logNumber);
      edit.setLogNumber(logNumber).setLastSequence(lastSeq);
      versions.logAndApply(edit);
      visibleSequence = lastSeq;
      for (VersionEdit.Added a : edit.added()) {
        pendingOutputs.remove(a.file().fileNumber());
      }
      publishView();
      deleteObsoleteFiles();
      maybeScheduleCompaction();
    } finally {
      mutex.unlock();
    }
  }

  /** Releases what a failed open took, leaving the directory as it was found. */
  private void abandon() {
    closed = true;
    flushThread.shutdownNow();
    compactionThread.shutdownNow();
    try {
      if (log != null) {
        log.close();
      }
      versions.close();
    } catch (IOException ignored) {
      // The open already failed with the error that matters.
    }
    closeTables();
    try {
      dirLock.close();
    } catch (IOException ignored) {
      // As above.
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

  /** Applies a batch atomically, durable per the store's {@link Durability} when this returns. */
  public void write(WriteBatch batch) {
    if (batch == null) {
      throw new NullPointerException("batch is null");
    }
    if (batch.isEmpty()) {
      return;
    }
    byte[] rep = batch.encode(0);
    Writer w;
    mutex.lock();
    try {
      checkOpen();
      w = new Writer(rep, batch.userBytes(), mutex.newCondition(), false);
      awaitTurn(w);
      if (!w.done) {
        lead();
      }
    } finally {
      mutex.unlock();
    }
    rethrow(w);
  }

  private static void rethrow(Writer w) {
    if (w.error != null) {
      if (w.error instanceof RuntimeException re) {
        throw re;
      }
      throw new StoreException("write failed: " + w.error.getMessage(), w.error);
    }
  }

  /** With the mutex held: queues {@code w} and waits until it is at the head of the queue or done by a leader. */
  private void awaitTurn(Writer w) {
    writers.addLast(w);
    while (!w.done && writers.peekFirst() != w) {
      w.turn.awaitUninterruptibly();
    }
  }

  /**
   * With the mutex held: runs {@code action} as a barrier in the writer queue, when no commit is in flight (a leader
   * writes the log and the memtable outside the mutex, so the memtable and log may change only here).
   */
  private void barrier(Runnable action) {
    Writer w = new Writer(null, 0, mutex.newCondition(), false);
    awaitTurn(w);
    try {
      action.run();
    } catch (RuntimeException e) {
      w.error = e;
    } finally {
      leaveHead(w);
    }
    rethrow(w);
  }

  /** With the mutex held: {@code w}, the head, leaves the queue without a commit; the next writer's turn comes. */
  private void leaveHead(Writer w) {
    writers.pollFirst();
    w.done = true;
    Writer next = writers.peekFirst();
    if (next != null) {
      next.turn.signal();
    }
  }

  /** Runs as the head of the writer queue, with the mutex held; commits a group of batches. */
  private void lead() {
    List<Writer> group = new ArrayList<>();
    Throwable error = null;
    try {
      makeRoomForWrite();
      int bytes = 0;
      boolean force = false;
      for (Writer x : writers) {
        if (x.rep == null || (x.kept && !group.isEmpty())
            || (!group.isEmpty() && bytes + x.rep.length > MAX_GROUP_BYTES)) {
          break;
        }
        group.add(x);
        bytes += x.rep.length;
        force |= !x.kept && options.durability() == Durability.SYNC;
      }
      long seq = versions.lastSequence();
      for (Writer x : group) {
        int count = Bytes.getInt(x.rep, 8);
        Bytes.putLong(x.rep, 0, seq + 1);
        seq += count;
      }
      if (seq > InternalKey.MAX_SEQUENCE) {
        throw new StoreException("sequence numbers exhausted");
      }
      MemTable target = mem;
      LogWriter logWriter = log;
      mutex.unlock();
      try {
        if (logWriter != null) {
          for (Writer x : group) {
            logWriter.addRecord(x.rep);
            walBytes.addAndGet(x.rep.length);
          }
          if (force) {
            syncLog(logWriter);
          } else {
            logWriter.flush();
            logUnforced |= options.durability() == Durability.SYNC;
          }
        }
        for (Writer x : group) {
          WriteBatch.applyTo(x.rep, target);
          userBytes.addAndGet(x.userBytes);
        }
      } catch (IOException e) {
        backgroundError = e;
        throw new StoreException("writing the log of " + dir + " failed (" + e.getMessage()
            + "); the store accepts no more writes", e);
      } finally {
        mutex.lock();
      }
      versions.setLastSequence(seq);
      visibleSequence = seq;
    } catch (RuntimeException e) {
      error = e;
    }
    if (group.isEmpty()) {
      group.add(writers.peekFirst());
    }
    for (Writer x : group) {
      Writer head = writers.pollFirst();
      head.done = true;
      head.error = error;
      head.turn.signal();
      assert head == x;
    }
    Writer next = writers.peekFirst();
    if (next != null) {
      next.turn.signal();
    }
  }

  /** With the mutex held: waits or slows the writer until the memtable has room, rotating it when full. */
  private void makeRoomForWrite() {
    boolean slowed = false;
    while (true) {
      checkOpen();
      checkBackgroundError();
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
        long t0 = System.nanoTime();
        maybeScheduleCompaction();
        try {
          backgroundDone.await(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while waiting for flush or compaction");
        }
        stallNanos.addAndGet(System.nanoTime() - t0);
      } else {
        rotateMemtable();
      }
    }
  }

  /** With the mutex held: makes the memtable immutable, starts a new one (and log), schedules the flush. */
  private void rotateMemtable() {
    long number = versions.newFileNumber();
    if (options.durability() != Durability.NONE) {
      try {
        LogWriter next = new LogWriter(fs.create(FileNames.log(dir, number)));
        LogWriter old = log;
        if (logUnforced) {
          syncLog(old);
        }
        log = next;
        old.close();
      } catch (IOException e) {
        backgroundError = e;
        throw new StoreException("cannot start a new log in " + dir, e);
      }
    }
    imms.addFirst(mem);
    mem = newMemTable(number);
    publishView();
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

  private void publishView() {
    view = new ReadView(mem, List.copyOf(imms), versions.current());
  }

  private void checkOpen() {
    if (closed || closing) {
      throw new StoreException("store " + dir + " is closed");
    }
  }

  private void checkBackgroundError() {
    Throwable e = backgroundError;
    if (e != null) {
      throw new StoreException("store " + dir + " stopped accepting writes after a background error: " + e, e);
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

  private Entry getEntry(byte[] key, boolean includeExpired) {
    if (key == null) {
      throw new NullPointerException("key is null");
    }
    if (closed) {
      throw new StoreException("store " + dir + " is closed");
    }
    ReadView v = pin();
    long snapshot = visibleSequence;
    try {
      Lookup found = lookup(v, key, snapshot);
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
    } finally {
      v.version().unref();
    }
  }

  private ReadView pin() {
    while (true) {
      ReadView v = view;
      if (v.version().tryRef()) {
        return v;
      }
    }
  }

  private Lookup lookup(ReadView v, byte[] key, long snapshot) {
    Map.Entry<byte[], byte[]> m = v.mem().get(key, snapshot);
    List<MemTable> imms = v.imms();
    for (int i = 0; m == null && i < imms.size(); i++) {
      m = imms.get(i).get(key, snapshot);
    }
    if (m != null) {
      return new Lookup(InternalKey.type(m.getKey()), m.getValue().clone(), InternalKey.sequence(m.getKey()));
    }
    byte[] seek = InternalKey.seekKey(key, snapshot);
    long hash = BloomFilter.hash(key, 0, key.length);
    Version version = v.version();
    for (int level = 0; level < version.levelCount(); level++) {
      List<Run> runs = version.runs(level);
      for (int r = 0; r < runs.size(); r++) {
        FileMeta f = runs.get(r).find(key);
        if (f != null) {
          TableReader t = table(f);
          Lookup l = t.get(key, seek, hash);
          if (l != null) {
            if (l.type() != InternalKey.TYPE_DELETION) {
              t.accessBits().markRead(hash);
            }
            return l;
          }
        }
      }
    }
    return null;
  }

  private TableReader table(FileMeta f) {
    TableReader r = tables.get(f.fileNumber());
    if (r != null) {
      return r;
    }
    return tables.computeIfAbsent(f.fileNumber(), n -> {
      try {
        return TableReader.open(fs, FileNames.table(dir, n), n, blockCache, readCounters, dropListener != null);
      } catch (IOException e) {
        throw new UncheckedIOException("opening table " + FileNames.table(dir, n), e);
      }
    });
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
    ReadView v = pin();
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
            sources.add(new RunIterator(r, f -> table(f).iterator()));
          }
        }
      }
    } catch (RuntimeException e) {
      v.version().unref();
      throw e;
    }
    return new Cursor(new MergingIterator(sources), snapshot, from, to, options.clock(), v.version()::unref);
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
      if (table(f).mayContainPrefix(prefixExtractor, prefixHash)) {
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
      barrier(() -> {
        checkBackgroundError();
        if (!mem.isEmpty()) {
          rotateMemtable();
        }
      });
      awaitFlushes();
    } finally {
      mutex.unlock();
    }
  }

  private void awaitFlushes() {
    while (!imms.isEmpty()) {
      checkBackgroundError();
      maybeScheduleFlush();
      backgroundDone.awaitUninterruptibly();
    }
  }

  private void maybeScheduleFlush() {
    if (!flushScheduled && !imms.isEmpty() && backgroundError == null) {
      flushScheduled = true;
      flushThread.execute(this::flushOldest);
    }
  }

  private void flushOldest() {
    mutex.lock();
    try {
      flushScheduled = false;
      MemTable imm = imms.peekLast();
      if (imm == null) {
        return;
      }
      VersionEdit edit = new VersionEdit();
      mutex.unlock();
      try {
        writeLevel0Table(imm, edit);
      } finally {
        mutex.lock();
      }
      // imms is newest first: the memtable just after the oldest holds the log that stays live.
      java.util.Iterator<MemTable> olderFirst = imms.descendingIterator();
      olderFirst.next();
      MemTable newerOrCurrent = olderFirst.hasNext() ? olderFirst.next() : mem;
      edit.setLogNumber(newerOrCurrent.logNumber());
      versions.logAndApply(edit);
      for (VersionEdit.Added a : edit.added()) {
        pendingOutputs.remove(a.file().fileNumber());
      }
      imms.pollLast();
      flushes.incrementAndGet();
      publishView();
      deleteObsoleteFiles();
      maybeScheduleCompaction();
      maybeScheduleFlush();
    } catch (IOException | RuntimeException e) {
      backgroundError = e;
    } finally {
      backgroundDone.signalAll();
      mutex.unlock();
    }
  }

  /**
   * Writes a memtable to a new level-0 table (a run of its own) and records it in {@code edit}. Keeps only the newest
   * version of each key: a reader that still needs an older one holds the memtable itself. The flush thread calls it
   * without the mutex; recovery calls it with the mutex held (file numbers are allocated either way).
   */
  private void writeLevel0Table(MemTable m, VersionEdit edit) throws IOException {
    long number = allocateOutput();
    Path path = FileNames.table(dir, number);
    TableProperties props;
    long size;
    try (FileSystem.WritableFile file = fs.create(path)) {
      TableBuilder b = new TableBuilder(file, options.blockBytes(), options.bloomBitsPerKey(), options.indexLayout(),
          options.prefixExtractor());
      byte[] prev = null;
      try (InternalIterator it = m.iterator()) {
        for (it.seekToFirst(); it.valid(); it.next()) {
          byte[] k = it.key();
          if (prev != null && InternalKey.sameUserKey(prev, k)) {
            continue;
          }
          prev = k;
          b.add(k, it.value());
        }
      }
      props = b.finish();
      file.sync();
      size = b.fileSize();
    }
    flushBytes.addAndGet(size);
    edit.addFile(0, meta(number, size, number, props));
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

  private static FileMeta meta(long number, long size, long runId, TableProperties p) {
    return new FileMeta(number, size, runId, p.entries(), p.tombstones(), p.expiringEntries(), p.maxExpireAtMillis(),
        p.smallest(), p.largest());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Compaction

  private void maybeScheduleCompaction() {
    if (!compactionScheduled && !closing && backgroundError == null) {
      compactionScheduled = true;
      compactionThread.execute(this::backgroundCompaction);
    }
  }

  private void backgroundCompaction() {
    compactionRun.lock();
    try {
      while (true) {
        Compaction c;
        Version base;
        mutex.lock();
        try {
          if (closing || backgroundError != null) {
            compactionScheduled = false;
            return;
          }
          base = versions.current();
          c = policy.pick(base, options.clock().getAsLong());
          if (c == null) {
            compactionScheduled = false;
            return;
          }
          base.tryRef();
        } finally {
          mutex.unlock();
        }
        try {
          runCompaction(c, base);
        } finally {
          base.unref();
        }
      }
    } catch (IOException | RuntimeException e) {
      mutex.lock();
      try {
        compactionScheduled = false;
        if (!(e instanceof ClosingException)) {
          backgroundError = e;
        }
        backgroundDone.signalAll();
      } finally {
        mutex.unlock();
      }
    } finally {
      compactionRun.unlock();
    }
  }

  /** Thrown inside a merge when the store is closing, to abandon it. */
  private static final class ClosingException extends RuntimeException {
    ClosingException() {
      super("store closing", null, false, false);
    }
  }

  /**
   * Flushes, then merges every table into one sorted run on the bottom level (for FIFO: drops expired tables and
   * enforces the budget), dropping shadowed versions, expired entries and tombstones. Waits until done.
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
      mutex.lock();
      try {
        checkOpen();
        checkBackgroundError();
        base = versions.current();
        c = policy.full(base, options.clock().getAsLong());
        base.tryRef();
      } finally {
        mutex.unlock();
      }
      try {
        if (c != null) {
          runCompaction(c, base);
        }
      } finally {
        base.unref();
      }
    } catch (IOException e) {
      throw new StoreException("manual compaction of " + dir + " failed", e);
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

  private void runCompaction(Compaction c, Version base) throws IOException {
    VersionEdit edit = new VersionEdit();
    for (Compaction.Input in : c.inputs()) {
      edit.deleteFile(in.level(), in.file().fileNumber());
    }
    long written = 0;
    if (!c.dropOnly()) {
      written = merge(c, base, edit);
    } else if (c.byBudget() && dropListener != null) {
      offerDropped(c);
    }
    mutex.lock();
    try {
      versions.logAndApply(edit);
      for (VersionEdit.Added a : edit.added()) {
        pendingOutputs.remove(a.file().fileNumber());
      }
      compactions.incrementAndGet();
      if (c.dropOnly()) {
        for (Compaction.Input in : c.inputs()) {
          droppedEntries.addAndGet(in.file().entries());
        }
      } else {
        compactionRead.addAndGet(c.inputBytes());
        compactionWritten.addAndGet(written);
      }
      publishView();
      deleteObsoleteFiles();
      backgroundDone.signalAll();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Before a FIFO drop by budget: offers the live entries of the dropped runs to the drop listener and commits what
   * it keeps, forced once under SYNC; the caller then deletes the runs. The snapshot is taken under the mutex, so
   * the tables of its version hold no write newer than its sequence (a newer write is in a memtable, or in a table a
   * flush adds later).
   */
  private void offerDropped(Compaction c) {
    long since;
    ReadView snapshot;
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
      FifoDrop.Env env = new FifoDrop.Env() {
        @Override
        public TableReader table(FileMeta f) {
          return Store.this.table(f);
        }

        @Override
        public boolean shadowed(byte[] userKey, long hash, int newerRuns) {
          return heldAbove(snapshot, since, userKey, hash, newerRuns);
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
      int batchBytes = (int) Math.min(MAX_GROUP_BYTES, options.memtableBytes() / 4);
      new FifoDrop(env, dropListener, options.clock().getAsLong(), batchBytes, COMPACTION_READAHEAD_BYTES)
          .run(runs, dropped);
      forceKeptWrites();
    } finally {
      snapshot.version().unref();
    }
  }

  /**
   * Whether a memtable of {@code v} or one of its {@code newerRuns} newest level-0 runs holds a version of
   * {@code userKey} visible at {@code snapshot} (a tombstone or an expired value counts: it shadows older ones).
   */
  private boolean heldAbove(ReadView v, long snapshot, byte[] userKey, long hash, int newerRuns) {
    if (v.mem().get(userKey, snapshot) != null) {
      return true;
    }
    for (MemTable m : v.imms()) {
      if (m.get(userKey, snapshot) != null) {
        return true;
      }
    }
    List<Run> runs = v.version().runs(0);
    byte[] seek = InternalKey.seekKey(userKey, snapshot);
    for (int i = 0; i < newerRuns; i++) {
      FileMeta f = runs.get(i).find(userKey);
      if (f != null && table(f).get(userKey, seek, hash) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Commits one batch of a FIFO drop's kept records as the head of the writer queue, without the ops whose key was
   * written after {@code since} (a newer write wins over a kept old one: it is in a memtable, or in a level-0 run a
   * flush added since the drop's snapshot, whose runs were {@code runsAtSnapshot}). Appended to the log but, under
   * SYNC, not forced: {@link #forceKeptWrites} forces the drop's writes once.
   */
  private void writeKept(WriteBatch kept, Set<Long> runsAtSnapshot, long since) {
    Writer w;
    mutex.lock();
    try {
      if (closing) {
        throw new ClosingException();
      }
      checkOpen();
      w = new Writer(kept.encode(0), 0, mutex.newCondition(), true);
      // No leader takes a kept writer into its group, so this returns with w at the head.
      awaitTurn(w);
      byte[] rep = w.rep;
      mutex.unlock();
      ReadView now = pin();
      try {
        w.rep = WriteBatch.without(rep, key -> writtenSince(now, runsAtSnapshot, since, key));
      } catch (RuntimeException e) {
        w.rep = null;
        w.error = e;
      } finally {
        now.version().unref();
        mutex.lock();
      }
      if (w.rep == null) {
        leaveHead(w);
      } else {
        lead();
      }
      if (w.error != null && closing) {
        throw new ClosingException();
      }
      if (w.error == null && w.rep != null) {
        fifoKeptEntries.addAndGet(Bytes.getInt(w.rep, 8));
      }
    } finally {
      mutex.unlock();
    }
    rethrow(w);
  }

  /**
   * Whether {@code userKey} has a version newer than {@code since} in {@code v} (pinned): in a memtable, or in a
   * level-0 run that is not one of {@code runsAtSnapshot} (those hold nothing newer). Called by the head of the
   * writer queue, so no write can land meanwhile; a flush that replaces the view moves data, never adds any.
   */
  private boolean writtenSince(ReadView v, Set<Long> runsAtSnapshot, long since, byte[] userKey) {
    Map.Entry<byte[], byte[]> m = v.mem().get(userKey, InternalKey.MAX_SEQUENCE);
    if (m != null && InternalKey.sequence(m.getKey()) > since) {
      return true;
    }
    for (MemTable imm : v.imms()) {
      m = imm.get(userKey, InternalKey.MAX_SEQUENCE);
      if (m != null && InternalKey.sequence(m.getKey()) > since) {
        return true;
      }
    }
    byte[] seek = InternalKey.seekKey(userKey, InternalKey.MAX_SEQUENCE);
    long hash = BloomFilter.hash(userKey, 0, userKey.length);
    for (Run r : v.version().runs(0)) {
      if (runsAtSnapshot.contains(r.runId())) {
        // Runs are newest first and flushes only add new ones: the rest were there at the snapshot.
        break;
      }
      FileMeta f = r.find(userKey);
      Lookup l = f == null ? null : table(f).get(userKey, seek, hash);
      if (l != null && l.sequence() > since) {
        return true;
      }
    }
    return false;
  }

  /** Forces the log once if a FIFO drop's kept writes wait in it unforced (SYNC), before the drop deletes tables. */
  private void forceKeptWrites() {
    mutex.lock();
    try {
      barrier(() -> {
        if (!logUnforced) {
          return;
        }
        LogWriter l = log;
        mutex.unlock();
        try {
          syncLog(l);
        } catch (IOException e) {
          backgroundError = e;
          throw new StoreException("forcing the log of " + dir + " failed (" + e.getMessage()
              + "); the store accepts no more writes", e);
        } finally {
          mutex.lock();
        }
      });
    } finally {
      mutex.unlock();
    }
  }

  /** Merges the inputs into new tables recorded in {@code edit}; returns the bytes written. */
  private long merge(Compaction c, Version base, VersionEdit edit) throws IOException {
    Set<Long> inputNumbers = new HashSet<>();
    List<InternalIterator> sources = new ArrayList<>();
    List<AccessBits> inputReads = new ArrayList<>();
    for (Compaction.Input in : c.inputs()) {
      inputNumbers.add(in.file().fileNumber());
      TableReader t = table(in.file());
      sources.add(t.compactionIterator(COMPACTION_READAHEAD_BYTES));
      if (dropListener != null) {
        inputReads.add(t.accessBits());
      }
    }
    CarriedReads carried = new CarriedReads(inputReads);
    int minLevel = c.minInputLevel();
    long now = options.clock().getAsLong();
    CompactionFilter filter = options.compactionFilter();
    List<FileMeta> outputs = new ArrayList<>();
    long written = 0;
    long runId = c.outputRunId();
    FileSystem.WritableFile file = null;
    TableBuilder builder = null;
    long number = 0;
    try (MergingIterator it = new MergingIterator(sources)) {
      byte[] prevUser = null;
      int sinceCheck = 0;
      for (it.seekToFirst(); it.valid(); it.next()) {
        if (++sinceCheck == 1024) {
          sinceCheck = 0;
          if (closing) {
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
        boolean gone = type == InternalKey.TYPE_DELETION
            || (type == InternalKey.TYPE_EXPIRING_VALUE && Bytes.getLong(value, 0) <= now)
            || (filter != null && !filter.keep(prevUser) && countFiltered());
        if (gone) {
          if (!olderDataMayExist(base, minLevel, inputNumbers, prevUser)) {
            continue;
          }
          if (type != InternalKey.TYPE_DELETION) {
            k = InternalKey.encode(prevUser, InternalKey.sequence(k), InternalKey.TYPE_DELETION);
            value = new byte[0];
          }
        }
        if (builder == null) {
          number = allocateOutput();
          if (runId == Compaction.NEW_RUN) {
            runId = number;
          }
          file = fs.create(FileNames.table(dir, number));
          builder = new TableBuilder(file, options.blockBytes(), options.bloomBitsPerKey(), options.indexLayout(),
              options.prefixExtractor());
        }
        builder.add(k, value);
        if (!gone) {
          carried.note(prevUser);
        }
        if (builder.fileSizeEstimate() >= options.targetFileBytes()) {
          written += finishOutput(builder, file, number, runId, outputs, carried);
          builder = null;
          file = null;
        }
      }
      if (builder != null) {
        written += finishOutput(builder, file, number, runId, outputs, carried);
        builder = null;
        file = null;
      }
    } finally {
      if (file != null) {
        file.close();
      }
    }
    for (FileMeta f : outputs) {
      edit.addFile(c.outputLevel(), f);
    }
    return written;
  }

  private long finishOutput(TableBuilder b, FileSystem.WritableFile file, long number, long runId,
      List<FileMeta> outputs, CarriedReads carried) throws IOException {
    TableProperties props = b.finish();
    file.sync();
    file.close();
    FileMeta meta = meta(number, b.fileSize(), runId, props);
    outputs.add(meta);
    if (carried.any()) {
      carried.moveTo(table(meta).accessBits());
    }
    return b.fileSize();
  }

  /** Counts an entry the compaction filter dropped; always true. */
  private boolean countFiltered() {
    filteredEntries.incrementAndGet();
    return true;
  }

  /** Whether a table outside the compaction, at or below its top input level, may hold an older {@code userKey}. */
  private static boolean olderDataMayExist(Version base, int minLevel, Set<Long> inputs, byte[] userKey) {
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

  // ---------------------------------------------------------------------------------------------------------------
  // Obsolete files

  private void queueObsoleteSweep() {
    if (closed || !obsoleteSweepQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      flushThread.execute(() -> {
        obsoleteSweepQueued.set(false);
        mutex.lock();
        try {
          if (!closed) {
            deleteObsoleteFiles();
          }
        } finally {
          mutex.unlock();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      obsoleteSweepQueued.set(false);
    }
  }

  /** With the mutex held: deletes tables no live version holds, flushed logs, old manifests and temp files. */
  private void deleteObsoleteFiles() {
    if (backgroundError != null) {
      return;
    }
    Set<Long> live = versions.liveFileNumbers();
    live.addAll(pendingOutputs);
    List<String> names;
    try {
      names = fs.list(dir);
    } catch (IOException e) {
      return;
    }
    for (String name : names) {
      FileNames.Parsed p = FileNames.parse(name);
      boolean delete = switch (p.kind()) {
        case TABLE -> !live.contains(p.number());
        case LOG -> p.number() < versions.logNumber() && p.number() != mem.logNumber();
        case MANIFEST -> p.number() != versions.manifestNumber();
        case TEMP -> true;
        default -> false;
      };
      if (!delete) {
        continue;
      }
      if (p.kind() == FileNames.Kind.TABLE) {
        TableReader r = tables.remove(p.number());
        if (r != null) {
          r.close();
        }
        blockCache.evictFile(p.number());
      }
      try {
        fs.delete(dir.resolve(name));
      } catch (IOException e) {
        // Left for the next sweep; an extra file costs space, not correctness.
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statistics and close

  public StoreStatistics statistics() {
    Version v = pin().version();
    try {
      List<StoreStatistics.Level> levels = new ArrayList<>();
      long tableBytes = 0;
      long largest = 0;
      for (int level = 0; level < v.levelCount(); level++) {
        long bytes = v.levelBytes(level);
        long entries = 0;
        long tombstones = 0;
        List<FileMeta> files = v.files(level);
        for (FileMeta f : files) {
          entries += f.entries();
          tombstones += f.tombstones();
        }
        levels.add(new StoreStatistics.Level(level, v.runCount(level), files.size(), bytes, entries, tombstones));
        tableBytes += bytes;
        largest = Math.max(largest, bytes);
      }
      long user = userBytes.get();
      long written = flushBytes.get() + compactionWritten.get();
      long hits = blockCache.hits();
      long misses = blockCache.misses();
      MemTable m = view.mem();
      return new StoreStatistics(levels, user, walBytes.get(), flushBytes.get(), compactionRead.get(),
          compactionWritten.get(), user == 0 ? 0 : (double) written / user,
          largest == 0 ? 0 : (double) tableBytes / largest, readCounters.bloomChecks.sum(),
          readCounters.bloomUseful.sum(), readCounters.bloomFalsePositives.sum(), readCounters.prefixChecks.sum(),
          readCounters.prefixUseful.sum(), hits, misses,
          hits + misses == 0 ? 0 : (double) hits / (hits + misses), blockCache.usedBytes(),
          stallNanos.get() / 1000, flushes.get(), compactions.get(), droppedEntries.get(), filteredEntries.get(),
          m.approximateBytes(), tableBytes, pinnedFilterBytes(), walSyncs.get(), fifoKeptEntries.get());
    } finally {
      v.unref();
    }
  }

  private long pinnedFilterBytes() {
    long sum = 0;
    for (TableReader r : tables.values()) {
      sum += r.filterBytes();
    }
    return sum;
  }

  public Path directory() {
    return dir;
  }

  public Options options() {
    return options;
  }

  /**
   * Closes the store. Without a log ({@link Durability#NONE}) the memtable is flushed first so a clean close keeps
   * every write; with a log the memtable is recovered from it on the next open. A compaction under way is abandoned
   * (its partial output is deleted on the next open). Idempotent.
   */
  @Override
  public void close() {
    mutex.lock();
    try {
      if (closed || closing) {
        return;
      }
      barrier(() -> {
        closing = true;
        if (options.durability() == Durability.NONE && backgroundError == null && !mem.isEmpty()) {
          rotateMemtable();
        }
      });
      if (options.durability() == Durability.NONE && backgroundError == null) {
        awaitFlushes();
      }
    } finally {
      mutex.unlock();
    }
    flushThread.shutdown();
    compactionThread.shutdown();
    try {
      flushThread.awaitTermination(1, TimeUnit.MINUTES);
      compactionThread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    mutex.lock();
    try {
      closed = true;
      try {
        if (log != null) {
          log.close();
        }
        versions.close();
      } catch (IOException e) {
        throw new StoreException("closing store " + dir, e);
      } finally {
        closeTables();
        try {
          dirLock.close();
        } catch (IOException e) {
          // The lock dies with the channel; nothing else to release.
        }
      }
    } finally {
      mutex.unlock();
    }
  }

  private void closeTables() {
    for (TableReader r : tables.values()) {
      r.close();
    }
    tables.clear();
  }
}
