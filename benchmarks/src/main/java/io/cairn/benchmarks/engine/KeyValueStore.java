package io.cairn.benchmarks.engine;

import java.nio.file.Path;

/** The operations the engine benchmarks run, over Cairn's engine or RocksDB. */
interface KeyValueStore extends AutoCloseable {
  void put(byte[] key, byte[] value);

  byte[] get(byte[] key);

  /** Reads up to {@code count} entries from {@code from} on; returns how many were read. */
  int scan(byte[] from, int count);

  void flush();

  /** Write and space amplification as the store reports them, for the log. */
  String amplification();

  /** Bytes written by flush and compaction per byte of keys and values written by the user. */
  double writeAmplification();

  /** Bytes in all tables per byte in the largest level. */
  double spaceAmplification();

  @Override
  void close();

  /** Settings both systems share. */
  record Settings(long memtableBytes, long blockCacheBytes, int bloomBitsPerKey, long targetFileBytes,
      long levelBaseBytes, boolean syncWrites) {
    static Settings standard() {
      return new Settings(8L << 20, 64L << 20, 10, 8L << 20, 32L << 20, false);
    }
  }

  static KeyValueStore open(String system, Path dir, Settings s) {
    return switch (system) {
      case "cairn" -> new CairnEngineStore(dir, s);
      case "rocksdb" -> new RocksDbStore(dir, s);
      default -> throw new IllegalArgumentException("unknown system " + system + " (cairn or rocksdb)");
    };
  }
}
