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
 * Cairn's engine and RocksDB with the same block codec: fill random and read random (hits) over values that compress
 * to about half, and the bytes the tables take. Settings as {@link EngineBenchmark} (leveled, 8 MiB memtable, 64 MiB
 * block cache, 10 bloom bits), plus the codec on both sides: LZ4, or zstd (Cairn at level 3, RocksDB at its default
 * level). Each trial prints "tables: N bytes for M user bytes" after a flush, the space figure of the report.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompressionBenchmark {

  /** A store of {@code keys} half-compressible items, loaded and flushed once per trial. */
  @State(Scope.Benchmark)
  public static class Loaded {
    @Param({"cairn", "rocksdb"})
    public String system;

    @Param({"lz4", "zstd"})
    public String codec;

    @Param({"500000"})
    public long keys;

    @Param({"200"})
    public int valueBytes;

    KeyValueStore store;
    Path dir;

    @Setup(Level.Trial)
    public void load() throws IOException {
      dir = Files.createTempDirectory("cairn-bench-" + system);
      store = KeyValueStore.open(system, dir, KeyValueStore.Settings.standard().withCompression(codec));
      for (long i = 0; i < keys; i++) {
        store.put(Keys.key(i), Keys.halfCompressibleValue(i, valueBytes));
      }
      store.flush();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.flush();
      long user = keys * (16 + valueBytes);
      System.out.println();
      System.out.println(system + " " + codec + " tables: " + store.tableBytes() + " bytes for " + user
          + " user bytes (" + String.format("%.3f", store.tableBytes() / (double) user) + ")");
      store.close();
      EngineBenchmark.deleteTree(dir);
    }
  }

  /** An empty store per trial, for fill random. */
  @State(Scope.Benchmark)
  public static class Empty {
    @Param({"cairn", "rocksdb"})
    public String system;

    @Param({"lz4", "zstd"})
    public String codec;

    @Param({"200"})
    public int valueBytes;

    KeyValueStore store;
    Path dir;

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("cairn-bench-" + system);
      store = KeyValueStore.open(system, dir, KeyValueStore.Settings.standard().withCompression(codec));
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
    s.store.put(Keys.key(i), Keys.halfCompressibleValue(i, s.valueBytes));
  }

  @Benchmark
  public byte[] readRandomHit(Loaded s) {
    return s.store.get(Keys.key(ThreadLocalRandom.current().nextLong(s.keys)));
  }
}
