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
 * bidirectional cache against the same writes to a plain one, both on the heap tier (write-back) and persistent
 * (every write goes to the engine; no log, so the engine's memtable write is what is measured). {@code keys} Integer
 * keys, each holding a value unique to it; Zipf-distributed accesses. The {@code put*} writes re-put a key's own value
 * (the uniqueness check still runs); the {@code move*} writes switch a key between its two values
 * ({@code key + 1_000_000} and {@code key + 2_000_000}), so each gives up one value and claims another.
 *
 * <p>The {@code *Spilled} pairs are persistent caches whose heap tier holds a quarter of the keys: the rest live on
 * disk alone, so a bidirectional write must also ask the disk whether a key there holds the value (the prefix-filtered
 * probe), and both caches read a cold key's old entry from disk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BidiBenchmark {
  private static final int ONE = 1_000_000;
  private static final int TWO = 2_000_000;

  @State(Scope.Benchmark)
  public static class Caches {
    @Param({"100000"})
    public int keys;

    CacheManager manager;
    Cache<Integer, Integer> plain;
    Cache<Integer, Integer> bidi;
    Cache<Integer, Integer> plainPersistent;
    Cache<Integer, Integer> bidiPersistent;
    Cache<Integer, Integer> plainSpilled;
    Cache<Integer, Integer> bidiSpilled;
    BidiCache<Integer, Integer> inverse;
    ZipfKeys zipf;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() {
      manager = Caching.getCachingProvider(Providers.CAIRN)
          .getCacheManager(URI.create("urn:bench:bidi"), BidiBenchmark.class.getClassLoader());
      plain = manager.createCache("plain", config(false));
      bidi = manager.createCache("bidi", config(true));
      plainPersistent = manager.createCache("plain-persistent", persistent(config(false), "plain"));
      bidiPersistent = manager.createCache("bidi-persistent", persistent(config(true), "bidi"));
      plainSpilled = manager.createCache("plain-spilled",
          persistent(config(false), "plain-spilled").setHeapEntries(keys / 4));
      bidiSpilled = manager.createCache("bidi-spilled", persistent(config(true), "bidi-spilled").setHeapEntries(keys / 4));
      inverse = bidi.unwrap(BidiCache.class);
      for (int i = 0; i < keys; i++) {
        plain.put(i, i + ONE);
        bidi.put(i, i + ONE);
        plainPersistent.put(i, i + ONE);
        bidiPersistent.put(i, i + ONE);
        plainSpilled.put(i, i + ONE);
        bidiSpilled.put(i, i + ONE);
      }
      zipf = new ZipfKeys(keys, 1 << 20, 7);
    }

    private CairnConfiguration<Integer, Integer> config(boolean bidirectional) {
      CairnConfiguration<Integer, Integer> c = new CairnConfiguration<Integer, Integer>()
          .setBidirectional(bidirectional).setHeapEntries(keys * 2L);
      c.setTypes(Integer.class, Integer.class);
      return c;
    }

    private static CairnConfiguration<Integer, Integer> persistent(CairnConfiguration<Integer, Integer> c,
        String name) {
      return c.setPersistent(true).setDurability(io.cairn.engine.Durability.NONE).setDirectory(java.nio.file.Path.of(
          System.getProperty("java.io.tmpdir"), "cairn-bench-bidi-" + name + "-" + System.nanoTime()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.destroyCache("plain-persistent");
      manager.destroyCache("bidi-persistent");
      manager.destroyCache("plain-spilled");
      manager.destroyCache("bidi-spilled");
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
    return s.inverse.getKey(s.zipf.at(c.index++) + ONE);
  }

  @Benchmark
  public void putPlain(Caches s, Cursor c) {
    Integer k = s.zipf.at(c.index++);
    s.plain.put(k, k + ONE);
  }

  @Benchmark
  public void putBidi(Caches s, Cursor c) {
    Integer k = s.zipf.at(c.index++);
    s.bidi.put(k, k + ONE);
  }

  @Benchmark
  public void movePlain(Caches s, Cursor c) {
    move(s.plain, s, c);
  }

  @Benchmark
  public void moveBidi(Caches s, Cursor c) {
    move(s.bidi, s, c);
  }

  @Benchmark
  public void movePlainPersistent(Caches s, Cursor c) {
    move(s.plainPersistent, s, c);
  }

  @Benchmark
  public void moveBidiPersistent(Caches s, Cursor c) {
    move(s.bidiPersistent, s, c);
  }

  @Benchmark
  public void movePlainSpilled(Caches s, Cursor c) {
    move(s.plainSpilled, s, c);
  }

  @Benchmark
  public void moveBidiSpilled(Caches s, Cursor c) {
    move(s.bidiSpilled, s, c);
  }

  /** Puts the next key's other value: {@code key + ONE} and {@code key + TWO} alternate. */
  private static void move(Cache<Integer, Integer> cache, Caches s, Cursor c) {
    int i = c.index++;
    Integer k = s.zipf.at(i);
    cache.put(k, k + ((i & 1) == 0 ? ONE : TWO));
  }
}
