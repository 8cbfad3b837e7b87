package io.cairn.benchmarks.jcache;

import io.cairn.jcache.BidiCache;
import io.cairn.jcache.CairnConfiguration;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
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
 * The cost of the bidirectional index: {@code getKey} against {@code get} on heap-resident entries, and writes to a
 * bidirectional cache against the same writes to a plain one. {@code keys} Integer keys, each holding the unique
 * value {@code key + 1_000_000}; Zipf-distributed accesses; writes re-put a key's own value (the uniqueness check and
 * the index write still run). {@code putPlainWriteThrough} is a plain cache that writes every put to its disk tier,
 * as a bidirectional cache does to keep its inverse index exact.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BidiBenchmark {

  @State(Scope.Benchmark)
  public static class Caches {
    @Param({"100000"})
    public int keys;

    CacheManager manager;
    Cache<Integer, Integer> plain;
    Cache<Integer, Integer> plainWriteThrough;
    Cache<Integer, Integer> bidi;
    BidiCache<Integer, Integer> inverse;
    ZipfKeys zipf;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() {
      manager = Caching.getCachingProvider(Providers.CAIRN)
          .getCacheManager(URI.create("urn:bench:bidi"), BidiBenchmark.class.getClassLoader());
      plain = manager.createCache("plain", config(false));
      plainWriteThrough = manager.createCache("plain-persistent", config(false).setPersistent(true)
          .setDurability(io.cairn.engine.Durability.NONE)
          .setDirectory(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "cairn-bench-bidi-" + System.nanoTime())));
      bidi = manager.createCache("bidi", config(true));
      inverse = bidi.unwrap(BidiCache.class);
      for (int i = 0; i < keys; i++) {
        plain.put(i, i + 1_000_000);
        plainWriteThrough.put(i, i + 1_000_000);
        bidi.put(i, i + 1_000_000);
      }
      zipf = new ZipfKeys(keys, 1 << 20, 7);
    }

    private CairnConfiguration<Integer, Integer> config(boolean bidirectional) {
      CairnConfiguration<Integer, Integer> c = new CairnConfiguration<Integer, Integer>()
          .setBidirectional(bidirectional).setHeapEntries(keys * 2L);
      c.setTypes(Integer.class, Integer.class);
      return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.destroyCache("plain-persistent");
      manager.close();
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int index = (int) (Thread.currentThread().getId() * 104729);
  }

  @Benchmark
  public Integer get(Caches s, Cursor c) {
    return s.bidi.get(s.zipf.at(c.index++));
  }

  @Benchmark
  public Integer getKey(Caches s, Cursor c) {
    return s.inverse.getKey(s.zipf.at(c.index++) + 1_000_000);
  }

  @Benchmark
  public void putPlain(Caches s, Cursor c) {
    Integer k = s.zipf.at(c.index++);
    s.plain.put(k, k + 1_000_000);
  }

  /** A plain cache that also writes every put to its disk tier (persistent, no log): what bidi writes build on. */
  @Benchmark
  public void putPlainWriteThrough(Caches s, Cursor c) {
    Integer k = s.zipf.at(c.index++);
    s.plainWriteThrough.put(k, k + 1_000_000);
  }

  @Benchmark
  public void putBidi(Caches s, Cursor c) {
    Integer k = s.zipf.at(c.index++);
    s.bidi.put(k, k + 1_000_000);
  }
}
