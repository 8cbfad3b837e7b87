package io.cairn.benchmarks.jcache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
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
 * JCache calls on data ten times the heap tier: {@code keys} entries of {@code valueBytes}, a heap tier of
 * {@code keys / 10} entries, a disk tier of twice the data's size. Cairn's tiers against Ehcache 3's heap + disk tiers
 * with the same entry and byte budgets; Zipf-distributed keys, so the hot set mostly stays on the heap. Both keep objects
 * on the heap tier and bytes on disk (see {@link Providers#tiered}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DiskTierBenchmark {

  @State(Scope.Benchmark)
  public static class Shared {
    @Param({"cairn", "ehcache"})
    public String system;

    @Param({"read100", "read75write25"})
    public String workload;

    @Param({"100000"})
    public int keys;

    @Param({"1024"})
    public int valueBytes;

    Cache<Integer, Payload> cache;
    ZipfKeys zipf;
    Payload value;
    int writePercent;
    Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("cairn-bench-disk-" + system);
      long diskBytes = 2L * keys * (valueBytes + 64);
      cache = Providers.tiered(system, "disk", keys / 10, diskBytes, dir);
      value = new Payload(valueBytes);
      for (int i = 0; i < keys; i++) {
        cache.put(i, value);
      }
      zipf = new ZipfKeys(keys, 1 << 20, 11);
      writePercent = workload.equals("read100") ? 0 : 25;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      cache.getCacheManager().close();
      EngineBenchmarkSupport.deleteTree(dir);
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int index = (int) (Thread.currentThread().getId() * 7919 * 1031);
    int step;
  }

  @Benchmark
  public Object operation(Shared s, Cursor c) {
    Integer key = s.zipf.at(c.index++);
    if (s.writePercent > 0 && (c.step++ % 100) < s.writePercent) {
      s.cache.put(key, s.value);
      return key;
    }
    return s.cache.get(key);
  }
}
