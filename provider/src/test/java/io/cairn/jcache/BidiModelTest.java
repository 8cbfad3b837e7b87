package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.engine.TestSeeds;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bidirectional cache against a model (a pair of maps) under random put, forcePut, remove, replace, removeValue,
 * short-lived entries (expiry), clear and restart, with a heap tier of four entries so entries move between tiers
 * all the time. Run on a persistent cache (every write goes to disk; a restart keeps everything) and on a write-back
 * one (entries and their inverse records reach disk when the heap evicts them; a restart starts empty). Prints its
 * seed; replay with {@code -Dcairn.seed=N}; steps with {@code -Dcairn.bidi.steps}; a full check of both views every
 * N steps (250 unless told) with {@code -Dcairn.bidi.checkEvery=N}.
 */
class BidiModelTest {
  @TempDir Path dir;

  /** Creation and update expiry set by the test before each write; access leaves expiry alone. */
  public static final class ControlledExpiry implements ExpiryPolicy, Serializable {
    private static final long serialVersionUID = 1L;
    static volatile Duration next = Duration.ETERNAL;

    @Override
    public Duration getExpiryForCreation() {
      return next;
    }

    @Override
    public Duration getExpiryForAccess() {
      return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return next;
    }
  }

  @ParameterizedTest(name = "persistent={0}")
  @ValueSource(booleans = {true, false})
  void bidiCacheMatchesAPairOfMaps(boolean persistent) throws Exception {
    long seed = TestSeeds.seed("BidiModelTest");
    System.out.println("BidiModelTest (persistent=" + persistent + "): seed " + seed + " (replay with -Dcairn.seed="
        + seed + ")");
    int steps = Integer.getInteger("cairn.bidi.steps", 2500);
    Random r = new Random(seed);
    CacheManager m = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create("urn:cairn:bidi-model-" + persistent), getClass().getClassLoader());
    CairnConfiguration<String, Integer> conf = new CairnConfiguration<String, Integer>().setBidirectional(true)
        .setHeapEntries(4).setPersistent(persistent).setDirectory(dir.resolve("model")).setMemtableBytes(64 * 1024);
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000);
    conf.setTypes(String.class, Integer.class).setClock(clock::get)
        .setExpiryPolicyFactory(FactoryBuilder.factoryOf(ControlledExpiry.class));
    Map<String, Integer> forward = new HashMap<>();
    Map<Integer, String> inverse = new HashMap<>();
    Cache<String, Integer> c = m.createCache("model", conf);
    try {
      for (int step = 0; step < steps; step++) {
        String where = "persistent=" + persistent + " seed " + seed + " step " + step;
        Cache<String, Integer> cache = c;
        String k = "k" + r.nextInt(30);
        Integer v = r.nextInt(20);
        @SuppressWarnings("unchecked")
        BidiCache<String, Integer> b = c.unwrap(BidiCache.class);
        int op = r.nextInt(100);
        if (Boolean.getBoolean("cairn.bidi.trace")) {
          System.out.println(step + ": op " + op + " k=" + k + " v=" + v + " forward=" + forward);
        }
        if (op < 35) {
          String holder = inverse.get(v);
          if (holder != null && !holder.equals(k)) {
            assertThrows(IllegalArgumentException.class, () -> cache.put(k, v), where);
          } else {
            c.put(k, v);
            set(forward, inverse, k, v);
          }
        } else if (op < 50) {
          Integer before = forward.get(k);
          assertEquals(before, b.forcePut(k, v), where + " forcePut result");
          String holder = inverse.get(v);
          if (holder != null) {
            forward.remove(holder);
            inverse.remove(v);
          }
          set(forward, inverse, k, v);
        } else if (op < 60) {
          Integer old = forward.remove(k);
          if (old != null) {
            inverse.remove(old);
          }
          assertEquals(old != null, c.remove(k), where + " remove");
        } else if (op < 68) {
          String holder = inverse.get(v);
          boolean present = forward.containsKey(k);
          if (present && holder != null && !holder.equals(k)) {
            assertThrows(IllegalArgumentException.class, () -> cache.replace(k, v), where);
          } else {
            assertEquals(present, c.replace(k, v), where + " replace");
            if (present) {
              set(forward, inverse, k, v);
            }
          }
        } else if (op < 74) {
          String holder = inverse.remove(v);
          if (holder != null) {
            forward.remove(holder);
          }
          assertEquals(holder != null, b.removeValue(v), where + " removeValue");
        } else if (op < 78) {
          String holder = inverse.get(v);
          if (holder == null || holder.equals(k)) {
            ControlledExpiry.next = new Duration(TimeUnit.MILLISECONDS, 2);
            try {
              c.put(k, v);
            } finally {
              ControlledExpiry.next = Duration.ETERNAL;
            }
            clock.addAndGet(5);
            Integer old = forward.remove(k);
            if (old != null) {
              inverse.remove(old);
            }
          }
        } else if (op < 79) {
          c.clear();
          forward.clear();
          inverse.clear();
        } else if (op < 81) {
          c.close();
          c = m.createCache("model", conf);
          if (!persistent) {
            forward.clear();
            inverse.clear();
          }
        } else {
          assertEquals(inverse.get(v), b.getKey(v), where + " getKey(" + v + ")");
          assertEquals(forward.get(k), c.get(k), where + " get(" + k + ")");
        }
        if (step % Integer.getInteger("cairn.bidi.checkEvery", 250) == 0) {
          checkAll(c, forward, inverse, where);
        }
      }
      checkAll(c, forward, inverse, "seed " + seed + " end");
    } finally {
      m.close();
    }
  }

  private static void set(Map<String, Integer> forward, Map<Integer, String> inverse, String k, Integer v) {
    Integer old = forward.put(k, v);
    if (old != null) {
      inverse.remove(old);
    }
    inverse.put(v, k);
  }

  private static void checkAll(Cache<String, Integer> c, Map<String, Integer> forward, Map<Integer, String> inverse,
      String where) {
    @SuppressWarnings("unchecked")
    BidiCache<String, Integer> b = c.unwrap(BidiCache.class);
    for (int v = 0; v < 20; v++) {
      assertEquals(inverse.get(v), b.getKey(v), where + " full check getKey(" + v + ")");
    }
    for (int i = 0; i < 30; i++) {
      assertEquals(forward.get("k" + i), c.get("k" + i), where + " full check get(k" + i + ")");
    }
    Map<Integer, String> seen = new HashMap<>();
    for (Map.Entry<Integer, String> e : b.inverse()) {
      seen.put(e.getKey(), e.getValue());
    }
    assertEquals(inverse, seen, where + " inverse view");
  }
}
