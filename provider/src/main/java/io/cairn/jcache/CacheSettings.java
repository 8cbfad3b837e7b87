package io.cairn.jcache;

import static io.cairn.jcache.CairnSetting.BIDI;
import static io.cairn.jcache.CairnSetting.BLOCK_CACHE_BYTES;
import static io.cairn.jcache.CairnSetting.BLOOM_BITS_PER_KEY;
import static io.cairn.jcache.CairnSetting.COMPACTION;
import static io.cairn.jcache.CairnSetting.DIRECTORY;
import static io.cairn.jcache.CairnSetting.DISK_BYTES;
import static io.cairn.jcache.CairnSetting.DURABILITY;
import static io.cairn.jcache.CairnSetting.EXPIRE_AFTER_ACCESS;
import static io.cairn.jcache.CairnSetting.EXPIRE_AFTER_WRITE;
import static io.cairn.jcache.CairnSetting.FIFO_MERGE_WIDTH;
import static io.cairn.jcache.CairnSetting.HEAP_ENTRIES;
import static io.cairn.jcache.CairnSetting.LOCAL_ONLY;
import static io.cairn.jcache.CairnSetting.MANAGEMENT;
import static io.cairn.jcache.CairnSetting.MAX_LOCAL_AGE_MILLIS;
import static io.cairn.jcache.CairnSetting.MEMTABLE_BYTES;
import static io.cairn.jcache.CairnSetting.ONE_SLOT;
import static io.cairn.jcache.CairnSetting.PERSISTENT;
import static io.cairn.jcache.CairnSetting.READ_THROUGH;
import static io.cairn.jcache.CairnSetting.SERIAL_FILTER;
import static io.cairn.jcache.CairnSetting.STATISTICS;
import static io.cairn.jcache.CairnSetting.STORE_BY_VALUE;
import static io.cairn.jcache.CairnSetting.WRITE_THROUGH;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Durability;
import java.nio.file.Path;
import java.util.Map;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;

/**
 * A cache's resolved settings: its configuration's Cairn fields, else the properties (its section, then the manager
 * defaults), else the defaults of {@link CairnSetting}. {@code remote} says the cache lives over its manager's shared
 * tier ({@code remote.uri} is set and the cache is not {@code local-only}).
 */
