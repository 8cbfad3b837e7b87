package io.cairn.spring;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Durability;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Cairn's settings under {@code cairn.*}: manager-wide ones, the defaults every cache starts from, and named caches.
 *
 * <pre>
 * cairn.directory=./cairn-data
 * cairn.defaults.heap-entries=10000
 * cairn.caches.quotes.persistent=true
 * cairn.caches.quotes.expire-after-write=10m
 * </pre>
 */
@ConfigurationProperties("cairn")
public class CairnProperties {
  /** Where persistent caches keep their files (one folder per cache). */
  private String directory = "cairn-data";

  /** Create a cache the first time a name is used (for example {@code @Cacheable("any")}) with the defaults. */
  private boolean createOnFirstUse = true;

  /** URI of the Cairn cache manager; a classpath:, file: or jar: URI also names a Cairn properties file. */
  private String uri = "urn:cairn:spring";

  /** Settings every cache starts from, including caches created on first use. */
  private Cache defaults = new Cache();

  /** Named caches, created at startup, each with its own settings over the defaults. */
  private Map<String, Cache> caches = new LinkedHashMap<>();

  /** One cache's settings; any left unset come from {@code cairn.defaults}, then Cairn's defaults. */
  public static class Cache {
    /** Entries kept on the heap tier. */
    private Long heapEntries;

    /** The disk tier's byte budget (0 keeps the cache on the heap only). */
    private DataSize diskBytes;

    /** Keep the cache's data across restarts and crashes. */
    private Boolean persistent;

    /** What a write to a persistent cache survives once it returns: NONE, BUFFERED or SYNC. */
    private Durability durability;

    /** The disk tier's compaction: FIFO (cache mode), LEVELED, TIERED, LAZY_LEVELED or NONE. */
    private CompactionStyle compaction;

    /** Entries expire this long after they are created or replaced. */
    private Duration expireAfterWrite;

    /** Entries expire this long after they were last read or written. */
    private Duration expireAfterAccess;

    /** Keep statistics (hits, misses, puts, evictions, removals), as Micrometer's cache metrics read them. */
    private Boolean statistics;

    /** Keep an inverse (value to key) index; values must then be unique within the cache. */
    private Boolean bidi;

    /** Copy values in and out (true) or keep references (false). */
    private Boolean storeByValue;

    /** Bloom filter bits per key in the disk tier. */
    private Integer bloomBitsPerKey;

    /** Fewest adjacent similar-sized disk-tier runs FIFO compaction merges into one; 0 never merges (default 4). */
    private Integer fifoMergeWidth;

    /** Where this cache keeps its files, when persistent (default: the manager directory, then the cache name). */
    private String directory;

    void writeTo(Properties p, String prefix) {
      put(p, prefix + "heap-entries", heapEntries);
      put(p, prefix + "disk-bytes", diskBytes == null ? null : diskBytes.toBytes());
      put(p, prefix + "persistent", persistent);
      put(p, prefix + "durability", durability);
      put(p, prefix + "compaction", compaction);
      put(p, prefix + "expire-after-write", expireAfterWrite == null ? null : expireAfterWrite.toMillis() + "ms");
      put(p, prefix + "expire-after-access", expireAfterAccess == null ? null : expireAfterAccess.toMillis() + "ms");
      put(p, prefix + "statistics", statistics);
      put(p, prefix + "bidi", bidi);
      put(p, prefix + "store-by-value", storeByValue);
      put(p, prefix + "bloom-bits-per-key", bloomBitsPerKey);
      put(p, prefix + "fifo-merge-width", fifoMergeWidth);
      put(p, prefix + "directory", directory);
    }

    private static void put(Properties p, String key, Object value) {
      if (value != null) {
        p.setProperty(key, value.toString());
      }
    }

    public Long getHeapEntries() {
      return heapEntries;
    }

    public void setHeapEntries(Long heapEntries) {
      this.heapEntries = heapEntries;
    }

    public DataSize getDiskBytes() {
      return diskBytes;
    }

    public void setDiskBytes(DataSize diskBytes) {
      this.diskBytes = diskBytes;
    }

    public Boolean getPersistent() {
      return persistent;
    }

    public void setPersistent(Boolean persistent) {
      this.persistent = persistent;
    }

    public Durability getDurability() {
      return durability;
    }

    public void setDurability(Durability durability) {
      this.durability = durability;
    }

    public CompactionStyle getCompaction() {
      return compaction;
    }

    public void setCompaction(CompactionStyle compaction) {
      this.compaction = compaction;
    }

    public Duration getExpireAfterWrite() {
      return expireAfterWrite;
    }

    public void setExpireAfterWrite(Duration expireAfterWrite) {
      this.expireAfterWrite = expireAfterWrite;
    }

    public Duration getExpireAfterAccess() {
      return expireAfterAccess;
    }

    public void setExpireAfterAccess(Duration expireAfterAccess) {
      this.expireAfterAccess = expireAfterAccess;
    }

    public Boolean getStatistics() {
      return statistics;
    }

    public void setStatistics(Boolean statistics) {
      this.statistics = statistics;
    }

    public Boolean getBidi() {
      return bidi;
    }

    public void setBidi(Boolean bidi) {
      this.bidi = bidi;
    }

    public Boolean getStoreByValue() {
      return storeByValue;
    }

    public void setStoreByValue(Boolean storeByValue) {
      this.storeByValue = storeByValue;
    }

    public Integer getBloomBitsPerKey() {
      return bloomBitsPerKey;
    }

    public void setBloomBitsPerKey(Integer bloomBitsPerKey) {
      this.bloomBitsPerKey = bloomBitsPerKey;
    }

    public Integer getFifoMergeWidth() {
      return fifoMergeWidth;
    }

    public void setFifoMergeWidth(Integer fifoMergeWidth) {
      this.fifoMergeWidth = fifoMergeWidth;
    }

    public String getDirectory() {
      return directory;
    }

    public void setDirectory(String directory) {
      this.directory = directory;
    }
  }

  /** These settings as the Cairn manager properties ({@code directory}, {@code default.*}, {@code cache.<name>.*}). */
  Properties toCairnProperties() {
    Properties p = new Properties();
    p.setProperty("directory", directory);
    p.setProperty("default.statistics", "true");
    defaults.writeTo(p, "default.");
    caches.forEach((name, spec) -> spec.writeTo(p, "cache." + name + "."));
    return p;
  }

  public String getDirectory() {
    return directory;
  }

  public void setDirectory(String directory) {
    this.directory = directory;
  }

  public boolean isCreateOnFirstUse() {
    return createOnFirstUse;
  }

  public void setCreateOnFirstUse(boolean createOnFirstUse) {
    this.createOnFirstUse = createOnFirstUse;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public Cache getDefaults() {
    return defaults;
  }

  public void setDefaults(Cache defaults) {
    this.defaults = defaults;
  }

  public Map<String, Cache> getCaches() {
    return caches;
  }

  public void setCaches(Map<String, Cache> caches) {
    this.caches = caches;
  }
}
