package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestSeeds;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers, readers and removers on a small heap tier over a disk tier, each thread on keys of its own: every read sees
 * the thread's own last write whatever the evictions in between, and afterwards the heap tier is within its capacity
 * and every key holds what its thread wrote last. {@code -Dcairn.seed=N} replays; {@code -Dcairn.heap.ops=N} runs
 * longer.
 */
class HeapTierConcurrencyTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void evictionsNeverLoseOrResurrectAWrite(boolean persistent) throws Exception {
    long seed = TestSeeds.seed("HeapTierConcurrencyTest");
    int ops = Integer.getInteger("cairn.heap.ops", 20_000);
    System.out.println("HeapTierConcurrencyTest seed " + seed + " persistent=" + persistent);
    Properties p = new Properties();
    p.setProperty("directory", dir.resolve("data").toString());
    CacheManager m = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create("urn:cairn:heap-concurrency-" + persistent), getClass().getClassLoader(), p);
    int threads = 4;
    int keysPerThread = 200;
    int heap = 64;
    try {
      Cache<Integer, String> c = m.createCache("c", new CairnConfiguration<Integer, String>()
          .setTypes(Integer.class, String.class).setHeapEntries(heap).setPersistent(persistent)
          .setMemtableBytes(64 * 1024));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Map<Integer, String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * keysPerThread;
        Random r = new Random(seed + t);
        results.add(pool.submit(() -> {
          Map<Integer, String> model = new HashMap<>();
          for (int i = 0; i < ops; i++) {
            int k = base + r.nextInt(keysPerThread);
            int op = r.nextInt(10);
            String where = "seed " + seed + " key " + k + " op " + i;
            if (op < 4) {
              String v = "v" + i;
              c.put(k, v);
              model.put(k, v);
            } else if (op < 5) {
              assertEquals(model.remove(k) != null, c.remove(k), where + " remove");
            } else if (op < 6) {
              String v = "r" + i;
              assertEquals(model.get(k), c.getAndPut(k, v), where + " getAndPut");
              model.put(k, v);
            } else {
              assertEquals(model.get(k), c.get(k), where + " get");
            }
          }
          return model;
        }));
      }
      Map<Integer, String> all = new HashMap<>();
      for (Future<Map<Integer, String>> f : results) {
        all.putAll(f.get());
      }
      pool.shutdown();
      TieredCache<?, ?> tc = c.unwrap(TieredCache.class);
      assertTrue(tc.heapSize() <= heap, "heap tier holds " + tc.heapSize() + " of " + heap);
      for (int k = 0; k < threads * keysPerThread; k++) {
        assertEquals(all.get(k), c.get(k), "seed " + seed + " key " + k + " at the end");
      }
      assertEquals(all.size(), c.unwrap(CairnCache.class).size());
    } finally {
      m.close();
    }
  }
}