record CacheSettings(long heapEntries, long diskBytes, Path directory, boolean persistent, Durability durability,
    CompactionStyle compactionStyle, int bloomBitsPerKey, Long blockCacheBytes, long memtableBytes,
    int fifoMergeWidth, String serialFilter, boolean bidirectional, boolean localOnly, boolean oneSlot,
    long maxLocalAgeMillis, boolean remote, io.cairn.engine.Compression compression, boolean nearDisk) {

  /**
   * Resolves the settings of cache {@code name} and applies the JCache-level ones (statistics, management,
   * store-by-value, read-through, write-through, expiry) to {@code config}. Each comes from {@code config} when set
   * there, else from the properties, else from {@link CairnSetting}'s default; a JCache flag counts as set on
   * {@code config} when it differs from JCache's default, and an expiry setting applies to an eternal policy only.
   */
  static CacheSettings resolve(String name, CairnConfiguration<?, ?> config, ManagerProperties props) {
    Source in = new Source(props.forCache(name), props.source(), name);
    long heap = in.get(HEAP_ENTRIES, config.getHeapEntries());
    long disk = in.get(DISK_BYTES, config.getDiskBytes());
    boolean persistent = in.get(PERSISTENT, config.getPersistent());
    Path dir = in.get(DIRECTORY, config.getDirectory());
    if (dir == null) {
      dir = props.root().resolve(safeName(name));
    }
    Durability durability = in.get(DURABILITY, config.getDurability());
    if (!persistent) {
      durability = Durability.NONE;
    }
    CompactionStyle style = in.get(COMPACTION, config.getCompactionStyle());
    int bloom = in.get(BLOOM_BITS_PER_KEY, config.getBloomBitsPerKey());
    Long blockCache = in.get(BLOCK_CACHE_BYTES, config.getBlockCacheBytes());
    io.cairn.engine.Compression compression = in.get(CairnSetting.COMPRESSION, config.getCompression());
    long memtable = Math.max(64 * 1024, in.<Long>get(MEMTABLE_BYTES, config.getMemtableBytes()));
    int mergeWidth = in.get(FIFO_MERGE_WIDTH, config.getFifoMergeWidth());
    String filter = in.get(SERIAL_FILTER, config.getSerialFilter());
    config.setStatisticsEnabled(in.flag(STATISTICS, config.isStatisticsEnabled()));
    config.setManagementEnabled(in.flag(MANAGEMENT, config.isManagementEnabled()));
    config.setStoreByValue(in.flag(STORE_BY_VALUE, config.isStoreByValue()));
    config.setReadThrough(in.flag(READ_THROUGH, config.isReadThrough()));
    config.setWriteThrough(in.flag(WRITE_THROUGH, config.isWriteThrough()));
    if (config.getExpiryPolicyFactory().create() instanceof EternalExpiryPolicy) {
      Duration write = in.get(EXPIRE_AFTER_WRITE, null);
      Duration access = in.get(EXPIRE_AFTER_ACCESS, null);
      if (write != null) {
        config.setExpiryPolicyFactory(EXPIRE_AFTER_WRITE.expiryPolicy(write));
      } else if (access != null) {
        config.setExpiryPolicyFactory(EXPIRE_AFTER_ACCESS.expiryPolicy(access));
      }
    }
    boolean bidi = in.get(BIDI, config.getBidirectional());
    boolean localOnly = in.get(LOCAL_ONLY, config.getLocalOnly());
    boolean oneSlot = in.get(ONE_SLOT, config.getOneSlot());
    long maxLocalAge = in.get(MAX_LOCAL_AGE_MILLIS, config.getMaxLocalAgeMillis());
    boolean remote = props.remoteUri() != null && !localOnly;
    // A local cache has a disk tier of its own and ignores it.
    boolean nearDisk = in.get(CairnSetting.NEAR_DISK, config.getNearDisk());
    if (remote && nearDisk && disk <= 0) {
      throw new javax.cache.CacheException("cache " + name + ": near-disk=true needs a disk tier to keep the near"
          + " copies in, but disk-bytes=" + disk + "; give disk-bytes a budget above 0 or leave near-disk unset");
    }
    if (remote && (bidi || persistent)) {
      throw new javax.cache.CacheException("cache " + name + ": " + (bidi ? "bidi=true" : "persistent=true")
          + " is not available on a remote cache (the manager's remote.uri=" + props.remoteUri() + " makes every"
          + " cache remote): set local-only=true for this cache to keep it local, or leave "
          + (bidi ? "bidi" : "persistent") + " unset");
    }
    return new CacheSettings(heap, disk, dir, persistent, durability, style, bloom, blockCache, memtable, mergeWidth,
        filter, bidi, localOnly, oneSlot, maxLocalAge, remote, compression, nearDisk);
  }

  /**
   * The settings of a remote cache's near disk tier: these, but FIFO whatever {@code compaction} says (the only style
   * that keeps the tier within {@code disk-bytes} by dropping its oldest copies), never persistent, no log.
   */
  CacheSettings forNearDisk() {
    return new CacheSettings(heapEntries, diskBytes, directory, false, Durability.NONE, CompactionStyle.FIFO,
        bloomBitsPerKey, blockCacheBytes, memtableBytes, fifoMergeWidth, serialFilter, false, localOnly, oneSlot,
        maxLocalAgeMillis, remote, compression, nearDisk);
  }

  /** One cache's properties (its section over the manager defaults), read through the settings table. */
  private record Source(Map<String, String> properties, String where, String cache) {
    /** {@code configured} if not null, else the property's value, else the setting's default. */
    @SuppressWarnings("unchecked")
    <T> T get(CairnSetting setting, T configured) {
      if (configured != null) {
        return configured;
      }
      String text = properties.get(setting.key());
      return (T) (text == null ? setting.defaultValue() : setting.parse(text, where, cache));
    }

    /** A JCache flag: {@code configured} if it differs from JCache's default, else the property's value. */
    boolean flag(CairnSetting setting, boolean configured) {
      return get(setting, configured == (Boolean) setting.defaultValue() ? null : configured);
    }
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
}
