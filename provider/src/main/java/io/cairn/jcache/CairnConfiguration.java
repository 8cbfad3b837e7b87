package io.cairn.jcache;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Durability;
import java.nio.file.Path;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;

/**
 * A {@link MutableConfiguration} with Cairn's settings: the heap tier's size, the disk tier's byte budget and
 * directory, persistence, durability, compaction, bloom bits and codecs. A setting left {@code null} comes from the
 * cache manager's properties file (the cache's own section, then the defaults), then from Cairn's defaults, which work
 * with no configuration at all.
 *
 * @param <K> key type
 * @param <V> value type
 */
public class CairnConfiguration<K, V> extends MutableConfiguration<K, V> {
  private static final long serialVersionUID = 1L;

  private Long heapEntries;
  private Long diskBytes;
  private Path directory;
  private Boolean persistent;
  private Durability durability;
  private CompactionStyle compactionStyle;
  private Integer bloomBitsPerKey;
  private Long blockCacheBytes;
  private io.cairn.engine.Compression compression;
  private Long memtableBytes;
  private Integer fifoMergeWidth;
  private String serialFilter;
  private Boolean bidirectional;
  private Boolean localOnly;
  private Boolean oneSlot;
  private Long maxLocalAgeMillis;
  private Boolean nearDisk;
  private transient Codec<K> keyCodec;
  private transient Codec<V> valueCodec;
  private transient java.util.function.LongSupplier clock;

  public CairnConfiguration() {}

  /** A copy of any JCache configuration; Cairn settings are copied too when {@code other} is a Cairn one. */
  public CairnConfiguration(Configuration<K, V> other) {
    if (other instanceof CompleteConfiguration<K, V> complete) {
      MutableConfiguration<K, V> copy = new MutableConfiguration<>(complete);
      setTypes(copy.getKeyType(), copy.getValueType());
      setStoreByValue(copy.isStoreByValue());
      setReadThrough(copy.isReadThrough());
      setWriteThrough(copy.isWriteThrough());
      setStatisticsEnabled(copy.isStatisticsEnabled());
      setManagementEnabled(copy.isManagementEnabled());
      setExpiryPolicyFactory(copy.getExpiryPolicyFactory());
      setCacheLoaderFactory(copy.getCacheLoaderFactory());
      setCacheWriterFactory(copy.getCacheWriterFactory());
      copy.getCacheEntryListenerConfigurations().forEach(this::addCacheEntryListenerConfiguration);
    } else if (other != null) {
      setTypes(other.getKeyType(), other.getValueType());
      setStoreByValue(other.isStoreByValue());
    }
    if (other instanceof CairnConfiguration<K, V> c) {
      heapEntries = c.heapEntries;
      diskBytes = c.diskBytes;
      directory = c.directory;
      persistent = c.persistent;
      durability = c.durability;
      compactionStyle = c.compactionStyle;
      bloomBitsPerKey = c.bloomBitsPerKey;
      blockCacheBytes = c.blockCacheBytes;
      compression = c.compression;
      memtableBytes = c.memtableBytes;
      fifoMergeWidth = c.fifoMergeWidth;
      serialFilter = c.serialFilter;
      bidirectional = c.bidirectional;
      localOnly = c.localOnly;
      oneSlot = c.oneSlot;
      maxLocalAgeMillis = c.maxLocalAgeMillis;
      nearDisk = c.nearDisk;
      keyCodec = c.keyCodec;
      valueCodec = c.valueCodec;
      clock = c.clock;
    }
  }

  /** Entries kept on the heap (the hot set); the rest live in the disk tier. */
  public CairnConfiguration<K, V> setHeapEntries(long n) {
    heapEntries = CairnSetting.HEAP_ENTRIES.check(n);
    return this;
  }

  /** The disk tier's byte budget; oldest data is dropped past it. 0 turns the disk tier off (a heap-only cache). */
  public CairnConfiguration<K, V> setDiskBytes(long bytes) {
    diskBytes = CairnSetting.DISK_BYTES.check(bytes);
    return this;
  }

