package io.cairn.engine;

import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.fs.LocalFileSystem;
import io.cairn.engine.sstable.IndexLayout;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How a store is opened. Every setter checks its argument and names the setting and the bad value when it refuses
 * one. Defaults suit a cache tier of a few GiB on a small machine. A store copies its options when it opens: a later
 * change to this object changes no open store.
 *
 * <p>Not thread-safe: build the options on one thread, then open stores with them.
 */
public final class Options {
  private Durability durability = Durability.BUFFERED;
  private CompactionStyle compactionStyle = CompactionStyle.LEVELED;
  private int sizeRatio = 10;
  private int maxLevels = 4;
  private int level0CompactionTrigger = 4;
  private long levelBaseBytes = 0;
  private long memtableBytes = 4L << 20;
  private int maxImmutableMemtables = 2;
  private int blockBytes = 4096;
  private int bloomBitsPerKey = 10;
  private long blockCacheBytes = 32L << 20;
  private IndexLayout indexLayout = IndexLayout.ARRAY;
  private Compression compression = Compression.NONE;
  private long targetFileBytes = 8L << 20;
  private long fifoMaxBytes = 1L << 30;
  private int fifoMergeWidth = 4;
  private boolean createIfMissing = true;
  private boolean lockDirectory = true;
  private FileSystem fileSystem = LocalFileSystem.INSTANCE;
  private LongSupplier clock = System::currentTimeMillis;
  private PrefixExtractor prefixExtractor;
  private CompactionFilter compactionFilter;
  private FifoDropListener fifoDropListener;
  private EventListener eventListener = EventListener.NONE;
  private StoreEnvironment environment;
  private long errorRetryInitialMillis = 100;
  private long errorRetryMaxMillis = 10_000;

  public static Options defaults() {
    return new Options();
  }

  /**
   * A copy of these options: a store keeps the copy it took at open, so changing the caller's object afterwards
   * reaches no open store. The listeners, filters, clock, file system and environment are shared, not copied.
   */
  Options copy() {
    Options c = new Options();
    c.durability = durability;
    c.compactionStyle = compactionStyle;
    c.sizeRatio = sizeRatio;
    c.maxLevels = maxLevels;
    c.level0CompactionTrigger = level0CompactionTrigger;
    c.levelBaseBytes = levelBaseBytes;
    c.memtableBytes = memtableBytes;
    c.maxImmutableMemtables = maxImmutableMemtables;
    c.blockBytes = blockBytes;
    c.bloomBitsPerKey = bloomBitsPerKey;
    c.blockCacheBytes = blockCacheBytes;
    c.indexLayout = indexLayout;
    c.compression = compression;
    c.targetFileBytes = targetFileBytes;
    c.fifoMaxBytes = fifoMaxBytes;
    c.fifoMergeWidth = fifoMergeWidth;
    c.createIfMissing = createIfMissing;
    c.lockDirectory = lockDirectory;
    c.fileSystem = fileSystem;
    c.clock = clock;
    c.prefixExtractor = prefixExtractor;
    c.compactionFilter = compactionFilter;
    c.fifoDropListener = fifoDropListener;
    c.eventListener = eventListener;
    c.environment = environment;
    c.errorRetryInitialMillis = errorRetryInitialMillis;
    c.errorRetryMaxMillis = errorRetryMaxMillis;
    return c;
  }

