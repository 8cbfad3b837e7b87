package io.cairn.benchmarks.jcache;

import io.cairn.jcache.BidiCache;
import io.cairn.jcache.CairnCache;
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
 *
 * <p>Each pair has a state of its own, so a benchmark builds only the two caches it measures; the persistent ones are
 * flushed and compacted after loading, so no other cache's loading work runs in the background of a measurement.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BidiBenchmark {
  private static final int ONE = 1_000_000;
  private static final int TWO = 2_000_000;

  /** A plain cache and a bidirectional one, loaded with the same entries. */
  @State(Scope.Benchmark)
  public abstract static class Pair {
    @Param({"100000"})
    public int keys;

    CacheManager manager;
    Cache<Integer, Integer> plain;
    Cache<Integer, Integer> bidi;
    BidiCache<Integer, Integer> inverse;
    ZipfKeys zipf;

    abstract CairnConfiguration<Integer, Integer> shape(CairnConfiguration<Integer, Integer> c, String name);

    /** Whether the pair is persistent, and so settled (flushed and compacted) after loading. */
    boolean onDisk() {
      return true;
    }

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() {
      String kind = getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
      manager = Caching.getCachingProvider(Providers.CAIRN)
          .getCacheManager(URI.create("urn:bench:bidi:" + kind), BidiBenchmark.class.getClassLoader());
      plain = manager.createCache("plain", shape(config(false), kind + "-plain"));
      bidi = manager.createCache("bidi", shape(config(true), kind + "-bidi"));
      for (int i = 0; i < keys; i++) {
        plain.put(i, i + ONE);
        bidi.put(i, i + ONE);
      }
      if (onDisk()) {
        for (Cache<Integer, Integer> c : java.util.List.of(plain, bidi)) {
          CairnCache<?, ?> engine = c.unwrap(CairnCache.class);
          engine.flush();
          engine.compact();
        }
      }
      inverse = bidi.unwrap(BidiCache.class);
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
      manager.destroyCache("plain");
      manager.destroyCache("bidi");
      manager.close();
    }
  }

  /** Heap tier only (write-back): every entry fits on the heap. */
  @State(Scope.Benchmark)
  public static class Heap extends Pair {
    @Override
    CairnConfiguration<Integer, Integer> shape(CairnConfiguration<Integer, Integer> c, String name) {
      return c;
    }

    @Override
    boolean onDisk() {
      return false;
    }
  }

  /** Persistent, every write goes to the engine (no log); every entry also fits on the heap. */
  @State(Scope.Benchmark)
  public static class Persistent extends Pair {
    @Override
    CairnConfiguration<Integer, Integer> shape(CairnConfiguration<Integer, Integer> c, String name) {
      return persistent(c, name);
    }
  }

  /** Persistent, with a heap tier of a quarter of the keys: the rest live on disk alone. */
  @State(Scope.Benchmark)
  public static class Spilled extends Pair {
    @Override
    CairnConfiguration<Integer, Integer> shape(CairnConfiguration<Integer, Integer> c, String name) {
      return persistent(c, name).setHeapEntries(keys / 4);
    }
  }

  private static CairnConfiguration<Integer, Integer> persistent(CairnConfiguration<Integer, Integer> c, String name) {
    return c.setPersistent(true).setDurability(io.cairn.engine.Durability.NONE).setDirectory(java.nio.file.Path.of(
        System.getProperty("java.io.tmpdir"), "cairn-bench-bidi-" + name + "-" + System.nanoTime()));
  }

  @State(Scope.Thread)
  public static class Cursor {
    int index = (int) (Thread.currentThread().getId() * 104729);
  }

  @Benchmark
  public Integer get(Heap s, Cursor c) {
    return s.bidi.get(s.zipf.at(c.index++));
  }

  @Benchmark
  public Integer getKey(Heap s, Cursor c) {
    return s.inverse.getKey(s.zipf.at(c.index++) + ONE);
  }

  @Benchmark
  public void putPlain(Heap s, Cursor c) {
    Integer k = s.zipf.at(c.index++);
    s.plain.put(k, k + ONE);
  }

  @Benchmark
  public void putBidi(Heap s, Cursor c) {
    Integer k = s.zipf.at(c.index++);
    s.bidi.put(k, k + ONE);
  }

  @Benchmark
  public void movePlain(Heap s, Cursor c) {
    move(s.plain, s, c);
  }

  @Benchmark
  public void moveBidi(Heap s, Cursor c) {
    move(s.bidi, s, c);
  }

  @Benchmark
  public void movePlainPersistent(Persistent s, Cursor c) {
    move(s.plain, s, c);
  }

  @Benchmark
  public void moveBidiPersistent(Persistent s, Cursor c) {
    move(s.bidi, s, c);
  }

  @Benchmark
  public void movePlainSpilled(Spilled s, Cursor c) {
    move(s.plain, s, c);
  }

  @Benchmark
  public void moveBidiSpilled(Spilled s, Cursor c) {
    move(s.bidi, s, c);
  }

  /** Puts the next key's other value: {@code key + ONE} and {@code key + TWO} alternate. */
  private static void move(Cache<Integer, Integer> cache, Pair s, Cursor c) {
    int i = c.index++;
    Integer k = s.zipf.at(i);
    cache.put(k, k + ((i & 1) == 0 ? ONE : TWO));
  }
}
