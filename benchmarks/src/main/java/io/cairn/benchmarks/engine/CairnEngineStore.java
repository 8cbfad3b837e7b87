package io.cairn.benchmarks.engine;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Cursor;
import io.cairn.engine.Durability;
import io.cairn.engine.Options;
import io.cairn.engine.Store;
import io.cairn.engine.StoreStatistics;
import java.nio.file.Path;

final class CairnEngineStore implements KeyValueStore {
  private final Store store;

  CairnEngineStore(Path dir, Settings s) {
    store = Store.open(dir, Options.defaults().compactionStyle(CompactionStyle.LEVELED)
        .durability(s.syncWrites() ? Durability.SYNC : Durability.BUFFERED).memtableBytes(s.memtableBytes())
        .blockCacheBytes(s.blockCacheBytes()).bloomBitsPerKey(s.bloomBitsPerKey()).targetFileBytes(s.targetFileBytes())
        .levelBaseBytes(s.levelBaseBytes()).maxLevels(7).compression(switch (s.compression()) {
          case "lz4" -> io.cairn.engine.Compression.LZ4;
          case "zstd" -> io.cairn.engine.Compression.ZSTD;
          default -> io.cairn.engine.Compression.NONE;
        }));
  }

  @Override
  public void put(byte[] key, byte[] value) {
    store.put(key, value);
  }

  @Override
  public byte[] get(byte[] key) {
    return store.get(key);
  }

  @Override
  public int scan(byte[] from, int count) {
    int n = 0;
    try (Cursor c = store.scan(from, null)) {
      while (n < count && c.hasNext()) {
        c.next();
        n++;
      }
    }
    return n;
  }

  @Override
  public void flush() {
    store.flush();
  }

  @Override
  public String amplification() {
    StoreStatistics st = store.statistics();
    return String.format("write amp %.2f, space amp %.2f, %d tables bytes", st.writeAmplification(),
        st.spaceAmplification(), st.tableBytes());
  }

  @Override
  public double writeAmplification() {
    return store.statistics().writeAmplification();
  }

  @Override
  public long tableBytes() {
    return store.statistics().tables().bytes();
  }

  @Override
  public double spaceAmplification() {
    return store.statistics().spaceAmplification();
  }

  @Override
  public void close() {
    store.close();
  }
}
