package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestSeeds;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The heap index against a HashMap, single-threaded and with lock-free readers racing writers and resizes: a reader
 * never misses a key that stays in the index, and never sees one that was never put. {@code -Dcairn.seed=N} replays.
 */
class HeapIndexTest {
  private static final long SEED = TestSeeds.seed("HeapIndexTest");

  /** A key whose hash collides with many others, so chains are long. */
  record Colliding(int id) {
    @Override
    public int hashCode() {
      return id % 7;
    }
  }

  private static Holder<String> holder(Object key, String v) {
    return new Holder<>(key, v, Holder.ETERNAL);
  }

  @Test
  void behavesLikeAMapThroughGrowthAndCollisions() {
    System.out.println("HeapIndexTest seed " + SEED);
    Random r = new Random(SEED);
    HeapIndex<Object, String> index = new HeapIndex<>(4);
    Map<Object, String> model = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      Object k = r.nextBoolean() ? Integer.valueOf(r.nextInt(5000)) : new Colliding(r.nextInt(300));
      int op = r.nextInt(10);
      if (op < 5) {
        String v = "v" + i;
        index.compute(k, (kk, h) -> h == null ? holder(kk, v) : h).form = v;
        model.put(k, v);
      } else if (op < 7) {
        index.computeIfPresent(k, (kk, h) -> null);
        model.remove(k);
      } else if (op < 8) {
        // Replacing a holder by another for the same key.
        String v = "w" + i;
        index.computeIfPresent(k, (kk, h) -> holder(kk, v));
        model.computeIfPresent(k, (kk, old) -> v);
      } else {
        Holder<String> h = index.get(k);
        assertEquals(model.get(k), h == null ? null : h.form, "seed " + SEED + " key " + k);
      }
    }
    assertEquals(model.size(), index.size());
    Set<Object> keys = new HashSet<>(index.keys());
    assertEquals(model.keySet(), keys);
    for (Map.Entry<Object, String> e : model.entrySet()) {
      assertEquals(e.getValue(), index.get(e.getKey()).form);
    }
  }

  @Test
  void readersNeverMissAStableKeyWhileWritersChurnAndTheTableGrows() throws Exception {
    HeapIndex<Integer, String> index = new HeapIndex<>(16);
    int stable = 1000;
    for (int i = 0; i < stable; i++) {
      int k = i;
      index.compute(k, (kk, h) -> holder(kk, "stable"));
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      Random r = new Random(SEED);
      while (!stop.get()) {
        int k = r.nextInt(stable);
        Holder<String> h = index.get(k);
        if (h == null || !"stable".equals(h.form)) {
          failure.compareAndSet(null, "stable key " + k + " missed");
        }
        if (index.get(-1 - r.nextInt(1000)) != null) {
          failure.compareAndSet(null, "a key never put was found");
        }
      }
    });
    reader.start();
    Random w = new Random(SEED + 1);
    for (int i = 0; i < 300_000; i++) {
      int k = stable + w.nextInt(200_000);
      if (w.nextInt(3) == 0) {
        index.computeIfPresent(k, (kk, h) -> null);
      } else {
        index.compute(k, (kk, h) -> h == null ? holder(kk, "churn") : h);
      }
    }
    stop.set(true);
    reader.join();
    assertNull(failure.get(), failure.get() + " (seed " + SEED + ")");
    for (int i = 0; i < stable; i++) {
      assertNotNull(index.get(i));
    }
  }

  /** A prefetch finds what a lookup finds (a bin's first holder only) and changes nothing. */
  @Test
  void prefetchFindsTheHoldersALookupFindsAndChangesNothing() {
    HeapIndex<Object, String> index = new HeapIndex<>(16);
    for (int i = 0; i < 1000; i += 2) {
      Integer k = i;
      index.compute(k, (key, h) -> holder(key, "v" + key));
    }
    Object[] keys = new Object[64];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = 500 + i * 7; // the later half: each heads its bin (a bin links its newest holder first)
    }
    Object[] found = new Object[keys.length];
    index.prefetch(keys, keys.length, found);
    int hits = 0;
    for (int i = 0; i < keys.length; i++) {
      Holder<String> h = index.get(keys[i]);
      if (found[i] != null) {
        assertSame(h, found[i], "key " + keys[i]);
        hits++;
      }
    }
    assertEquals(32, hits, "every present key that heads its bin is found");
    assertEquals(500, index.size());
    for (int i = 1; i < 1000; i += 2) {
      assertNull(index.get(i));
    }
  }

  @Test
  void computeIfPresentOnAnAbsentKeyDoesNotCallTheFunction() {
    HeapIndex<String, String> index = new HeapIndex<>(16);
    assertNull(index.computeIfPresent("a", (k, h) -> {
      throw new AssertionError("called");
    }));
    Holder<String> h = index.compute("a", (k, cur) -> holder(k, "1"));
    assertSame(h, index.get("a"));
    assertSame(h, index.compute("a", (k, cur) -> cur));
    assertEquals(1, index.size());
  }
}
