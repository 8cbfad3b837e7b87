package io.cairn.engine;

import io.cairn.engine.cache.BlockCache;
import io.cairn.engine.sstable.Block;
import io.cairn.engine.sstable.FileHandles;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What many stores in one process share (RocksDB's {@code Env} with a shared block cache, Ehcache's shared pools):
 * one bounded pool of background threads for flushes, one for compactions, one housekeeping thread (events and the
 * deletion of obsolete files), one block cache with one byte budget, a bound on the table files kept open, and the
 * disk space reserved by running compactions. Pass it to every store with {@link Options#environment}; a store opened without one gets a private
 * environment sized by its own options, as before environments existed.
 *
 * <pre>{@code
 * StoreEnvironment env = StoreEnvironment.builder().flushThreads(2).compactionThreads(2)
 *     .blockCacheBytes(256L << 20).maxOpenTableFiles(512).build();
 * Store a = Store.open(dirA, Options.defaults().environment(env));
 * Store b = Store.open(dirB, Options.defaults().environment(env));
 * ...
 * a.close(); b.close(); env.close();
 * }</pre>
 *
 * <ul>
 *   <li><b>Threads.</b> Flushes and compactions have pools of their own, so flushes never wait behind long merges
 *   (and a compaction that waits for a flush, as a FIFO drop's kept writes may, always gets one). Each store runs at
 *   most one flush and one compaction at a time, so a busy store cannot take every thread from the others, and an
 *   idle store costs no thread at all. Threads are daemons, named {@code cairn-flush-<name>-<n>},
 *   {@code cairn-compaction-<name>-<n>} and {@code cairn-housekeeping-<name>}, and stop after a few idle seconds.</li>
 *   <li><b>Block cache.</b> One budget in bytes for the data and index blocks of every store; each store's
 *   {@link Options#blockCacheBytes} is ignored. A store's statistics count its own hits and misses.</li>
 *   <li><b>Open table files.</b> At most {@link Builder#maxOpenTableFiles} table files stay open across the stores;
 *   past it the least recently used is closed and opened again when next read (each table's footer, properties and
 *   filter stay on the heap). Besides tables, each store keeps its lock file open, and its write-ahead log under
 *   {@link Durability#BUFFERED} or {@link Durability#SYNC}; the manifest is opened only to record a change.</li>
 *   <li><b>Disk space.</b> Compactions of all stores reserve from one account ({@link Options#writeHeadroomBytes}),
 *   on the assumption that the stores share a disk.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} fails while stores still use the environment.
 */
public final class StoreEnvironment implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final int IDLE_THREAD_SECONDS = 5;

  private final String name;
  private final int flushThreads;
  private final int compactionThreads;
  private final ThreadPoolExecutor flushLane;
  private final ThreadPoolExecutor compactionLane;
  private final ThreadPoolExecutor housekeepingLane;
  private final BlockCache<Object> blockCache;
  private final FileHandles fileHandles;
  private final SpaceReservations space = new SpaceReservations();
  private final AtomicLong tableIds = new AtomicLong();
  private final AtomicInteger stores = new AtomicInteger();
  private final boolean shared;
  private volatile boolean closed;

  private StoreEnvironment(String flushName, String compactionName, String housekeepingName, String name,
      int flushThreads, int compactionThreads, long blockCacheBytes, int maxOpenTableFiles, boolean shared) {
    this.name = name;
    this.flushThreads = flushThreads;
    this.compactionThreads = compactionThreads;
    this.flushLane = lane(flushThreads, flushName);
    this.compactionLane = lane(compactionThreads, compactionName);
    this.housekeepingLane = lane(1, housekeepingName);
    this.blockCache = new BlockCache<>(blockCacheBytes, 16,
        o -> o instanceof Block b ? b.charge() : ((byte[]) o).length + 16);
    this.fileHandles = new FileHandles(maxOpenTableFiles);
    this.shared = shared;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The environment of a store opened without one: one thread of each kind, its own cache, no file bound. */
  static StoreEnvironment privateFor(Path dir, Options o) {
    String d = String.valueOf(dir.getFileName());
    return new StoreEnvironment("cairn-flush " + d, "cairn-compaction " + d, "cairn-events " + d, d, 1, 1,
        o.blockCacheBytes(), Integer.MAX_VALUE, false);
  }

  private static ThreadPoolExecutor lane(int threads, String name) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, threads == 1 ? name : name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), factory);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** How an environment is built. Every setter checks its argument and names it when it refuses one. */
  public static final class Builder {
    private String name;
    private int flushThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
    private int compactionThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    private long blockCacheBytes = 64L << 20;
    private int maxOpenTableFiles = 512;

    private Builder() {}

    /** Part of the threads' names; default {@code env<n>}. */
    public Builder name(String n) {
      if (n == null || n.isBlank() || n.length() > 64) {
        throw new IllegalArgumentException("environment name must be 1 to 64 characters, was "
            + (n == null ? "null" : "\"" + n + "\""));
      }
      this.name = n;
      return this;
    }

    /** Threads that flush memtables, for all stores; default a quarter of the processors, at least 1. */
    public Builder flushThreads(int n) {
      this.flushThreads = (int) check("flushThreads", n, 1, 256);
      return this;
    }

    /** Threads that compact, for all stores; default half of the processors, at least 1. */
    public Builder compactionThreads(int n) {
      this.compactionThreads = (int) check("compactionThreads", n, 1, 256);
      return this;
    }

    /** The block cache's budget, for all stores; default 64 MiB. */
    public Builder blockCacheBytes(long b) {
      this.blockCacheBytes = check("blockCacheBytes", b, 0, Long.MAX_VALUE / 2);
      return this;
    }

    /** The most table files kept open across the stores; default 512. */
    public Builder maxOpenTableFiles(int n) {
      this.maxOpenTableFiles = (int) check("maxOpenTableFiles", n, 1, 1 << 24);
      return this;
    }

    private static long check(String setting, long value, long min, long max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", was " + value);
      }
      return value;
    }

    public StoreEnvironment build() {
      String n = name != null ? name : "env" + NAMES.incrementAndGet();
      return new StoreEnvironment("cairn-flush-" + n, "cairn-compaction-" + n, "cairn-housekeeping-" + n, n,
          flushThreads, compactionThreads, blockCacheBytes, maxOpenTableFiles, true);
    }
  }

  /**
   * The environment's figures.
   *
   * @param flushThreads the flush pool's size
   * @param compactionThreads the compaction pool's size
   * @param liveThreads threads alive now in all three pools (idle ones stop after a few seconds)
   * @param activeJobs flushes, compactions and housekeeping tasks running now
   * @param queuedJobs tasks waiting for a thread
   * @param blockCacheCapacityBytes the block cache's budget
   * @param blockCacheUsedBytes what the cached blocks take
   * @param blockCacheHits lookups of every store the cache answered
   * @param blockCacheMisses lookups that read the file
   * @param openTableFiles table files open now
   * @param maxOpenTableFiles the bound on them
   * @param tableFileOpens table files opened (first opens and reopens)
   * @param tableFileEvictions table files closed to stay within the bound
   * @param stores stores using the environment
   */
  public record Statistics(int flushThreads, int compactionThreads, int liveThreads, int activeJobs, long queuedJobs,
      long blockCacheCapacityBytes, long blockCacheUsedBytes, long blockCacheHits, long blockCacheMisses,
      int openTableFiles, int maxOpenTableFiles, long tableFileOpens, long tableFileEvictions, int stores) {}

  public Statistics statistics() {
    return new Statistics(flushThreads, compactionThreads,
        flushLane.getPoolSize() + compactionLane.getPoolSize() + housekeepingLane.getPoolSize(),
        flushLane.getActiveCount() + compactionLane.getActiveCount() + housekeepingLane.getActiveCount(),
        flushLane.getQueue().size() + compactionLane.getQueue().size() + housekeepingLane.getQueue().size(),
        blockCache.capacityBytes(), blockCache.usedBytes(), blockCache.hits(), blockCache.misses(),
        fileHandles.openFiles(), fileHandles.maxOpenFiles(), fileHandles.opens(), fileHandles.evictions(),
        stores.get());
  }

  /** Whether stores share this environment (false for the private one of a store opened without one). */
  boolean shared() {
    return shared;
  }

  String name() {
    return name;
  }

  ThreadPoolExecutor flushLane() {
    return flushLane;
  }

  ThreadPoolExecutor compactionLane() {
    return compactionLane;
  }

  ThreadPoolExecutor housekeepingLane() {
    return housekeepingLane;
  }

  BlockCache<Object> blockCache() {
    return blockCache;
  }

  FileHandles fileHandles() {
    return fileHandles;
  }

  SpaceReservations space() {
    return space;
  }

  /** A key for one table's blocks in the shared cache, unique across the environment's stores. */
  long newTableCacheId() {
    return tableIds.incrementAndGet();
  }

  /** A store starts using the environment. */
  void attach(Path dir) {
    if (closed) {
      throw new IllegalStateException("cannot open store " + dir + ": its environment " + name + " is closed");
    }
    stores.incrementAndGet();
  }

  /** A store stopped using the environment (it closed, or its open failed). */
  void detach() {
    stores.decrementAndGet();
  }

  /**
   * Stops the environment's threads once their tasks are done.
   *
   * @throws IllegalStateException if a store still uses it (close the stores first)
   */
  @Override
  public void close() {
    int open = stores.get();
    if (open > 0) {
      throw new IllegalStateException("environment " + name + " is used by " + open + " open store"
          + (open == 1 ? "" : "s") + "; close them first");
    }
    closed = true;
    flushLane.shutdown();
    compactionLane.shutdown();
    housekeepingLane.shutdown();
    try {
      flushLane.awaitTermination(1, TimeUnit.MINUTES);
      compactionLane.awaitTermination(1, TimeUnit.MINUTES);
      housekeepingLane.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