  private static long check(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  public Options durability(Durability d) {
    this.durability = Objects.requireNonNull(d, "durability");
    return this;
  }

  public Options compactionStyle(CompactionStyle s) {
    this.compactionStyle = Objects.requireNonNull(s, "compactionStyle");
    return this;
  }

  /** Growth factor between levels (leveled) or runs gathered per level (tiered). */
  public Options sizeRatio(int r) {
    this.sizeRatio = (int) check("sizeRatio", r, 2, 100);
    return this;
  }

  public Options maxLevels(int n) {
    this.maxLevels = (int) check("maxLevels", n, 2, 12);
    return this;
  }

  public Options level0CompactionTrigger(int n) {
    this.level0CompactionTrigger = (int) check("level0CompactionTrigger", n, 1, 64);
    return this;
  }

  /** Budget of level 1 under leveled compaction; 0 means four memtables. */
  public Options levelBaseBytes(long b) {
    this.levelBaseBytes = check("levelBaseBytes", b, 0, Long.MAX_VALUE / 1024);
    return this;
  }

  public Options memtableBytes(long b) {
    this.memtableBytes = check("memtableBytes", b, 16 * 1024, 1L << 30);
    return this;
  }

  public Options maxImmutableMemtables(int n) {
    this.maxImmutableMemtables = (int) check("maxImmutableMemtables", n, 1, 16);
    return this;
  }

  public Options blockBytes(int b) {
    this.blockBytes = (int) check("blockBytes", b, 256, 1 << 20);
    return this;
  }

  /** Bloom filter bits per key; 0 turns filters off. */
  public Options bloomBitsPerKey(int b) {
    this.bloomBitsPerKey = (int) check("bloomBitsPerKey", b, 0, 64);
    return this;
  }

  /** The block cache's budget, for a store with a private environment (a shared one has its own budget). */
  public Options blockCacheBytes(long b) {
    this.blockCacheBytes = check("blockCacheBytes", b, 0, Long.MAX_VALUE / 2);
    return this;
  }

  public Options indexLayout(IndexLayout l) {
    this.indexLayout = Objects.requireNonNull(l, "indexLayout");
    return this;
  }

  /**
   * The codec of new tables' data and index blocks (see {@link Compression}); tables already written keep theirs,
   * and every table is read whatever its codec. Default {@link Compression#NONE}, so a byte budget holds what it
   * held before compression existed. {@link Compression#LZ4} is what a cache tier wants: on JSON-like and
   * Java-serialized values it made tables 2.4x and 3.7x smaller, so a disk budget holds that many more entries, for
   * up to a third of the read throughput of lookups that miss the block cache (nothing for hits, which find blocks
   * uncompressed).
   */
  public Options compression(Compression c) {
    Objects.requireNonNull(c, "compression");
    if (!c.isAvailable()) {
      throw new IllegalArgumentException("compression " + c + " needs com.github.luben:zstd-jni on the class path");
    }
    this.compression = c;
    return this;
  }

  public Options targetFileBytes(long b) {
    this.targetFileBytes = check("targetFileBytes", b, 16 * 1024, 1L << 32);
    return this;
  }

  /** The byte budget of a {@link CompactionStyle#FIFO} store. */
  public Options fifoMaxBytes(long b) {
    this.fifoMaxBytes = check("fifoMaxBytes", b, 1, Long.MAX_VALUE);
    return this;
  }

  /**
   * Under {@link CompactionStyle#FIFO}: the fewest adjacent level-0 runs of similar size merged into one, which keeps
   * the number of tables a read asks bounded; 0 never merges (write amplification 1, one run per flush).
   */
  public Options fifoMergeWidth(int n) {
    this.fifoMergeWidth = checkFifoMergeWidth("fifoMergeWidth", n);
    return this;
  }

  /**
   * The rule for {@link #fifoMergeWidth}, for callers that take the setting elsewhere: 0, or 2 to 64. The error names
   * the setting as {@code name}.
   */
  public static int checkFifoMergeWidth(String name, int n) {
    if (n != 0 && (n < 2 || n > 64)) {
      throw new IllegalArgumentException(name + " must be 0 (no merging) or between 2 and 64, was " + n);
    }
    return n;
  }

  public Options createIfMissing(boolean b) {
    this.createIfMissing = b;
    return this;
  }

  /**
   * Whether the store takes its directory's {@code LOCK} file (default true), so a second store or process opening
   * it fails. Turn it off only for a directory the caller owns alone, such as a private temporary directory it
   * made: a store then holds no file open for the lock, which counts when a process opens hundreds of stores.
   */
  public Options lockDirectory(boolean lock) {
    this.lockDirectory = lock;
    return this;
  }

  public Options fileSystem(FileSystem fs) {
    this.fileSystem = Objects.requireNonNull(fs, "fileSystem");
    return this;
  }

  /** The clock expiry is judged by, in epoch milliseconds. */
  public Options clock(LongSupplier c) {
    this.clock = Objects.requireNonNull(c, "clock");
    return this;
  }

  /**
   * Adds the prefixes {@code e} names to every new table's bloom filter, for {@link Store#scanPrefix}. Off by
   * default. Requires bloom filters ({@link #bloomBitsPerKey} above 0) to skip anything. The memtable then keeps the
   * keys that have a prefix in buckets by prefix (see {@code MemTable}), which suits prefixes of a few keys each; a
   * range scan over many prefixed keys of the active memtable pays a sort of them.
   */
  public Options prefixExtractor(PrefixExtractor e) {
    Objects.requireNonNull(e, "prefixExtractor");
    io.cairn.engine.sstable.TableProperties.checkExtractorName(e.name());
    this.prefixExtractor = e;
    return this;
  }

  /** Asks {@code f} about every entry a merging compaction writes; off by default. */
  public Options compactionFilter(CompactionFilter f) {
    this.compactionFilter = Objects.requireNonNull(f, "compactionFilter");
    return this;
  }

  /**
   * Under {@link CompactionStyle#FIFO}: asks {@code l} what to keep of the tables the store drops for its byte
   * budget ({@link #fifoMaxBytes}), so that recently read entries survive without a read ever writing. Off by
   * default; ignored under the other styles, which drop no tables.
   *
   * <ul>
   *   <li><b>What is offered.</b> Before deleting the oldest runs by budget, the store calls
   *   {@link FifoDropListener#onDrop} on the thread running the drop (the compaction thread, or the caller of
   *   {@link Store#compact}) for each entry of them that is its key's newest version at the drop's snapshot (no
   *   newer table or memtable holds the key, not even as a tombstone or an expired value), is not a tombstone and
   *   has not expired by the store's clock. Runs are visited oldest first, each in key order. Tables dropped because
   *   every entry expired are not offered.</li>
   *   <li><b>What is written.</b> What the listener appends to {@code keep} is written as ordinary writes: to the
   *   memtable, and under {@link Durability#BUFFERED} or {@link Durability#SYNC} to the log, in atomic batches of
   *   up to a quarter of {@link #memtableBytes} (what one call appends is never split). Under SYNC the log is forced
   *   once for the whole drop (plus once per log rotated while the kept writes fill memtables), not once per batch
   *   or entry. Only then are the tables removed from the version and deleted, so a crash in between loses nothing;
   *   afterwards kept entries are as durable as any write of the store's durability (under {@link Durability#NONE}
   *   they live in the memtable until the next flush). An op of {@code keep} whose key was written after the drop's
   *   snapshot is skipped: the newer write wins. Kept writes count in {@link StoreStatistics#fifoKeptEntries} and
   *   the log's bytes, not in {@link StoreStatistics#userBytesWritten}.</li>
   *   <li><b>No loop.</b> Kept writes land in the newest run, so the age order reaches them again only after every
   *   older run. And a drop rewrites at most half of the key and value bytes the dropped tables hold (as their
   *   properties count them): once what was kept passes that, the remaining entries are dropped without being
   *   offered (they go to {@link FifoDropListener#onDiscard}). So every drop frees about half of what it deletes at
   *   least, a listener that keeps everything still lets the store settle within its budget, and what a listener
   *   keeps survives wherever it sorts, as long as it is under half.</li>
   *   <li><b>What is lost.</b> Every live entry a drop deletes reaches the listener once per drop, through
   *   {@link FifoDropListener#onDrop} or, past the cap and in a drop for space after a write found the disk full
   *   (which keeps nothing), {@link FifoDropListener#onDiscard}; {@link FifoDropListener#onDropEnd} then says whether
   *   the tables left the store. A drop that failed is offered again whole, so a listener that reports losses reports
   *   them at the end of a drop that deleted its tables.</li>
   *   <li><b>Recently read.</b> Each open table keeps about two bits per entry in memory (a quarter byte per entry):
   *   a point read ({@link Store#get}, {@link Store#getEntry}, {@link Store#getEntryIncludingExpired}) that returns
   *   a key from a table marks it there, with no lock and no write once marked; merges carry the marks to their
   *   output. Scans mark nothing. {@code recentlyRead} is the mark: always true for a key read since the store was
   *   opened (unless the read raced with a merge of its table), and true for a key not read with the rate of a
   *   two-probe bloom filter at two bits per key (about 1% when a tenth of the table's keys were read, 5% at a
   *   quarter, 15% at half). Marks live only in memory: a reopened store starts with none.</li>
   *   <li>The listener may read and write the store; it must not close or compact it ({@link Store#compact} from it
   *   throws {@link IllegalStateException}). If it throws, the drop is abandoned (its tables stay) and the store
   *   stops accepting writes with that error, as after any background failure; the retry, with backoff, offers the
   *   entries again.</li>
   * </ul>
   */
  public Options fifoDropListener(FifoDropListener l) {
    this.fifoDropListener = Objects.requireNonNull(l, "fifoDropListener");
    return this;
  }

  /**
   * Runs the store in {@code env}, with the threads, block cache, open-file bound and disk-space account it shares with
   * the other stores there (see {@link StoreEnvironment}); {@link #blockCacheBytes} is then ignored. Without one, a
   * store gets a private environment: one flush and one compaction thread, its own block cache of
   * {@link #blockCacheBytes}, and no bound on open table files.
   */
  public Options environment(StoreEnvironment env) {
    this.environment = Objects.requireNonNull(env, "environment");
    return this;
  }

  /**
   * Tells {@code l} what the store does in the background: flushes, compactions, write stalls, errors and their
   * recovery, corruption found, tables a FIFO store drops. Called on a background thread, never with the store's
   * mutex held; see {@link EventListener} for the rules. None by default.
   */
  public Options eventListener(EventListener l) {
    this.eventListener = Objects.requireNonNull(l, "eventListener");
    return this;
  }

  /**
   * How a store retries the work that an I/O error or a full disk stopped (see {@link StoreError}): first after
   * {@code initialMillis}, then twice as long after each retry that failed, up to {@code maxMillis}. A retry after a
   * full disk waits, at the same pace, until the file system reports room for what the store must write. Defaults:
   * 100 ms and 10 s. {@link Store#resume()} retries at once.
   */
  public Options errorRetryMillis(long initialMillis, long maxMillis) {
    check("errorRetryMillis initial", initialMillis, 1, 3_600_000);
    this.errorRetryMaxMillis = check("errorRetryMillis max", maxMillis, initialMillis, 3_600_000);
    this.errorRetryInitialMillis = initialMillis;
    return this;
  }

  public Durability durability() {
    return durability;
  }

  public CompactionStyle compactionStyle() {
    return compactionStyle;
  }

  public int sizeRatio() {
    return sizeRatio;
  }

  public int maxLevels() {
    return maxLevels;
  }

  public int level0CompactionTrigger() {
    return level0CompactionTrigger;
  }

  public long levelBaseBytes() {
    return levelBaseBytes == 0 ? memtableBytes * 4 : levelBaseBytes;
  }

  public long memtableBytes() {
    return memtableBytes;
  }

  public int maxImmutableMemtables() {
    return maxImmutableMemtables;
  }

  public int blockBytes() {
    return blockBytes;
  }

  public int bloomBitsPerKey() {
    return bloomBitsPerKey;
  }

  public long blockCacheBytes() {
    return blockCacheBytes;
  }

  public IndexLayout indexLayout() {
    return indexLayout;
  }

  public Compression compression() {
    return compression;
  }

  public long targetFileBytes() {
    return targetFileBytes;
  }

  public long fifoMaxBytes() {
    return fifoMaxBytes;
  }

  public int fifoMergeWidth() {
    return fifoMergeWidth;
  }

  public boolean createIfMissing() {
    return createIfMissing;
  }

  public boolean lockDirectory() {
    return lockDirectory;
  }

  public FileSystem fileSystem() {
    return fileSystem;
  }

  public LongSupplier clock() {
    return clock;
  }

  /** The compaction filter, or null if none is set. */
  public CompactionFilter compactionFilter() {
    return compactionFilter;
  }

  /** The FIFO drop listener, or null if none is set. */
  public FifoDropListener fifoDropListener() {
    return fifoDropListener;
  }

  /** The shared environment, or null when the store gets a private one. */
  public StoreEnvironment environment() {
    return environment;
  }

  /** The event listener; {@link EventListener#NONE} if none is set. */
  public EventListener eventListener() {
    return eventListener;
  }

  public long errorRetryInitialMillis() {
    return errorRetryInitialMillis;
  }

  public long errorRetryMaxMillis() {
    return errorRetryMaxMillis;
  }

  /**
   * Disk space a store keeps free for its writes: room for the memtable and every memtable waiting for flush, once as
   * a log and once as a table. A compaction does not start unless it leaves this much free, and a FIFO store drops
   * its oldest tables rather than let the free space fall below it.
   */
  public long writeHeadroomBytes() {
    return 2 * memtableBytes * (maxImmutableMemtables + 1L);
  }

  /** The prefix extractor, or null if none is set. */
  public PrefixExtractor prefixExtractor() {
    return prefixExtractor;
  }
}
