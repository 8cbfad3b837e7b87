package io.cairn.benchmarks.jcache;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Latency percentiles (p50, p99, p99.9) of {@code get} and {@code put} on heap-resident data, through the same caches
 * as {@link HeapTierBenchmark} (JMH sample time mode).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LatencyBenchmark {

  @Benchmark
  public Payload get(HeapTierBenchmark.Shared s, HeapTierBenchmark.Cursor c) {
    return s.cache.get(s.zipf.at(c.index++));
  }

  @Benchmark
  public void put(HeapTierBenchmark.Shared s, HeapTierBenchmark.Cursor c) {
    s.cache.put(s.zipf.at(c.index++), s.value);
  }
}