  /** Where a persistent cache keeps its files (default: the manager's directory, then the cache's name). */
  public CairnConfiguration<K, V> setDirectory(Path dir) {
    directory = dir;
    return this;
  }

  /** Keep the cache's data across restarts and crashes (default false: a new cache starts empty). */
  public CairnConfiguration<K, V> setPersistent(boolean p) {
    persistent = p;
    return this;
  }

  public CairnConfiguration<K, V> setDurability(Durability d) {
    durability = d;
    return this;
  }

  public CairnConfiguration<K, V> setCompactionStyle(CompactionStyle s) {
    compactionStyle = s;
    return this;
  }

  /**
   * Under FIFO compaction (the default), the fewest adjacent similar-sized disk-tier runs merged into one: merging
   * bounds the tables a heap miss asks, at the cost of rewriting each entry a few times in the background. 0 never
   * merges (for write-heavy caches whose misses are rare); default 4.
   */
  public CairnConfiguration<K, V> setFifoMergeWidth(int width) {
    fifoMergeWidth = (int) CairnSetting.FIFO_MERGE_WIDTH.check(width);
    return this;
  }

  public CairnConfiguration<K, V> setBloomBitsPerKey(int bits) {
    bloomBitsPerKey = (int) CairnSetting.BLOOM_BITS_PER_KEY.check(bits);
    return this;
  }

  public CairnConfiguration<K, V> setBlockCacheBytes(long bytes) {
    blockCacheBytes = CairnSetting.BLOCK_CACHE_BYTES.check(bytes);
    return this;
  }

  public CairnConfiguration<K, V> setMemtableBytes(long bytes) {
    memtableBytes = CairnSetting.MEMTABLE_BYTES.check(bytes);
    return this;
  }

  /** An {@link java.io.ObjectInputFilter} pattern for values read back with JDK serialization. */
  public CairnConfiguration<K, V> setSerialFilter(String pattern) {
    Codecs.filter(pattern);
    serialFilter = pattern;
    return this;
  }

  /**
   * Keep an inverse (value to key) index so the cache can be asked by value through {@link BidiCache}; values must
   * then be unique within the cache.
   */
  public CairnConfiguration<K, V> setBidirectional(boolean on) {
    bidirectional = on;
    return this;
  }

  public Boolean getBidirectional() {
    return bidirectional;
  }

  /**
   * Under a cache manager with a remote tier ({@code remote.uri}): keep this cache local, on the heap and disk tiers
   * of this process only, instead of over the shared tier.
   */
  public CairnConfiguration<K, V> setLocalOnly(boolean on) {
    localOnly = on;
    return this;
  }

  public Boolean getLocalOnly() {
    return localOnly;
  }

  /**
   * A remote cache's keys all in one Redis Cluster hash slot (its names carry a {@code {...}} hash tag), for users who
   * run multi-key transactions or scripts over one cache's keys; the cache then lives on one shard.
   */
  public CairnConfiguration<K, V> setOneSlot(boolean on) {
    oneSlot = on;
    return this;
  }

  public Boolean getOneSlot() {
    return oneSlot;
  }

  /**
   * The longest a remote cache serves a near copy without reading the shared tier again, even if no invalidation
   * arrived (the last line of defence against a lost one); default ten minutes.
   */
  public CairnConfiguration<K, V> setMaxLocalAgeMillis(long millis) {
    maxLocalAgeMillis = CairnSetting.MAX_LOCAL_AGE_MILLIS.check(millis);
    return this;
  }

  public Long getMaxLocalAgeMillis() {
    return maxLocalAgeMillis;
  }

  /**
   * A remote cache keeps the near copies its heap tier evicts in a local disk tier of {@code disk-bytes} (not
   * persistent: its files go when the cache closes), and serves them while no invalidation of their key came and they
   * are younger than the maximum local age, instead of reading Redis again. Off by default.
   */
  public CairnConfiguration<K, V> setNearDisk(boolean on) {
    nearDisk = on;
    return this;
  }

