package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.Durability;
import io.cairn.engine.StoreStatistics;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk tier keeps what is in use without reads writing: reading a persistent cache's disk entries writes nothing
 * (no bytes, no forced log write, no growth).
 */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class DiskRecencyTest {
  @TempDir Path dir;
  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = TestManagers.open("recency", dir);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static long entries(StoreStatistics s) {
    return s.levels().stream().mapToLong(StoreStatistics.Level::entries).sum();
  }

  @Test
  void readingAPersistentCacheWritesNothing() {
    CairnConfiguration<Integer, String> conf = new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setPersistent(true).setDurability(Durability.SYNC)
        .setHeapEntries(1000).setDirectory(dir.resolve("sync"));
    String value = "x".repeat(300);
    Cache<Integer, String> c = manager.createCache("sync", conf);
    java.util.Map<Integer, String> batch = new java.util.HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      batch.put(i, value + i);
      if (batch.size() == 1000) {
        c.putAll(batch);
        batch.clear();
      }
    }
    c.unwrap(CairnCache.class).flush();
    c.close();

    Cache<Integer, String> again = manager.createCache("sync", conf);
    CairnCache<Integer, String> engine = again.unwrap(CairnCache.class);
    StoreStatistics before = engine.engineStatistics();
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < 30_000; i++) {
        assertEquals(value + i, again.get(i), "key " + i);
      }
    }
    StoreStatistics after = engine.engineStatistics();
    assertEquals(before.writes().userBytes(), after.writes().userBytes(), "reads wrote user bytes: " + after);
    assertEquals(before.writes().walBytes(), after.writes().walBytes(), "reads wrote to the log");
    assertEquals(before.writes().walSyncs(), after.writes().walSyncs(), "reads forced the log");
    assertEquals(entries(before), entries(after), "reads grew the disk tier");
    assertEquals(before.tables().bytes(), after.tables().bytes());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aPutOfAKeyOnDiskOnlyReadsNothingAndItsRemovalStaysRemoved(boolean persistent) {
    CairnConfiguration<Integer, String> conf = new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setPersistent(persistent)
        .setDirectory(dir.resolve("blind-" + persistent));
    Cache<Integer, String> c = manager.createCache("blind-" + persistent, conf);
    for (int i = 0; i < 1000; i++) {
      c.put(i, "first" + i);
    }
    CairnCache<Integer, String> engine = c.unwrap(CairnCache.class);
    // A listener for expiry only (as Cairn server's databases have) wants nothing a put of an eternal entry makes.
    javax.cache.event.CacheEntryExpiredListener<Integer, String> onExpiry = events -> { };
    c.registerCacheEntryListener(new javax.cache.configuration.MutableCacheEntryListenerConfiguration<>(
        () -> onExpiry, null, false, true));
    long checks = engine.engineStatistics().filter().bloomChecks();
    for (int i = 0; i < 1000; i++) {
      c.put(i, "second" + i);
    }
    assertEquals(checks, engine.engineStatistics().filter().bloomChecks(), "puts of keys on disk only asked no table");
    for (int i = 0; i < 1000; i++) {
      engine.put(i, "second" + i, CairnCache.ETERNAL);
    }
    assertEquals(checks, engine.engineStatistics().filter().bloomChecks(), "nor did puts with an explicit ETERNAL");
    for (int i = 0; i < 1000; i += 2) {
      assertTrue(c.remove(i), "key " + i + " was there to remove");
    }
    for (int i = 0; i < 1000; i++) {
      assertEquals(i % 2 == 0 ? null : "second" + i, c.get(i), "key " + i);
    }
    if (persistent) {
      c.close();
      Cache<Integer, String> again = manager.createCache("blind-" + persistent, conf);
      for (int i = 0; i < 1000; i++) {
        assertEquals(i % 2 == 0 ? null : "second" + i, again.get(i), "key " + i + " after a restart");
      }
    }
  }

  /** With a listener for CREATED and UPDATED, a put of a key on disk only reads it, to tell an update from a create. */
  @Test
  void aPutWhoseEventsAreWantedStillTellsAnUpdateFromACreate() {
    Cache<Integer, String> c = manager.createCache("told", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10));
    for (int i = 0; i < 1000; i++) {
      c.put(i, "first" + i);
    }
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    class Both implements javax.cache.event.CacheEntryCreatedListener<Integer, String>,
        javax.cache.event.CacheEntryUpdatedListener<Integer, String> {
      @Override
      public void onCreated(Iterable<javax.cache.event.CacheEntryEvent<? extends Integer, ? extends String>> es) {
        es.forEach(e -> seen.add("created " + e.getKey()));
      }

      @Override
      public void onUpdated(Iterable<javax.cache.event.CacheEntryEvent<? extends Integer, ? extends String>> es) {
        es.forEach(e -> seen.add("updated " + e.getKey() + " from " + e.getOldValue()));
      }
    }
    Both both = new Both();
    c.registerCacheEntryListener(new javax.cache.configuration.MutableCacheEntryListenerConfiguration<>(
        () -> both, null, true, true));
    c.put(0, "second");
    c.unwrap(CairnCache.class).put(1, "second", CairnCache.ETERNAL);
    c.put(5000, "new");
    assertEquals(java.util.List.of("updated 0 from first0", "updated 1 from first1", "created 5000"), seen);
  }

  /**
   * Under a disk budget a tenth of the data, the entries in use survive: a hot set whose keys all sort first (so
   * they lead every table they are in), read between rounds of writes of cold keys, stays whole while most cold keys
   * are dropped. Reads mark entries in the engine without writing; a drop rewrites the marked ones, up to half of
   * what it drops: the hot set (100 KB) is under half of the 256 KB tables it lands in. (A drop that kept only a
   * share of what it had read so far would lose every other hot key here, since they all come first.)
   */
  @Test
  void underATightBudgetTheEntriesInUseSurvive() {
    CairnConfiguration<String, byte[]> conf = new CairnConfiguration<String, byte[]>()
        .setTypes(String.class, byte[].class).setHeapEntries(100).setDiskBytes(2L << 20)
        .setMemtableBytes(256 * 1024);
    Cache<String, byte[]> c = manager.createCache("tight", conf);
    java.util.Random r = new java.util.Random(7);
    int hot = 100;
    byte[][] hotValues = new byte[hot][];
    for (int i = 0; i < hot; i++) {
      hotValues[i] = new byte[1000];
      r.nextBytes(hotValues[i]);
      c.put(String.format("a%05d", i), hotValues[i]);
    }
    int rounds = 20;
    int coldPerRound = 1000;
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < coldPerRound; i++) {
        byte[] v = new byte[1000];
        r.nextBytes(v);
        c.put(String.format("b%07d", round * coldPerRound + i), v);
      }
      for (int i = 0; i < hot; i++) {
        assertArrayEquals(hotValues[i], c.get(String.format("a%05d", i)), "hot key " + i + " after round " + round);
      }
    }
    int cold = 0;
    for (int i = 0; i < rounds * coldPerRound; i++) {
      cold += c.containsKey(String.format("b%07d", i)) ? 1 : 0;
    }
    assertTrue(cold < rounds * coldPerRound / 2, "most cold keys were dropped for the budget: " + cold + " remain");
  }
}
