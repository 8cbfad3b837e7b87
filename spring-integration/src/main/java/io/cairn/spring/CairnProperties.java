package io.cairn.spring;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Compression;
import io.cairn.engine.Durability;
import io.cairn.jcache.CairnSetting;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
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

  /** Redis (or Redis Cluster) as the shared tier below every cache: cairn.remote.uri makes every cache remote. */
  private Remote remote = new Remote();

  /** What the disk tiers of the manager's caches share: background threads, one block cache, open files. */
  private Shared shared = new Shared();

  /** An embedded Cairn server (io.cairn:cairn-server on the class path) serving the caches over RESP. */
  private Server server = new Server();

  /**
   * One cache's settings, one property per {@link CairnSetting} (bound from its key, so {@code heap-entries} is
   * {@link #getHeapEntries}); any left unset come from {@code cairn.defaults}, then Cairn's defaults.
   */
  public static class Cache {
    /** Entries kept on the heap tier. */
    private Long heapEntries;

    /** The disk tier's byte budget (0 keeps the cache on the heap only). */
    private DataSize diskBytes;

    /** Keep the cache's data across restarts and crashes. */
    private Boolean persistent;

    /** Where this cache keeps its files, when persistent (default: the manager directory, then the cache name). */
    private String directory;

    /** What a write to a persistent cache survives once it returns: NONE, BUFFERED or SYNC. */
    private Durability durability;

    /** The disk tier's compaction: FIFO (cache mode), LEVELED, TIERED, LAZY_LEVELED or NONE. */
    private CompactionStyle compaction;

    /** Bloom filter bits per key in the disk tier (0 to 64). */
    private Integer bloomBitsPerKey;

    /** A block cache of the disk tier's own, with background threads of its own (default: the manager's shared ones). */
    private DataSize blockCacheBytes;

    /** Disk-tier block compression: LZ4 (default), ZSTD (with zstd-jni on the class path) or NONE. */
    private Compression compression;

    /** The disk tier's write buffer (at most 1GB; less than 64KB counts as 64KB). */
    private DataSize memtableBytes;

    /** Fewest adjacent similar-sized disk-tier runs FIFO compaction merges into one; 0 never merges (default 4). */
    private Integer fifoMergeWidth;

    /** ObjectInputFilter pattern for values read back with JDK serialization. */
    private String serialFilter;

    /** Keep statistics (hits, misses, puts, evictions, removals), as Micrometer's cache metrics read them. */
    private Boolean statistics;

    /** Register the cache's configuration MXBean. */
    private Boolean management;

    /** Copy values in and out (true) or keep references (false). */
    private Boolean storeByValue;

    /** Load missing entries with the cache's configured loader. */
    private Boolean readThrough;

    /** Write changes through the cache's configured writer. */
    private Boolean writeThrough;

    /** Entries expire this long after they are created or replaced. */
    private Duration expireAfterWrite;

    /** Entries expire this long after they were last read or written (unless expire-after-write is set). */
    private Duration expireAfterAccess;

    /** Keep an inverse (value to key) index; values must then be unique within the cache. */
    private Boolean bidi;

    /** With cairn.remote.uri set: keep this cache local (heap and disk tiers of this process) instead of remote. */
    private Boolean localOnly;

    /** A remote cache's keys all in one Redis Cluster hash slot (a {...} hash tag), for multi-key atomicity. */
    private Boolean oneSlot;

    /** A remote cache's near copies are read again after this many milliseconds even if no invalidation came. */
    private Long maxLocalAgeMillis;

    /** A remote cache keeps the near copies its heap evicts in a local, non-persistent disk tier of disk-bytes. */
    private Boolean nearDisk;

    /** Writes each setting given here as {@code prefix + key}, formatted as its kind is read. */
    void writeTo(Properties p, String prefix) {
      BeanWrapper bean = new BeanWrapperImpl(this);
      for (CairnSetting s : CairnSetting.values()) {
        Object value = bean.getPropertyValue(property(s));
        if (value != null) {
          p.setProperty(prefix + s.key(), s.format(value instanceof DataSize size ? size.toBytes() : value));
        }
      }
    }

    /** The property {@code s} binds to: its key in camel case ({@code heapEntries} for {@code heap-entries}). */
    static String property(CairnSetting s) {
      StringBuilder sb = new StringBuilder();
      for (String word : s.key().split("-")) {
        sb.append(sb.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
      }
      return sb.toString();
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

    public String getDirectory() {
      return directory;
    }

    public void setDirectory(String directory) {
      this.directory = directory;
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

    public Integer getBloomBitsPerKey() {
      return bloomBitsPerKey;
    }

    public void setBloomBitsPerKey(Integer bloomBitsPerKey) {
      this.bloomBitsPerKey = bloomBitsPerKey;
    }

    public DataSize getBlockCacheBytes() {
      return blockCacheBytes;
    }

    public void setBlockCacheBytes(DataSize blockCacheBytes) {
      this.blockCacheBytes = blockCacheBytes;
    }

    public Compression getCompression() {
      return compression;
    }

    public void setCompression(Compression compression) {
      this.compression = compression;
    }

    public DataSize getMemtableBytes() {
      return memtableBytes;
    }

    public void setMemtableBytes(DataSize memtableBytes) {
      this.memtableBytes = memtableBytes;
    }

    public Integer getFifoMergeWidth() {
      return fifoMergeWidth;
    }

    public void setFifoMergeWidth(Integer fifoMergeWidth) {
      this.fifoMergeWidth = fifoMergeWidth;
    }

    public String getSerialFilter() {
      return serialFilter;
    }

    public void setSerialFilter(String serialFilter) {
      this.serialFilter = serialFilter;
    }

    public Boolean getStatistics() {
      return statistics;
    }

    public void setStatistics(Boolean statistics) {
      this.statistics = statistics;
    }

    public Boolean getManagement() {
      return management;
    }

    public void setManagement(Boolean management) {
      this.management = management;
    }

    public Boolean getStoreByValue() {
      return storeByValue;
    }

    public void setStoreByValue(Boolean storeByValue) {
      this.storeByValue = storeByValue;
    }

    public Boolean getReadThrough() {
      return readThrough;
    }

    public void setReadThrough(Boolean readThrough) {
      this.readThrough = readThrough;
    }

    public Boolean getWriteThrough() {
      return writeThrough;
    }

    public void setWriteThrough(Boolean writeThrough) {
      this.writeThrough = writeThrough;
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

    public Boolean getBidi() {
      return bidi;
    }

    public void setBidi(Boolean bidi) {
      this.bidi = bidi;
    }

    public Boolean getLocalOnly() {
      return localOnly;
    }

    public void setLocalOnly(Boolean localOnly) {
      this.localOnly = localOnly;
    }

    public Boolean getOneSlot() {
      return oneSlot;
    }

    public void setOneSlot(Boolean oneSlot) {
      this.oneSlot = oneSlot;
    }

    public Long getMaxLocalAgeMillis() {
      return maxLocalAgeMillis;
    }

    public void setMaxLocalAgeMillis(Long maxLocalAgeMillis) {
      this.maxLocalAgeMillis = maxLocalAgeMillis;
    }

    public Boolean getNearDisk() {
      return nearDisk;
    }

    public void setNearDisk(Boolean nearDisk) {
      this.nearDisk = nearDisk;
    }
  }

  /**
   * A shared tier below every cache (io.cairn:cairn-redis on the class path): {@code cairn.remote.uri} names it, the
   * other keys are its options (remote.prefix, remote.tracking, remote.timeout, remote.ping-interval,
   * remote.wait-replicas, remote.wait-timeout, remote.expiry-grace, remote.cluster).
   */
  public static class Remote {
    /** redis://[user:password@]host:port[/db], rediss://..., or a comma-separated Redis Cluster seed list. */
    private String uri;

    /** The shared tier's other settings, by key without the remote. prefix (for example tracking=bcast). */
    private Map<String, String> options = new LinkedHashMap<>();

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public Map<String, String> getOptions() {
      return options;
    }

    public void setOptions(Map<String, String> options) {
      this.options = options;
    }
  }

  /**
   * An embedded Cairn server: with {@code cairn.server.port} set, the application's own Cairn caches (the ones its
   * {@code @Cacheable} methods use) are served to Redis clients, database N being the N-th cache of
   * {@code cairn.server.databases}. A Redis key or value is the bytes of the cache's key or value codec.
   */
  public static class Server {
    /** The port to listen on (0: a free one, published as local.cairn.server.port); unset: no server. */
    private Integer port;

    /** Addresses to listen on. */
    private java.util.List<String> bind = new java.util.ArrayList<>(java.util.List.of("127.0.0.1"));

    /**
     * The caches served as databases 0, 1, ... (created with the defaults when missing); unset: every cache named
     * in cairn.caches and spring.cache.cache-names, in name order.
     */
    private java.util.List<String> databases = new java.util.ArrayList<>();

    /** The server's other settings, by their cairn-server key (for example requirepass, maxclients, timeout). */
    private Map<String, String> options = new LinkedHashMap<>();

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }

    public java.util.List<String> getBind() {
      return bind;
    }

    public void setBind(java.util.List<String> bind) {
      this.bind = bind;
    }

    public java.util.List<String> getDatabases() {
      return databases;
    }

    public void setDatabases(java.util.List<String> databases) {
      this.databases = databases;
    }

    public Map<String, String> getOptions() {
      return options;
    }

    public void setOptions(Map<String, String> options) {
      this.options = options;
    }
  }

  public Server getServer() {
    return server;
  }

  public void setServer(Server server) {
    this.server = server;
  }

  /** The resources the manager's caches share ({@code shared.*} in a Cairn properties file). */
  public static class Shared {
    /** The block cache every cache's disk tier reads through (default 64MB). */
    private DataSize blockCacheBytes;

    /** Threads that flush memtables (default: a quarter of the cores, at least one). */
    private Integer flushThreads;

    /** Threads that compact (default: half the cores, at least one). */
    private Integer compactionThreads;

    /** Table files kept open at once (default 512). */
    private Integer maxOpenFiles;

    void writeTo(Properties p) {
      if (blockCacheBytes != null) {
        p.setProperty("shared.block-cache-bytes", Long.toString(blockCacheBytes.toBytes()));
      }
      if (flushThreads != null) {
        p.setProperty("shared.flush-threads", flushThreads.toString());
      }
      if (compactionThreads != null) {
        p.setProperty("shared.compaction-threads", compactionThreads.toString());
      }
      if (maxOpenFiles != null) {
        p.setProperty("shared.max-open-files", maxOpenFiles.toString());
      }
    }

    public DataSize getBlockCacheBytes() {
      return blockCacheBytes;
    }

    public void setBlockCacheBytes(DataSize blockCacheBytes) {
      this.blockCacheBytes = blockCacheBytes;
    }

    public Integer getFlushThreads() {
      return flushThreads;
    }

    public void setFlushThreads(Integer flushThreads) {
      this.flushThreads = flushThreads;
    }

    public Integer getCompactionThreads() {
      return compactionThreads;
    }

    public void setCompactionThreads(Integer compactionThreads) {
      this.compactionThreads = compactionThreads;
    }

    public Integer getMaxOpenFiles() {
      return maxOpenFiles;
    }

    public void setMaxOpenFiles(Integer maxOpenFiles) {
      this.maxOpenFiles = maxOpenFiles;
    }
  }

  public Shared getShared() {
    return shared;
  }

  public void setShared(Shared shared) {
    this.shared = shared;
  }

  /** These settings as the Cairn manager properties ({@code directory}, {@code default.*}, {@code cache.<name>.*}). */
  Properties toCairnProperties() {
    Properties p = new Properties();
    p.setProperty("directory", directory);
    p.setProperty("default.statistics", "true");
    defaults.writeTo(p, "default.");
    caches.forEach((name, spec) -> spec.writeTo(p, "cache." + name + "."));
    shared.writeTo(p);
    if (remote.getUri() != null && !remote.getUri().isBlank()) {
      p.setProperty("remote.uri", remote.getUri());
      remote.getOptions().forEach((k, v) -> p.setProperty("remote." + k, v));
    }
    return p;
  }

  public Remote getRemote() {
    return remote;
  }

  public void setRemote(Remote remote) {
    this.remote = remote;
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
