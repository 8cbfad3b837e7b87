package io.cairn.jcache;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Durability;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * A cache's resolved settings: its configuration's Cairn fields, else the properties (its section, then the manager
 * defaults), else Cairn's defaults.
 */
record CacheSettings(long heapEntries, long diskBytes, Path directory, boolean persistent, Durability durability,
    CompactionStyle compactionStyle, int bloomBitsPerKey, long blockCacheBytes, long memtableBytes,
    int fifoMergeWidth, String serialFilter, boolean bidirectional) {

  static final long DEFAULT_HEAP_ENTRIES = 10_000;
  static final long DEFAULT_DISK_BYTES = 1L << 30;
  static final int DEFAULT_BLOOM_BITS = 10;
  static final long DEFAULT_BLOCK_CACHE_BYTES = 8L << 20;
  static final long DEFAULT_MEMTABLE_BYTES = 4L << 20;
  static final int DEFAULT_FIFO_MERGE_WIDTH = 4;

  /** The keys a properties section may hold. */
  static final Set<String> KEYS = Set.of("heap-entries", "disk-bytes", "directory", "persistent", "durability",
      "compaction", "bloom-bits-per-key", "block-cache-bytes", "memtable-bytes", "fifo-merge-width", "serial-filter", "statistics",
      "management", "store-by-value", "expire-after-write", "expire-after-access", "read-through", "write-through", "bidi");

  /**
   * Resolves the settings of cache {@code name} and applies the JCache-level properties (statistics, management,
   * store-by-value, expiry) to {@code config}.
   */
  static CacheSettings resolve(String name, CairnConfiguration<?, ?> config, ManagerProperties props) {
    Map<String, String> p = props.forCache(name);
    String where = props.source();
    long heap = config.getHeapEntries() != null ? config.getHeapEntries()
        : size(p, "heap-entries", DEFAULT_HEAP_ENTRIES, where, name, false);
    long disk = config.getDiskBytes() != null ? config.getDiskBytes()
        : size(p, "disk-bytes", DEFAULT_DISK_BYTES, where, name, true);
    boolean persistent = config.getPersistent() != null ? config.getPersistent()
        : bool(p, "persistent", false, where, name);
    Path dir = config.getDirectory() != null ? config.getDirectory()
        : p.containsKey("directory") ? Path.of(p.get("directory")) : props.root().resolve(safeName(name));
    Durability durability = config.getDurability() != null ? config.getDurability()
        : en(Durability.class, p, "durability", persistent ? Durability.BUFFERED : Durability.NONE, where, name);
    if (!persistent) {
      durability = Durability.NONE;
    }
    CompactionStyle style = config.getCompactionStyle() != null ? config.getCompactionStyle()
        : en(CompactionStyle.class, p, "compaction", CompactionStyle.FIFO, where, name);
    int bloom = config.getBloomBitsPerKey() != null ? config.getBloomBitsPerKey()
        : (int) size(p, "bloom-bits-per-key", DEFAULT_BLOOM_BITS, where, name, false);
    if (bloom > 64) {
      throw bad(where, name, "bloom-bits-per-key", String.valueOf(bloom), "a number from 0 to 64");
    }
    long blockCache = config.getBlockCacheBytes() != null ? config.getBlockCacheBytes()
        : size(p, "block-cache-bytes", DEFAULT_BLOCK_CACHE_BYTES, where, name, true);
    long memtable = config.getMemtableBytes() != null ? config.getMemtableBytes()
        : size(p, "memtable-bytes", DEFAULT_MEMTABLE_BYTES, where, name, true);
    memtable = Math.max(64 * 1024, memtable);
    int mergeWidth = config.getFifoMergeWidth() != null ? config.getFifoMergeWidth()
        : (int) Math.min(Integer.MAX_VALUE, size(p, "fifo-merge-width", DEFAULT_FIFO_MERGE_WIDTH, where, name, false));
    try {
      io.cairn.engine.Options.checkFifoMergeWidth("fifo-merge-width", mergeWidth);
    } catch (IllegalArgumentException e) {
      throw bad(where, name, "fifo-merge-width", String.valueOf(mergeWidth), "0 (no merging) or a number from 2 to 64");
    }
    String filter = config.getSerialFilter() != null ? config.getSerialFilter() : p.get("serial-filter");
    if (filter != null) {
      try {
        Codecs.filter(filter);
      } catch (IllegalArgumentException e) {
        throw bad(where, name, "serial-filter", filter, "an ObjectInputFilter pattern (" + e.getMessage() + ")");
      }
    }
    if (bool(p, "statistics", false, where, name)) {
      config.setStatisticsEnabled(true);
    }
    if (bool(p, "management", false, where, name)) {
      config.setManagementEnabled(true);
    }
    if (p.containsKey("store-by-value")) {
      config.setStoreByValue(bool(p, "store-by-value", true, where, name));
    }
    if (p.containsKey("read-through")) {
      config.setReadThrough(bool(p, "read-through", false, where, name));
    }
    if (p.containsKey("write-through")) {
      config.setWriteThrough(bool(p, "write-through", false, where, name));
    }
    boolean eternal = config.getExpiryPolicyFactory().create() instanceof EternalExpiryPolicy;
    if (eternal && p.containsKey("expire-after-write")) {
      Duration d = duration(p.get("expire-after-write"), where, name, "expire-after-write");
      config.setExpiryPolicyFactory(FactoryBuilder.factoryOf(new CreatedExpiryPolicy(d)));
    } else if (eternal && p.containsKey("expire-after-access")) {
      Duration d = duration(p.get("expire-after-access"), where, name, "expire-after-access");
      config.setExpiryPolicyFactory(FactoryBuilder.factoryOf(new TouchedExpiryPolicy(d)));
    }
    boolean bidi = config.getBidirectional() != null ? config.getBidirectional()
        : bool(p, "bidi", false, where, name);
    return new CacheSettings(heap, disk, dir, persistent, durability, style, bloom, blockCache, memtable, mergeWidth,
        filter, bidi);
  }

  /** A cache name as a directory name: characters outside [A-Za-z0-9._-] become '_' plus their hex code. */
  static String safeName(String name) {
    StringBuilder sb = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-') {
        sb.append(c);
      } else {
        sb.append('_').append(Integer.toHexString(c));
      }
    }
    String s = sb.toString();
    return s.equals(".") || s.equals("..") ? "_" + s : s;
  }

  static CacheException bad(String where, String cache, String key, String value, String expected) {
    return new CacheException("Cairn configuration" + (where == null ? "" : " " + where) + ": setting " + key + "="
        + value + (cache == null ? "" : " (cache " + cache + ")") + " is not valid; expected " + expected);
  }

  static long size(Map<String, String> p, String key, long dflt, String where, String cache, boolean bytes) {
    String v = p.get(key);
    if (v == null) {
      return dflt;
    }
    String s = v.trim().toLowerCase(Locale.ROOT).replace("_", "");
    long mult = 1;
    if (bytes) {
      if (s.endsWith("b")) {
        s = s.substring(0, s.length() - 1);
      }
      if (s.endsWith("k")) {
        mult = 1L << 10;
      } else if (s.endsWith("m")) {
        mult = 1L << 20;
      } else if (s.endsWith("g")) {
        mult = 1L << 30;
      } else if (s.endsWith("t")) {
        mult = 1L << 40;
      }
      if (mult > 1) {
        s = s.substring(0, s.length() - 1);
      }
    }
    try {
      long n = Long.parseLong(s.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw bad(where, cache, key, v, bytes ? "a byte size such as 512m or 2g" : "a whole number >= 0");
    }
  }

  static boolean bool(Map<String, String> p, String key, boolean dflt, String where, String cache) {
    String v = p.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw bad(where, cache, key, v, "true or false");
    };
  }

  static <E extends Enum<E>> E en(Class<E> type, Map<String, String> p, String key, E dflt, String where,
      String cache) {
    String v = p.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw bad(where, cache, key, v, "one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }

  static Duration duration(String v, String where, String cache, String key) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    TimeUnit unit;
    String digits;
    if (s.endsWith("ms")) {
      unit = TimeUnit.MILLISECONDS;
      digits = s.substring(0, s.length() - 2);
    } else if (s.endsWith("s")) {
      unit = TimeUnit.SECONDS;
      digits = s.substring(0, s.length() - 1);
    } else if (s.endsWith("m")) {
      unit = TimeUnit.MINUTES;
      digits = s.substring(0, s.length() - 1);
    } else if (s.endsWith("h")) {
      unit = TimeUnit.HOURS;
      digits = s.substring(0, s.length() - 1);
    } else if (s.endsWith("d")) {
      unit = TimeUnit.DAYS;
      digits = s.substring(0, s.length() - 1);
    } else {
      unit = TimeUnit.MILLISECONDS;
      digits = s;
    }
    try {
      long n = Long.parseLong(digits.trim());
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return new Duration(unit, n);
    } catch (NumberFormatException e) {
      throw bad(where, cache, key, v, "a positive duration such as 500ms, 30s, 10m, 2h or 1d");
    }
  }
}
