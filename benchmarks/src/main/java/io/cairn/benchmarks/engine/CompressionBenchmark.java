package io.cairn.benchmarks.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cairn's engine and RocksDB with the same block codec (none, LZ4, zstd: Cairn's at level 3, RocksDB's at its default
 * level): fill random and read random (hits) over the values a cache holds ({@link Values}: JSON documents, or
 * Java-serialized objects), and the bytes the tables take. Settings as {@link EngineBenchmark} (leveled, 8 MiB
 * memtable, 64 MiB block cache, 10 bloom bits). Each loaded trial prints "tables: N bytes, B per entry" after a
 * flush, the space figure of the report.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompressionBenchmark {

  /** A store of {@code keys} half-compressible items, loaded and flushed once per trial. */
  @State(Scope.Benchmark)
  public static class Loaded {
    @Param({"cairn", "rocksdb"})
    public String system;

    @Param({"none", "lz4", "zstd"})
    public String codec;

    @Param({"json", "serialized"})
    public String values;

    @Param({"300000"})
    public long keys;

    KeyValueStore store;
    Path dir;

    @Setup(Level.Trial)
    public void load() throws IOException {
      dir = Files.createTempDirectory("cairn-bench-" + system);
      store = KeyValueStore.open(system, dir, KeyValueStore.Settings.standard().withCompression(codec));
      for (long i = 0; i < keys; i++) {
        store.put(Keys.key(i), Values.of(values, i));
      }
      store.flush();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.flush();
      System.out.println();
      System.out.println(system + " " + codec + " " + values + " tables: " + store.tableBytes() + " bytes, "
          + String.format("%.1f", store.tableBytes() / (double) keys) + " per entry (value "
          + Values.of(values, keys / 2).length + " bytes, key 16)");
      store.close();
      EngineBenchmark.deleteTree(dir);
    }
  }

  /** An empty store per trial, for fill random. */
  @State(Scope.Benchmark)
  public static class Empty {
    @Param({"cairn", "rocksdb"})
    public String system;

    @Param({"none", "lz4", "zstd"})
    public String codec;

    @Param({"json", "serialized"})
    public String values;

    KeyValueStore store;
    Path dir;
    /** Values written by fill random, made before the trial so that making them is not measured. */
    final byte[][] pool = new byte[4096][];

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("cairn-bench-" + system);
      store = KeyValueStore.open(system, dir, KeyValueStore.Settings.standard().withCompression(codec));
      for (int i = 0; i < pool.length; i++) {
        pool[i] = Values.of(values, i * 7919L);
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.close();
      EngineBenchmark.deleteTree(dir);
    }
  }

  @Benchmark
  public void fillRandom(Empty s) {
    long i = ThreadLocalRandom.current().nextLong();
    s.store.put(Keys.key(i), s.pool[(int) (i & 4095)]);
  }

  @Benchmark
  public byte[] readRandomHit(Loaded s) {
    return s.store.get(Keys.key(ThreadLocalRandom.current().nextLong(s.keys)));
  }
}