  public Boolean getNearDisk() {
    return nearDisk;
  }

  public CairnConfiguration<K, V> setKeyCodec(Codec<K> codec) {
    keyCodec = codec;
    return this;
  }

  public CairnConfiguration<K, V> setValueCodec(Codec<V> codec) {
    valueCodec = codec;
    return this;
  }

  /**
   * The clock the cache measures expiry by, in milliseconds since the epoch (default: the system clock). The heap
   * tier, the expiry timer and the disk tier all read this one clock; tests move it instead of sleeping.
   */
  public CairnConfiguration<K, V> setClock(java.util.function.LongSupplier epochMillis) {
    clock = java.util.Objects.requireNonNull(epochMillis, "clock");
    return this;
  }

  public java.util.function.LongSupplier getClock() {
    return clock;
  }

  public Long getHeapEntries() {
    return heapEntries;
  }

  public Long getDiskBytes() {
    return diskBytes;
  }

  public Path getDirectory() {
    return directory;
  }

  public Boolean getPersistent() {
    return persistent;
  }

  public Durability getDurability() {
    return durability;
  }

  public CompactionStyle getCompactionStyle() {
    return compactionStyle;
  }

  public Integer getBloomBitsPerKey() {
    return bloomBitsPerKey;
  }

  public Long getBlockCacheBytes() {
    return blockCacheBytes;
  }

  /** How the disk tier compresses its blocks (default {@code LZ4}; {@code NONE} turns it off). */
  public CairnConfiguration<K, V> setCompression(io.cairn.engine.Compression c) {
    compression = java.util.Objects.requireNonNull(c, "compression");
    return this;
  }

  public io.cairn.engine.Compression getCompression() {
    return compression;
  }

  public Long getMemtableBytes() {
    return memtableBytes;
  }

  public Integer getFifoMergeWidth() {
    return fifoMergeWidth;
  }

  public String getSerialFilter() {
    return serialFilter;
  }

  public Codec<K> getKeyCodec() {
    return keyCodec;
  }

  public Codec<V> getValueCodec() {
    return valueCodec;
  }

  // Covariant overrides of MutableConfiguration's setters, so that a chain of Cairn and JCache settings compiles.

  @Override
  public CairnConfiguration<K, V> setTypes(Class<K> keyType, Class<V> valueType) {
    super.setTypes(keyType, valueType);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> addCacheEntryListenerConfiguration(
      javax.cache.configuration.CacheEntryListenerConfiguration<K, V> listener) {
    super.addCacheEntryListenerConfiguration(listener);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> removeCacheEntryListenerConfiguration(
      javax.cache.configuration.CacheEntryListenerConfiguration<K, V> listener) {
    super.removeCacheEntryListenerConfiguration(listener);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> setCacheLoaderFactory(
      javax.cache.configuration.Factory<? extends javax.cache.integration.CacheLoader<K, V>> factory) {
    super.setCacheLoaderFactory(factory);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> setCacheWriterFactory(javax.cache.configuration.Factory<
      ? extends javax.cache.integration.CacheWriter<? super K, ? super V>> factory) {
    super.setCacheWriterFactory(factory);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> setExpiryPolicyFactory(
      javax.cache.configuration.Factory<? extends javax.cache.expiry.ExpiryPolicy> factory) {
    super.setExpiryPolicyFactory(factory);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> setReadThrough(boolean readThrough) {
    super.setReadThrough(readThrough);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> setWriteThrough(boolean writeThrough) {
    super.setWriteThrough(writeThrough);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> setStoreByValue(boolean storeByValue) {
    super.setStoreByValue(storeByValue);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> setStatisticsEnabled(boolean enabled) {
    super.setStatisticsEnabled(enabled);
    return this;
  }

  @Override
  public CairnConfiguration<K, V> setManagementEnabled(boolean enabled) {
    super.setManagementEnabled(enabled);
    return this;
  }
}
