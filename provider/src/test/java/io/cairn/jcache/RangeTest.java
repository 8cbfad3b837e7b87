package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestSeeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Range scans through {@link CairnCache#range} against a sorted model, across tiers and under concurrent writes. */
class RangeTest {
  @TempDir Path dir;
  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = TestManagers.open("range");
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @SuppressWarnings("unchecked")
  private static List<Map.Entry<Integer, String>> range(Cache<Integer, String> c, int from, int to) {
    List<Map.Entry<Integer, String>> out = new ArrayList<>();
    for (Object o : c.unwrap(CairnCache.class).range(from, to)) {
      Cache.Entry<Integer, String> e = (Cache.Entry<Integer, String>) o;
      out.add(Map.entry(e.getKey(), e.getValue()));
    }
    return out;
  }

  @ParameterizedTest(name = "persistent {0}")
  @ValueSource(booleans = {false, true})
  void rangesMatchASortedModelAcrossTiers(boolean persistent) {
    long seed = TestSeeds.seed("RangeTest");
    System.out.println("RangeTest persistent " + persistent + ": seed " + seed);
    Random r = new Random(seed);
    CairnConfiguration<Integer, String> conf = new CairnConfiguration<Integer, String>().setHeapEntries(25)
        .setPersistent(persistent).setDirectory(dir.resolve("p"));
    conf.setTypes(Integer.class, String.class);
    Cache<Integer, String> c = manager.createCache("ranged", conf);
    TreeMap<Integer, String> model = new TreeMap<>();
    for (int step = 0; step < 3000; step++) {
      int k = r.nextInt(800) - 400;
      if (r.nextInt(5) == 0) {
        c.remove(k);
        model.remove(k);
      } else {
        String v = "v" + step;
        c.put(k, v);
        model.put(k, v);
      }
      if (step % 100 == 0) {
        int a = r.nextInt(900) - 450;
        int b = a + r.nextInt(300);
        assertEquals(new ArrayList<>(model.subMap(a, b).entrySet()), range(c, a, b),
            "seed " + seed + " step " + step + " range [" + a + ", " + b + ")");
      }
    }
    assertEquals(new ArrayList<>(model.entrySet()), range(c, Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  /**
   * A writer rewrites keys 0..99 in order, round after round, each with its round number. A point-in-time view
   * therefore shows round r on keys below some p and round r-1 from p on; anything else is not a snapshot.
   */
  @Test
  void rangeIsASnapshotWhileWritersRun() throws Exception {
    CairnConfiguration<Integer, String> conf = new CairnConfiguration<Integer, String>().setHeapEntries(30)
        .setPersistent(true).setDirectory(dir.resolve("snap"));
    conf.setTypes(Integer.class, String.class);
    Cache<Integer, String> c = manager.createCache("snap", conf);
    for (int k = 0; k < 100; k++) {
      c.put(k, "0");
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try {
        for (int round = 1; !stop.get(); round++) {
          for (int k = 0; k < 100; k++) {
            c.put(k, Integer.toString(round));
          }
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    writer.start();
    int scans = 0;
    long end = System.currentTimeMillis() + 2000;
    while (System.currentTimeMillis() < end) {
      List<Map.Entry<Integer, String>> snap = range(c, 0, 100);
      assertEquals(100, snap.size());
      int first = Integer.parseInt(snap.get(0).getValue());
      boolean stepped = false;
      for (Map.Entry<Integer, String> e : snap) {
        int v = Integer.parseInt(e.getValue());
        if (v == first - 1 && !stepped) {
          stepped = true;
        } else if (v != (stepped ? first - 1 : first)) {
          throw new AssertionError("not a snapshot: key " + e.getKey() + " has round " + v + " in " + snap);
        }
      }
      scans++;
    }
    stop.set(true);
    writer.join();
    assertEquals(null, failure.get());
    assertTrue(scans > 10, "scans ran: " + scans);
  }
}
