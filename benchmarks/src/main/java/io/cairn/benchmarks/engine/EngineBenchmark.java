package io.cairn.benchmarks.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cairn's engine and RocksDB side by side: fill random, read random (hits and misses), overwrite, read while
 * writing, and scans of 100 entries. 16-byte keys; values of {@code valueBytes} (100 by default, 1 KiB in one run);
 * {@code keys} items loaded before the read workloads. Both sides: leveled compaction, WAL written but not forced,
 * 8 MiB memtable, 64 MiB block cache, 10 bloom bits per key, no compression.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {

  /** A store of {@code keys} items, loaded once per trial. */
  @State(Scope.Benchmark)
  public static class Loaded {
    @Param({"cairn", "rocksdb"})
    public String system;

    @Param({"1000000"})
    public long keys;

    @Param({"100"})
    public int valueBytes;

    KeyValueStore store;
    Path dir;

    @Setup(Level.Trial)
    public void load() throws IOException {
      dir = Files.createTempDirectory("cairn-bench-" + system);
      store = KeyValueStore.open(system, dir, KeyValueStore.Settings.standard());
      for (long i = 0; i < keys; i++) {
        store.put(Keys.key(i), Keys.value(i, valueBytes));
      }
      store.flush();
    }

    @TearDown(Level.Trial)
    public void close(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
      System.out.println();
      System.out.println(system + " after run: " + store.amplification());
      recordAmplification(params, system, store);
      store.close();
      deleteTree(dir);
    }
  }

  /**
   * Appends "benchmark system valueBytes writeAmp spaceAmp" to the file named by {@code cairn.bench.ampFile}, for the
   * report. Both systems by the same definitions: flush and compaction bytes per user byte; all tables over the
   * largest level.
   */
  static void recordAmplification(org.openjdk.jmh.infra.BenchmarkParams params, String system, KeyValueStore store)
      throws IOException {
    String file = System.getProperty("cairn.bench.ampFile");
    if (file == null) {
      return;
    }
    String line = params.getBenchmark() + " " + system + " " + params.getParam("valueBytes") + " "
        + store.writeAmplification() + " " + store.spaceAmplification() + "\n";
    Files.writeString(Path.of(file), line, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** An empty store per trial, for fill random. */
  @State(Scope.Benchmark)
  public static class Empty {
    @Param({"cairn", "rocksdb"})
    public String system;

    @Param({"100"})
    public int valueBytes;

    KeyValueStore store;
    Path dir;
    byte[] value;

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("cairn-bench-" + system);
      store = KeyValueStore.open(system, dir, KeyValueStore.Settings.standard());
      value = Keys.value(7, valueBytes);
    }

    @TearDown(Level.Trial)
    public void close(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
      System.out.println();
      System.out.println(system + " after fill: " + store.amplification());
      recordAmplification(params, system, store);
      store.close();
      deleteTree(dir);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Benchmark
  public void fillRandom(Empty s) {
    s.store.put(Keys.key(ThreadLocalRandom.current().nextLong()), s.value);
  }

  @Benchmark
  public byte[] readRandomHit(Loaded s) {
    return s.store.get(Keys.key(ThreadLocalRandom.current().nextLong(s.keys)));
  }

  @Benchmark
  public byte[] readRandomMiss(Loaded s) {
    return s.store.get(Keys.key(s.keys + ThreadLocalRandom.current().nextLong(s.keys)));
  }

  @Benchmark
  public void overwrite(Loaded s) {
    long i = ThreadLocalRandom.current().nextLong(s.keys);
    s.store.put(Keys.key(i), Keys.value(i + 1, s.valueBytes));
  }

  @Benchmark
  public int scan100(Loaded s) {
    return s.store.scan(Keys.key(ThreadLocalRandom.current().nextLong(s.keys)), 100);
  }

  @Benchmark
  @Group("readWhileWriting")
  @GroupThreads(1)
  public byte[] readWhileWritingRead(Loaded s) {
    return s.store.get(Keys.key(ThreadLocalRandom.current().nextLong(s.keys)));
  }

  @Benchmark
  @Group("readWhileWriting")
  @GroupThreads(1)
  public void readWhileWritingWrite(Loaded s) {
    long i = ThreadLocalRandom.current().nextLong(s.keys);
    s.store.put(Keys.key(i), Keys.value(i + 2, s.valueBytes));
  }
}
