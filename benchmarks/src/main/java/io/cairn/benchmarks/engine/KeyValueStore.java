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

  /** Bytes of all live tables (after a {@link #flush}, what the data takes on disk less the log). */
  long tableBytes();

  /**
   * Settings both systems share.
   *
   * @param compression the block codec: {@code none}, {@code lz4} or {@code zstd}
   */
  record Settings(long memtableBytes, long blockCacheBytes, int bloomBitsPerKey, long targetFileBytes,
      long levelBaseBytes, boolean syncWrites, String compression) {
    static Settings standard() {
      return new Settings(8L << 20, 64L << 20, 10, 8L << 20, 32L << 20, false, "none");
    }

    Settings withCompression(String codec) {
      if (!java.util.Set.of("none", "lz4", "zstd").contains(codec)) {
        throw new IllegalArgumentException("unknown compression '" + codec + "' (none, lz4 or zstd)");
      }
      return new Settings(memtableBytes, blockCacheBytes, bloomBitsPerKey, targetFileBytes, levelBaseBytes,
          syncWrites, codec);
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
