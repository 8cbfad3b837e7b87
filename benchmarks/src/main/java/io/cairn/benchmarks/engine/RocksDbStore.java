package io.cairn.benchmarks.engine;

import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/** RocksDB configured like the Cairn side: leveled, the same codec, memtable, cache and bloom bits. */
final class RocksDbStore implements KeyValueStore {
  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final LRUCache cache;
  private final BloomFilter filter;
  private final RocksDB db;
  private final WriteOptions writeOptions;
  private final ReadOptions readOptions = new ReadOptions();
  private final java.util.concurrent.atomic.LongAdder userBytes = new java.util.concurrent.atomic.LongAdder();

  RocksDbStore(Path dir, Settings s) {
    cache = new LRUCache(s.blockCacheBytes());
    filter = new BloomFilter(s.bloomBitsPerKey(), false);
    BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter)
        .setBlockSize(4096);
    options = new Options().setCreateIfMissing(true).setCompactionStyle(CompactionStyle.LEVEL)
        .setCompressionType(switch (s.compression()) {
          case "lz4" -> CompressionType.LZ4_COMPRESSION;
          case "zstd" -> CompressionType.ZSTD_COMPRESSION;
          default -> CompressionType.NO_COMPRESSION;
        }).setWriteBufferSize(s.memtableBytes())
        .setTargetFileSizeBase(s.targetFileBytes()).setMaxBytesForLevelBase(s.levelBaseBytes())
        .setMaxBackgroundJobs(2).setTableFormatConfig(table);
    writeOptions = new WriteOptions().setSync(s.syncWrites());
    try {
      db = RocksDB.open(options, dir.toString());
    } catch (RocksDBException e) {
      throw new IllegalStateException("opening RocksDB in " + dir, e);
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    try {
      db.put(writeOptions, key, value);
      userBytes.add(key.length + value.length);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    try {
      return db.get(readOptions, key);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int scan(byte[] from, int count) {
    int n = 0;
    try (RocksIterator it = db.newIterator(readOptions)) {
      for (it.seek(from); n < count && it.isValid(); it.next()) {
        it.key();
        it.value();
        n++;
      }
    }
    return n;
  }

  @Override
  public void flush() {
    try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
      db.flush(f);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String amplification() {
    try {
      return "rocksdb live sst bytes " + db.getProperty("rocksdb.live-sst-files-size") + ", compaction "
          + db.getProperty("rocksdb.stats").lines().filter(l -> l.contains("Cumulative compaction")).findFirst()
          .orElse("");
    } catch (RocksDBException e) {
      return "n/a";
    }
  }

  @Override
  public double writeAmplification() {
    try {
      double written = Double.parseDouble(db.getMapProperty("rocksdb.cfstats").get("compaction.Sum.WriteGB"))
          * (1L << 30);
      long user = userBytes.sum();
      return user == 0 ? 0 : written / user;
    } catch (RocksDBException | RuntimeException e) {
      return Double.NaN;
    }
  }

  @Override
  public long tableBytes() {
    try {
      return Long.parseLong(db.getProperty("rocksdb.total-sst-files-size"));
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public double spaceAmplification() {
    try {
      java.util.Map<String, String> stats = db.getMapProperty("rocksdb.cfstats");
      double largest = 0;
      for (java.util.Map.Entry<String, String> e : stats.entrySet()) {
        if (e.getKey().matches("compaction\\.L\\d+\\.SizeBytes")) {
          largest = Math.max(largest, Double.parseDouble(e.getValue()));
        }
      }
      double total = Double.parseDouble(db.getProperty("rocksdb.total-sst-files-size"));
      return largest == 0 ? 0 : total / largest;
    } catch (RocksDBException | RuntimeException e) {
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    db.close();
    writeOptions.close();
    readOptions.close();
    options.close();
    filter.close();
    cache.close();
  }
}
