package io.cairn.jcache;

import io.cairn.engine.StoreEnvironment;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import javax.cache.CacheException;

/**
 * What the disk tiers of one cache manager's caches share, from the manager's {@code shared.*} keys: one pool of
 * background threads for flushes and compactions, one block cache with one byte budget, and a bounded number of open
 * table files, so a manager with hundreds of caches (one per Hibernate region, say) runs a few threads and holds a few
 * hundred files, not hundreds of each. A cache that sets its own {@code block-cache-bytes} keeps a block cache of its
 * own instead (still on the shared threads).
 *
 * <pre>
 * shared.block-cache-bytes=64m     the block cache every cache's disk tier reads through
 * shared.flush-threads=1           threads that flush memtables (default: a quarter of the cores, at least one)
 * shared.compaction-threads=1      threads that compact (default: half the cores, at least one)
 * shared.max-open-files=512        table files kept open at once (others are reopened when read)
 * </pre>
 */
record SharedResources(long blockCacheBytes, int flushThreads, int compactionThreads, int maxOpenFiles) {
  static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
  static final int DEFAULT_MAX_OPEN_FILES = 512;
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  static SharedResources defaults() {
    return new SharedResources(DEFAULT_BLOCK_CACHE_BYTES, Math.max(1, CORES / 4), Math.max(1, CORES / 2),
        DEFAULT_MAX_OPEN_FILES);
  }

  /** Reads the {@code shared.*} keys (without their prefix); a bad or unknown one fails naming key and value. */
  static SharedResources parse(Map<String, String> keys, String source) {
    SharedResources d = defaults();
    long blockCache = d.blockCacheBytes();
    int flush = d.flushThreads();
    int compaction = d.compactionThreads();
    int files = d.maxOpenFiles();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "block-cache-bytes" -> blockCache = bytes(v, source);
        case "flush-threads" -> flush = count(e.getKey(), v, 1, 64, source);
        case "compaction-threads" -> compaction = count(e.getKey(), v, 1, 64, source);
        case "max-open-files" -> files = count(e.getKey(), v, 16, 1 << 20, source);
        default -> throw new CacheException("Cairn configuration" + (source == null ? "" : " " + source)
            + ": unknown key shared." + e.getKey() + "=" + v + "; the shared resources are "
            + new TreeSet<>(java.util.List.of("block-cache-bytes", "flush-threads", "compaction-threads",
                "max-open-files")).stream().map(k -> "shared." + k).toList());
      }
    }
    return new SharedResources(blockCache, flush, compaction, files);
  }

  private static long bytes(String v, String source) {
    try {
      return (Long) CairnSetting.BLOCK_CACHE_BYTES.parse(v);
    } catch (CacheException | IllegalArgumentException e) {
      throw new CacheException("Cairn configuration" + (source == null ? "" : " " + source)
          + ": setting shared.block-cache-bytes=" + v + " is not valid; expected a byte size such as 64m or 1g", e);
    }
  }

  private static int count(String key, String v, int min, int max, String source) {
    try {
      int n = Integer.parseInt(v.trim().replace("_", "").toLowerCase(Locale.ROOT));
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // Reported below with the range.
    }
    throw new CacheException("Cairn configuration" + (source == null ? "" : " " + source) + ": setting shared." + key
        + "=" + v + " is not valid; expected a whole number from " + min + " to " + max);
  }

  /** The engine environment these resources make, named after the manager. */
  StoreEnvironment environment(String managerName) {
    return StoreEnvironment.builder().name(managerName).blockCacheBytes(blockCacheBytes).flushThreads(flushThreads)
        .compactionThreads(compactionThreads).maxOpenTableFiles(maxOpenFiles).build();
  }
}
