package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A remote cache's near disk tier against invalidations placed exactly where they hurt, over a shared tier in memory
 * ({@link MemoryTier}, another process's write and its invalidation on call): one that lands while an evicted copy is
 * on its way to disk, one whose delete of the disk copy has not run yet when the key is read, and many racing an
 * eviction at random points. No stale copy may be served afterwards. NearDiskIT runs the same ground over Redis.
 */
class NearDiskTest {
  private CacheManager manager;

  @AfterEach
  void close() {
    NearDisk.beforeWrite = null;
    NearDisk.beforeDrain = null;
    if (manager != null) {
      manager.close();
    }
  }

  /** Inside a test seam (which may not throw checked exceptions): waits up to 10 s for {@code latch}. */
  private static boolean awaitInSeam(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** A remote cache with one entry on the heap and a near disk tier. */
  private Cache<String, String> cache(String name) throws Exception {
    manager = MemoryTier.manager(name, new Properties());
    return manager.createCache(name, new CairnConfiguration<String, String>().setTypes(String.class, String.class)
        .setHeapEntries(1).setNearDisk(true).setDiskBytes(16L << 20).setMemtableBytes(64 << 10));
  }

  private static TierStatistics tiers(Cache<String, String> c) {
    return c.unwrap(CairnCache.class).tiers();
  }

  /** Evicts whatever else is on the one-entry heap by bringing {@code other} there (created if missing). */
  private static void evictFor(Cache<String, String> c, String other) {
    if (c.get(other) == null) {
      c.put(other, "x");
    }
  }

  @Test
  void anInvalidationWhileAnEvictedCopyGoesToDiskLeavesNoCopy() throws Exception {
    Cache<String, String> c = cache("spill-race");
    MemoryTier tier = MemoryTier.of("spill-race");
    // Written and never read, k is the first the heap's small queue evicts (S3-FIFO) when another key comes.
    c.put("k", "old");
    AtomicBoolean once = new AtomicBoolean();
    CountDownLatch deleted = new CountDownLatch(1);
    NearDisk.beforeDrain = deleted::countDown;
    // The whole invalidation, its queued delete included, runs after the evictor found the copy servable and before
    // it writes the copy: only the check after the write can see it.
    NearDisk.beforeWrite = key -> {
      if (new String(key, java.nio.charset.StandardCharsets.UTF_8).equals("k") && once.compareAndSet(false, true)) {
        tier.otherWrites(MemoryTier.utf8("k"), MemoryTier.utf8("new"));
        assertTrue(awaitInSeam(deleted), "the queued delete ran");
        // The seam runs as the drain starts: give it time to delete (nothing yet) and clear the mark.
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
      }
    };
    c.put("other", "x");
    assertTrue(once.get(), "the eviction of k went through the seam");
    NearDisk.beforeWrite = null;
    assertEquals("new", c.get("k"), "the copy written after its invalidation was deleted");
  }

  /** A cache whose key k holds "old" on the near disk only. */
  private Cache<String, String> withOldKOnDisk(String name) throws Exception {
    Cache<String, String> c = cache(name);
    c.put("k", "old");
    evictFor(c, "other");
    assertEquals(1, tiers(c).heap().spills(), "k went to disk");
    return c;
  }

  /**
   * Holds the deleter thread as a drain starts, before it deletes anything, until the returned latch is counted down;
   * {@code held} is counted down once it is held.
   */
  private static CountDownLatch holdDrains(CountDownLatch held) {
    CountDownLatch release = new CountDownLatch(1);
    NearDisk.beforeDrain = () -> {
      held.countDown();
      awaitInSeam(release);
    };
    return release;
  }

  @Test
  void aCopyWhoseInvalidationIsStillQueuedIsNotServed() throws Exception {
    Cache<String, String> c = withOldKOnDisk("queued");
    MemoryTier tier = MemoryTier.of("queued");
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = holdDrains(held);
    try {
      tier.otherWrites(MemoryTier.utf8("k"), MemoryTier.utf8("new"));
      assertTrue(held.await(10, TimeUnit.SECONDS), "the delete is queued and held");
      assertEquals("new", c.get("k"), "the disk copy of a key with a queued invalidation is stale");
      assertEquals(1, tiers(c).near().staleDiskCopies(), tiers(c).near().toString());
    } finally {
      release.countDown();
    }
    evictFor(c, "other");
    assertEquals("new", c.get("k"));
  }

  /**
   * With the deleter held, invalidations of other keys fill the delete queue; the invalidation of the key whose copy
   * is on disk then finds no room. Its delete is not queued and its mark goes, so only the raised age floor stands
   * between the old disk copy and a read: the read must still go to the shared tier.
   */
  @Test
  void anInvalidationThatFindsTheDeleteQueueFullStillLeavesNoStaleCopy() throws Exception {
    Cache<String, String> c = withOldKOnDisk("overflow");
    MemoryTier tier = MemoryTier.of("overflow");
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = holdDrains(held);
    try {
      for (int i = 0; i < NearDisk.MAX_QUEUED_DELETES; i++) {
        tier.otherWrites(MemoryTier.utf8("o" + i), MemoryTier.utf8("x"));
      }
      assertTrue(held.await(10, TimeUnit.SECONDS), "the drain is held before it deletes anything");
      assertEquals(0, tiers(c).near().deleteQueueOverflows(), "the queue holds exactly its bound");
      tier.otherWrites(MemoryTier.utf8("o-last"), MemoryTier.utf8("x"));
      assertEquals(1, tiers(c).near().deleteQueueOverflows(), "the queue was full");
      tier.otherWrites(MemoryTier.utf8("k"), MemoryTier.utf8("new"));
      assertEquals(2, tiers(c).near().deleteQueueOverflows(), tiers(c).near().toString());
      assertEquals("new", c.get("k"), "the disk copy made before the overflow is not served");
      assertEquals(1, tiers(c).near().staleDiskCopies(), tiers(c).near().toString());
    } finally {
      release.countDown();
    }
    evictFor(c, "other");
    assertEquals("new", c.get("k"), "after the queue drained");
  }

  /**
   * Rounds of an eviction of a key written and not read since (the next new key's put evicts it from the one-entry
   * heap, S3-FIFO's small queue) racing another process's write of it, started together; afterwards the cache reads
   * what the shared tier holds.
   */
  @Test
  void invalidationsRacingEvictionsNeverLeaveAStaleCopy() throws Exception {
    Cache<String, String> c = cache("rounds");
    MemoryTier tier = MemoryTier.of("rounds");
    int rounds = 10_000;
    CyclicBarrier start = new CyclicBarrier(2);
    CyclicBarrier end = new CyclicBarrier(2);
    Thread writer = new Thread(() -> {
      try {
        for (int r = 1; r <= rounds; r++) {
          start.await();
          if ((r & 1) == 0) {
            Thread.onSpinWait();
          }
          tier.otherWrites(MemoryTier.utf8("k" + r), MemoryTier.utf8("new"));
          end.await();
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "other-process");
    writer.start();
    long stale = 0;
    for (int r = 1; r <= rounds; r++) {
      c.put("k" + r, "old");
      start.await();
      c.put("n" + r, "x");
      end.await();
      String after = c.get("k" + r);
      if (!"new".equals(after)) {
        stale++;
        System.out.println("round " + r + ": k" + r + " read " + after + " after another process wrote new");
      }
    }
    writer.join();
    TierStatistics t = tiers(c);
    System.out.println("NearDiskTest: " + rounds + " rounds, " + t.heap().spills() + " spills, " + t.near());
    assertEquals(0, stale, "stale copies served after an invalidation");
    assertTrue(t.heap().spills() > rounds / 4, "evictions went to disk in most rounds: " + t.heap());
  }

  /**
   * Keys and values past the engine's limits (Redis takes them) are not kept on the near disk, and nothing about them
   * fails: their eviction, a write that conflicts with an unheard one (its retry forgets the disk copy), a read.
   */
  @Test
  void copiesPastTheEnginesLimitsAreNotKeptAndFailNothing() throws Exception {
    Cache<String, String> c = cache("limits");
    MemoryTier tier = MemoryTier.of("limits");
    String longKey = "k".repeat(70_000);
    c.put(longKey, "v");
    c.put("other", "x");
    assertEquals("v", c.get(longKey));
    tier.otherWritesUnheard(MemoryTier.utf8(longKey), MemoryTier.utf8("w"));
    c.put(longKey, "z");
    assertEquals("z", new String(tier.value(MemoryTier.utf8(longKey)), java.nio.charset.StandardCharsets.UTF_8),
        "the put's conflict ran it again from a fresh read");
    assertEquals("z", c.get(longKey));
    c.put("other2", "x");
    assertEquals("z", c.get(longKey));
  }

  /**
   * A read that races clear() (Redis notifies no JVM of its own clear) may see the old value while the clear runs,
   * but once clear() returned no copy of an old entry is served, on the heap or on disk.
   */
  @Test
  void nothingClearedIsServedOnceClearReturns() throws Exception {
    Cache<String, String> c = cache("clear-race");
    MemoryTier tier = MemoryTier.of("clear-race");
    c.put("k", "old");
    c.put("other", "x");
    assertEquals(1, tiers(c).heap().spills(), "k is on the near disk");
    CountDownLatch inClear = new CountDownLatch(1);
    CountDownLatch readDone = new CountDownLatch(1);
    tier.duringClear = () -> {
      inClear.countDown();
      awaitInSeam(readDone);
    };
    Thread clearing = new Thread(c::clear, "clear");
    clearing.start();
    assertTrue(inClear.await(10, TimeUnit.SECONDS));
    String during = c.get("k");
    readDone.countDown();
    clearing.join();
    tier.duringClear = null;
    System.out.println("NearDiskTest: a read during clear() returned " + during);
    assertEquals(null, c.get("k"), "nothing cleared is served after clear() returned");
    assertEquals(null, c.get("other"));
  }

  /** The near disk tier keeps to disk-bytes whatever compaction style the cache names (it is always FIFO). */
  @Test
  void theNearDiskKeepsToItsBudgetUnderAnyCompactionSetting() throws Exception {
    manager = MemoryTier.manager("budget", new Properties());
    Cache<String, String> c = manager.createCache("budget", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setHeapEntries(10).setNearDisk(true).setDiskBytes(1L << 20)
        .setMemtableBytes(64 << 10).setCompactionStyle(io.cairn.engine.CompactionStyle.LEVELED));
    for (int i = 0; i < 20_000; i++) {
      c.put("k" + i, randomValue(i));
    }
    TierStatistics t = tiers(c);
    assertTrue(t.heap().spills() > 19_000, t.heap().toString());
    assertTrue(t.disk().bytes() < 3L << 20, "20 MB spilled into a 1 MiB budget left " + t.disk().bytes() + " bytes");
    assertEquals(randomValue(19_990), c.get("k19990"));
    assertEquals(randomValue(5), c.get("k5"), "a copy the budget dropped is read from the shared tier");
  }

  /** 1,000 random letters, which LZ4 cannot shrink much. */
  private static String randomValue(int i) {
    java.util.Random r = new java.util.Random(i);
    char[] v = new char[1000];
    for (int j = 0; j < v.length; j++) {
      v[j] = (char) ('a' + r.nextInt(26));
    }
    return new String(v);
  }
}
