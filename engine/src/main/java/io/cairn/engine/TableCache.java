package io.cairn.engine;

import io.cairn.engine.cache.BlockCache;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.sstable.FileHandles;
import io.cairn.engine.sstable.ReadCounters;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.FileNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One place a store's tables are opened (LevelDB's {@code table_cache.cc}): a table is opened on its first read and
 * kept, with its footer, properties and filter on the heap, until it is deleted or the store closes; its file handle
 * and blocks live in the environment's bounded {@link FileHandles} and {@link BlockCache}, under a cache id unique
 * across the stores sharing them.
 *
 * <p>Thread-safe: the map is concurrent; two first readers of a table open it once.
 */
final class TableCache {
  private final FileSystem fs;
  private final Path dir;
  private final StoreEnvironment env;
  private final ReadCounters counters;
  private final boolean trackReads;
  private final Map<Long, TableReader> tables = new ConcurrentHashMap<>();

  /** @param trackReads give each table access bits (a FIFO store with a drop listener) */
  TableCache(FileSystem fs, Path dir, StoreEnvironment env, ReadCounters counters, boolean trackReads) {
    this.fs = fs;
    this.dir = dir;
    this.env = env;
    this.counters = counters;
    this.trackReads = trackReads;
  }

  TableReader get(FileMeta f) {
    return get(f.fileNumber());
  }

  /** The reader of table {@code number}, opened now if it is not open; an I/O failure is unchecked. */
  TableReader get(long number) {
    TableReader r = tables.get(number);
    if (r != null) {
      return r;
    }
    return tables.computeIfAbsent(number, n -> {
      Path path = FileNames.table(dir, n);
      try {
        return TableReader.open(fs, path, n, env.newTableCacheId(), env.blockCache(), env.fileHandles(), counters,
            trackReads);
      } catch (IOException e) {
        throw new UncheckedIOException("opening table " + path, e);
      }
    });
  }

  /** Table {@code number} is deleted (or was never installed): closes its reader and drops its cached blocks. */
  void evict(long number) {
    TableReader r = tables.remove(number);
    if (r != null) {
      r.close();
      env.blockCache().evictTable(r.cacheId());
    }
  }

  /** Heap bytes the open tables' pinned bloom filters hold. */
  long pinnedFilterBytes() {
    long sum = 0;
    for (TableReader r : tables.values()) {
      sum += r.filterBytes();
    }
    return sum;
  }

  /** Closes every table and drops their blocks from the (perhaps shared) block cache, in one pass over it. */
  void closeAll() {
    Set<Long> cached = new HashSet<>();
    for (TableReader r : tables.values()) {
      r.close();
      cached.add(r.cacheId());
    }
    tables.clear();
    env.blockCache().evictTables(cached);
  }
}
