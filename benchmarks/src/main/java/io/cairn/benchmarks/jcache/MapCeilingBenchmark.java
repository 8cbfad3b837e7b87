package io.cairn.benchmarks.jcache;

import java.util.concurrent.ConcurrentHashMap;
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

/**
 * The ceiling for {@link HeapTierBenchmark}: the same keys, values, Zipf sequence, workloads and threads on a plain
 * {@link ConcurrentHashMap} (no bound, no eviction, no expiry, no copies, no JCache checks), so each cache's heap-tier
 * figure also reads as a fraction of what a concurrent map does on this machine. Store-by-reference only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MapCeilingBenchmark {

  @State(Scope.Benchmark)
  public static class Shared {
    @Param({"read100", "read75write25", "write100"})
    public String workload;

    @Param({"100000"})
    public int keys;

    ConcurrentHashMap<Integer, Payload> map;
    ZipfKeys zipf;
    Payload value = new Payload(100);
    int writePercent;

    @Setup(Level.Trial)
    public void setUp() {
      map = new ConcurrentHashMap<>(keys * 2);
      for (int i = 0; i < keys; i++) {
        map.put(i, new Payload(100));
      }
      zipf = new ZipfKeys(keys, 1 << 20, 42);
      writePercent = switch (workload) {
        case "read100" -> 0;
        case "read75write25" -> 25;
        case "write100" -> 100;
        default -> throw new IllegalArgumentException("unknown workload " + workload);
      };
    }
  }

  @Benchmark
  public Object operation(Shared s, HeapTierBenchmark.Cursor c) {
    Integer key = s.zipf.at(c.index++);
    if (s.writePercent > 0 && (c.step++ % 100) < s.writePercent) {
      s.map.put(key, s.value);
      return key;
    }
    return s.map.get(key);
  }
}
