package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CairnCache#tiers()}: the counters move as a real cache spills, reads its disk, drops and expires. */
class TierStatisticsTest {
  @TempDir Path dir;
  private CacheManager manager;
  private final AtomicLong clock = new AtomicLong(1_000_000);

  @BeforeEach
  void open() {
    manager = TestManagers.open("tiers", dir);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void spillsAndDiskReadsAreCountedAndTheDiskTierReportsItsSize() {
    Cache<Integer, String> c = manager.createCache("spills", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10));
    CairnCache<Integer, String> cc = cairn(c);
    TierStatistics before = cc.tiers();
    assertEquals(0, before.heap().entries());
    assertEquals(10, before.heap().capacity());
    assertTrue(before.disk().enabled());
    assertFalse(before.disk().open(), "a non-persistent disk tier opens on the first spill");
    assertNull(before.disk().engine());

    for (int i = 0; i < 100; i++) {
      c.put(i, "v" + i);
    }
    TierStatistics spilled = cc.tiers();
    assertEquals(10, spilled.heap().entries());
    assertEquals(90, spilled.heap().evictions());
    assertEquals(90, spilled.heap().spills(), "each evicted entry was new, so each was written to disk");
    assertTrue(spilled.disk().open());
    assertNotNull(spilled.disk().directory());

    for (int i = 0; i < 10; i++) {
      assertEquals("v" + i, c.get(i));
    }
    for (int i = 1000; i < 1005; i++) {
      assertNull(c.get(i));
    }
    TierStatistics read = cc.tiers();
    assertEquals(10, read.disk().readHits() - spilled.disk().readHits(), "ten keys read back from disk");
    assertEquals(5, read.disk().readMisses() - spilled.disk().readMisses(), "five keys on neither tier");
    assertEquals(100, read.heap().evictions(), "the keys read back took the heap from ten others");
    assertEquals(100, read.heap().spills(), "those ten had never been written down");

    cc.flush();
    TierStatistics flushed = cc.tiers();
    assertTrue(flushed.disk().bytes() > 0, "the flushed table takes bytes: " + flushed.disk());
    assertEquals(100, flushed.disk().estimatedEntries(), "one record per key, no expiry, nothing overwritten");
    assertEquals(flushed.disk().bytes(), flushed.disk().engine().tables().bytes());
    assertNull(flushed.disk().error());
    assertTrue(flushed.disk().engine().flush().count() >= 1);

    c.close();
    TierStatistics closed = cc.tiers();
    assertFalse(closed.disk().open());
    assertTrue(closed.disk().events().flushes() >= 1, "closing waits for the flush's event: " + closed.disk());
    assertEquals(0, closed.disk().events().backgroundErrors());
  }

  @Test
  void fifoDropsAreTheKeysTheLossListenerHears() throws InterruptedException {
    Cache<Integer, String> c = manager.createCache("budget", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setDiskBytes(1L << 20)
        .setMemtableBytes(64 * 1024));
    CairnCache<Integer, String> cc = cairn(c);
    Map<Integer, Integer> lost = new ConcurrentHashMap<>();
    cc.addLossListener(k -> lost.merge(k, 1, Integer::sum));
    Random r = new Random(7);
    String[] values = new String[20_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = randomText(r, 500);
      c.put(i, values[i]);
    }
    cc.flush();
    TierStatistics t = settled(c);
    assertFalse(lost.isEmpty());
    lost.forEach((k, n) -> assertEquals(1, n, "key " + k + " was reported lost " + n + " times"));
    assertEquals(lost.size(), t.disk().fifoDrops());
    for (int i = 0; i < values.length; i++) {
      String got = c.get(i);
      if (lost.containsKey(i)) {
        assertNull(got, "key " + i + " was reported lost but reads back");
      } else {
        assertEquals(values[i], got, "key " + i + " was not reported lost, so it reads back its value");
      }
    }
    assertEquals(1L << 20, t.disk().budgetBytes());
    assertTrue(t.disk().bytes() <= 2L << 20, "FIFO keeps the tables near the budget: " + t.disk().bytes());
    c.close();
    TierStatistics closed = cc.tiers();
    assertTrue(closed.disk().events().tablesDropped() > 0, closed.disk().toString());
    assertTrue(closed.disk().events().compactions() > 0, "each drop is a compaction (of one or more tables)");
  }

  /**
   * The cache's tiers once its disk tier's background work has stopped (no compaction, flush or memtable given up
   * for a quarter second) and what its drops deleted is settled: kept on the heap or told as lost.
   */
  static TierStatistics settled(Cache<?, ?> c) throws InterruptedException {
    TieredCache<?, ?> tiered = c.unwrap(TieredCache.class);
    String last = "";
    int quiet = 0;
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (quiet < 5) {
      assertTrue(System.nanoTime() < deadline, "the disk tier never settled");
      Thread.sleep(50);
      tiered.awaitLossesSettled();
      TierStatistics t = tiered.tiers();
      io.cairn.engine.StoreStatistics e = t.disk().engine();
      String now = e == null ? "none" : e.compact().count() + "/" + e.flush().count() + "/"
          + e.space().discardedMemtables();
      quiet = now.equals(last) ? quiet + 1 : 0;
      last = now;
    }
    return tiered.tiers();
  }

  @Test
  void theTimerCountsWhatItExpiresOnBothTiers() {
    Cache<String, String> c = manager.createCache("timer", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setClock(clock::get).setHeapEntries(10));
    CairnCache<String, String> cc = cairn(c);
    for (int i = 0; i < 30; i++) {
      cc.put("k" + i, "v", clock.get() + 100);
    }
    c.put("eternal", "v");
    assertEquals(0, cc.tiers().timerExpiries());
    clock.addAndGet(101);
    ((TieredCache<?, ?>) c).expireDue();
    assertEquals(30, cc.tiers().timerExpiries(), "ten on the heap, twenty on disk");
    assertEquals(1, cc.size());
  }

  @Test
  void aHeapOnlyCacheHasNoDiskTier() {
    Cache<Integer, String> c = manager.createCache("heap-only", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setDiskBytes(0));
    for (int i = 0; i < 20; i++) {
      c.put(i, "v");
    }
    TierStatistics t = c.unwrap(CairnCache.class).tiers();
    assertFalse(t.disk().enabled());
    assertEquals(10, t.heap().entries());
    assertEquals(10, t.heap().evictions());
    assertEquals(0, t.heap().spills(), "nowhere to write them");
  }

  @Test
  void aPersistentCacheWritesThroughSoItsEvictionsAreNotSpills() {
    Cache<Integer, String> c = manager.createCache("persistent", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setPersistent(true));
    TierStatistics opened = c.unwrap(CairnCache.class).tiers();
    assertTrue(opened.disk().open() && opened.disk().persistent());
    assertEquals(dir.resolve("data").resolve("persistent"), opened.disk().directory());
    for (int i = 0; i < 50; i++) {
      c.put(i, "v");
    }
    TierStatistics t = c.unwrap(CairnCache.class).tiers();
    assertEquals(40, t.heap().evictions());
    assertEquals(0, t.heap().spills(), "every disk copy was current already");
  }

  @SuppressWarnings("unchecked")
  private static <K, V> CairnCache<K, V> cairn(Cache<K, V> c) {
    return c.unwrap(CairnCache.class);
  }

  /** Text that does not compress: random letters. */
  private static String randomText(Random r, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + r.nextInt(26)));
    }
    return sb.toString();
  }
}
