package io.cairn.benchmarks.jcache;

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
 * JCache calls on heap-resident data: {@code keys} Integer keys (all fit on the heap tier), 100-byte values,
 * Zipf-distributed accesses. Workloads: {@code read100}, {@code read75write25}, {@code write100}. Threads come from
 * JMH's {@code -t}. Each provider gets the same configuration: store-by-value or store-by-reference, statistics off,
 * no expiry, capacity above the key count.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HeapTierBenchmark {

  @State(Scope.Benchmark)
  public static class Shared {
    @Param({"cairn", "caffeine", "ehcache", "cache2k"})
    public String system;

    @Param({"true", "false"})
    public boolean storeByValue;

    @Param({"read100", "read75write25", "write100"})
    public String workload;

    @Param({"100000"})
    public int keys;

    Cache<Integer, Payload> cache;
    ZipfKeys zipf;
    Payload value = new Payload(100);
    int writePercent;

    @Setup(Level.Trial)
    public void setUp() {
      cache = Providers.cache(system, "heap", storeByValue, keys * 2L);
      for (int i = 0; i < keys; i++) {
        cache.put(i, new Payload(100));
      }
      zipf = new ZipfKeys(keys, 1 << 20, 42);
      writePercent = switch (workload) {
        case "read100" -> 0;
        case "read75write25" -> 25;
        case "write100" -> 100;
        default -> throw new IllegalArgumentException("unknown workload " + workload);
      };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Providers.close(system);
    }
  }

  /** Each thread walks the Zipf sequence from its own offset and decides reads and writes by its own counter. */
  @State(Scope.Thread)
  public static class Cursor {
    int index;
    int step;

    @Setup(Level.Trial)
    public void setUp() {
      index = (int) (Thread.currentThread().getId() * 7919 * 1031);
    }
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
