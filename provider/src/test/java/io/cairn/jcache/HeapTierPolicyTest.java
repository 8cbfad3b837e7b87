package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The heap tier's S3-FIFO policy against Caffeine's W-TinyLFU on the same traces: hit ratios within two points on a
 * Zipf 0.99 trace and on a Zipf trace polluted by long scans of keys read once. Also: the tier holds its capacity.
 * Traces are seeded ({@code -Dcairn.seed=N}); the seed is printed.
 */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class HeapTierPolicyTest {
  private static final long SEED = Long.getLong("cairn.seed", 20261202L);

  /** A Zipf(s) sampler over ranks 0..n-1 (inverse CDF by binary search), keys shuffled so rank and hash are apart. */
  static final class Zipf {
    private final double[] cdf;
    private final int[] keys;
    private final Random random;

    Zipf(int n, double s, Random random) {
      this.random = random;
      cdf = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1 / Math.pow(i + 1, s);
        cdf[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cdf[i] /= sum;
      }
      keys = new int[n];
      for (int i = 0; i < n; i++) {
        keys[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = keys[i];
        keys[i] = keys[j];
        keys[j] = t;
      }
    }

    int next() {
      double u = random.nextDouble();
      int lo = 0;
      int hi = cdf.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return keys[lo];
    }
  }

  static int[] zipfTrace(int keys, int length, Random random) {
    Zipf z = new Zipf(keys, 0.99, random);
    int[] t = new int[length];
    for (int i = 0; i < length; i++) {
      t[i] = z.next();
    }
    return t;
  }

  /** Zipf requests, with a scan of {@code scanLength} keys never seen before after every {@code every} requests. */
  static int[] scanPollutedTrace(int keys, int length, int every, int scanLength, Random random) {
    Zipf z = new Zipf(keys, 0.99, random);
    List<Integer> t = new ArrayList<>(length);
    int fresh = keys;
    while (t.size() < length) {
      for (int i = 0; i < every && t.size() < length; i++) {
        t.add(z.next());
      }
      for (int i = 0; i < scanLength && t.size() < length; i++) {
        t.add(fresh++);
      }
    }
    return t.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The heap tier on its own, as the tier store drives it: a miss inserts; a victim leaves the map. */
  static final class Simulated {
    final HeapTier<Integer, Object> heap;
    final HeapIndex<Integer, Object> map;

    Simulated(long capacity) {
      HeapTier<Integer, Object>[] self = new HeapTier[1];
      heap = new HeapTier<>(capacity, (victim, events) -> {
        self[0].map().computeIfPresent((Integer) victim.key, (k, h) -> {
          if (h != victim) {
            return h;
          }
          self[0].unmapped(h);
          return null;
        });
        return victim.unmapped;
      });
      self[0] = heap;
      map = heap.map();
    }

    boolean request(int key) {
      if (heap.get(key) != null) {
        return true;
      }
      Holder<Object>[] admitted = new Holder[1];
      map.compute(key, (k, cur) -> {
        if (cur != null) {
          return cur;
        }
        Holder<Object> h = new Holder<>(k, "v", Holder.ETERNAL);
        admitted[0] = h;
        return h;
      });
      if (admitted[0] != null) {
        heap.admitted(admitted[0], PendingEvents.none());
      }
      return false;
    }
  }

  static double cairnHitRatio(int[] trace, int capacity) {
    Simulated s = new Simulated(capacity);
    long hits = 0;
    for (int k : trace) {
      hits += s.request(k) ? 1 : 0;
    }
    assertTrue(s.heap.size() <= capacity, "holds " + s.heap.size() + " of " + capacity);
    return (double) hits / trace.length;
  }

  static double caffeineHitRatio(int[] trace, int capacity) {
    Cache<Integer, Object> c = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
    long hits = 0;
    for (int k : trace) {
      if (c.getIfPresent(k) != null) {
        hits++;
      } else {
        c.put(k, "v");
      }
    }
    return (double) hits / trace.length;
  }

  private static void compare(String trace, int[] requests, int capacity) {
    double cairn = cairnHitRatio(requests, capacity);
    double caffeine = caffeineHitRatio(requests, capacity);
    System.out.printf("HeapTierPolicyTest seed %d, %s, capacity %d: S3-FIFO %.2f%%, W-TinyLFU %.2f%%%n", SEED, trace,
        capacity, cairn * 100, caffeine * 100);
    assertTrue(cairn >= caffeine - 0.02, trace + " at capacity " + capacity + ": S3-FIFO hit ratio "
        + cairn + " is more than 2 points below W-TinyLFU's " + caffeine + " (seed " + SEED + ")");
  }

  @Test
  void zipfHitRatioIsWithinTwoPointsOfTinyLfu() {
    Random r = new Random(SEED);
    int[] trace = zipfTrace(100_000, 2_000_000, r);
    for (int capacity : new int[] {1_000, 5_000, 20_000}) {
      compare("Zipf 0.99 over 100k keys", trace, capacity);
    }
  }

  @Test
  void scanPollutedHitRatioIsWithinTwoPointsOfTinyLfu() {
    Random r = new Random(SEED + 1);
    int[] trace = scanPollutedTrace(100_000, 2_000_000, 20_000, 20_000, r);
    for (int capacity : new int[] {1_000, 5_000, 20_000}) {
      compare("Zipf 0.99 with scans of 20k new keys every 20k requests", trace, capacity);
    }
  }

  @Test
  void theTierNeverHoldsMoreThanItsCapacityWhenWritersAreSingle() {
    Simulated s = new Simulated(100);
    for (int i = 0; i < 10_000; i++) {
      s.request(i);
      assertTrue(s.heap.size() <= 100, "after " + i + ": " + s.heap.size());
    }
    assertEquals(100, s.heap.size());
    assertEquals(s.map.size(), s.heap.size());
  }
}
