package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.Compression;
import io.cairn.engine.Durability;
import io.cairn.engine.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;

/**
 * A persistent cache on a real disk that fills up (an 8 MiB tmpfs; needs root, skipped otherwise): the put that finds
 * no space fails with JCache's {@link CacheException}, naming the cache and keeping the engine's reason as its cause,
 * never with an engine type. To make room the disk tier drops its oldest tables (its FIFO, as under its budget): the
 * keys it loses that way go to the cache's loss listeners, once each, and every other acknowledged put reads back its
 * value, also after a restart; none reads back a wrong value. Once space is freed, puts succeed again by themselves.
 */
class FullDiskIT {
  @Test
  void aFullDiskFailsPutsAsCacheExceptionsAndFreeingItBringsThemBack() throws Exception {
    SmallDisk disk = SmallDisk.mountOrSkip(8, 3 << 20);
    CacheManager manager = TestManagers.open("full-disk", disk.root());
    try {
      Path filler = disk.filler();
      Cache<Integer, byte[]> c = manager.createCache("orders", persistent(disk, "orders", Durability.SYNC, 64 * 1024));
      @SuppressWarnings("unchecked")
      CairnCache<Integer, byte[]> cairn = c.unwrap(CairnCache.class);
      Map<Integer, Integer> lost = new ConcurrentHashMap<>();
      cairn.addLossListener(k -> lost.merge(k, 1, Integer::sum));
      Random r = new Random(11);
      Map<Integer, byte[]> acked = new LinkedHashMap<>();
      CacheException full = null;
      int i = 0;
      for (; full == null; i++) {
        byte[] v = new byte[500];
        r.nextBytes(v);
        try {
          c.put(i, v);
          acked.put(i, v);
        } catch (CacheException e) {
          full = e;
        }
        assertTrue(i < 100_000, "8 MiB never filled");
      }
      assertFalse(full.getClass().getName().startsWith("io.cairn.engine"), "a JCache exception: " + full);
      assertTrue(full.getMessage().contains("orders"), "it names the cache: " + full.getMessage());
      assertTrue(causes(full).contains("No space left") || causes(full).contains("space"), causes(full));
      TierStatisticsTest.settled(c);
      checkAcknowledged(c, acked, lost);

      Files.delete(filler);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (true) {
        try {
          c.put(i, new byte[] {1});
          break;
        } catch (CacheException e) {
          assertTrue(System.nanoTime() < deadline, "puts did not come back within a minute: " + e);
          Thread.sleep(20);
        }
      }
      for (int j = 0; j < 100; j++) {
        c.put(i + 1 + j, new byte[] {2});
      }
      assertArrayEquals(new byte[] {2}, c.get(i + 100));
      TierStatisticsTest.settled(c);
      checkAcknowledged(c, acked, lost);
      System.out.println("FullDiskIT: " + acked.size() + " puts acknowledged, " + lost.size()
          + " lost to the disk tier's drops (" + cairn.engineStatistics().space().droppedForSpaceBytes()
          + " bytes dropped for space)");

      // A restart finds every acknowledged put that was not lost.
      manager.close();
      manager = TestManagers.open("full-disk-again", disk.root());
      Cache<Integer, byte[]> again = manager.createCache("orders",
          persistent(disk, "orders", Durability.SYNC, 64 * 1024));
      checkAcknowledged(again, acked, lost);
    } finally {
      manager.close();
      disk.close();
    }
  }

  /**
   * A disk that cannot hold the log and the memtable as a table at once (5 MiB free, a 4 MiB memtable of
   * incompressible values), so there is never a table to drop: the disk tier gives a memtable's entries up rather than
   * stop, with nobody freeing anything. Puts go on (one may fail while the store makes room); the entries lost that way
   * go to the loss listeners once each, and every other acknowledged put reads back, also after a restart.
   */
  @Test
  void aDiskThatCannotTakeTheMemtableGivesEntriesUpAndPutsGoOn() throws Exception {
    SmallDisk disk = SmallDisk.mountOrSkip(8, 3 << 20);
    CacheManager manager = TestManagers.open("full-disk-memtable", disk.root());
    CairnConfiguration<Integer, byte[]> config = persistent(disk, "events", Durability.BUFFERED, 4 << 20);
    try {
      disk.filler();
      Cache<Integer, byte[]> c = manager.createCache("events", config);
      @SuppressWarnings("unchecked")
      CairnCache<Integer, byte[]> cairn = c.unwrap(CairnCache.class);
      Map<Integer, Integer> lost = new ConcurrentHashMap<>();
      cairn.addLossListener(k -> lost.merge(k, 1, Integer::sum));
      Random r = new Random(12);
      Map<Integer, byte[]> acked = new LinkedHashMap<>();
      int failed = 0;
      for (int i = 0; i < 24_000; i++) {
        byte[] v = new byte[500];
        r.nextBytes(v);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
          try {
            c.put(i, v);
            break;
          } catch (CacheException e) {
            failed++;
            assertTrue(System.nanoTime() < deadline, "puts did not go on within a minute: " + e);
            Thread.sleep(10);
          }
        }
        acked.put(i, v);
      }
      TierStatisticsTest.settled(c);
      long given = cairn.engineStatistics().space().discardedMemtables();
      assertTrue(given > 0, "no memtable was given up: " + cairn.engineStatistics());
      assertFalse(lost.isEmpty(), "the entries given up are told lost");
      checkAcknowledged(c, acked, lost);
      System.out.println("FullDiskIT: " + acked.size() + " puts acknowledged (" + failed + " failures retried), "
          + given + " memtables given up, " + lost.size() + " entries told lost");
      manager.close();

      // A restart finds every acknowledged put that was not lost, but for what the reopened store drops at once to
      // keep clear of the full disk (its FIFO keeps the tables within the free space less the headroom writes need):
      // those are the new cache's FIFO drops, told before anyone could listen.
      manager = TestManagers.open("full-disk-memtable-again", disk.root());
      Cache<Integer, byte[]> again = manager.createCache("events", config);
      TierStatisticsTest.settled(again);
      long droppedAtOpen = again.unwrap(CairnCache.class).tiers().disk().fifoDrops();
      int missing = 0;
      for (Map.Entry<Integer, byte[]> e : acked.entrySet()) {
        byte[] got = again.get(e.getKey());
        if (lost.containsKey(e.getKey())) {
          assertNull(got, "key " + e.getKey() + " was told lost but reads back after the restart");
        } else if (got == null) {
          missing++;
        } else {
          assertArrayEquals(e.getValue(), got, "key " + e.getKey() + " after the restart");
        }
      }
      assertEquals(droppedAtOpen, missing, "acknowledged puts missing after the restart, against the drops at open");
    } finally {
      manager.close();
      disk.close();
    }
  }

  /** A persistent cache of {@code name} on the small disk: a 100-entry heap tier, uncompressed tables. */
  private static CairnConfiguration<Integer, byte[]> persistent(SmallDisk disk, String name, Durability durability,
      long memtableBytes) {
    return new CairnConfiguration<Integer, byte[]>().setTypes(Integer.class, byte[].class).setPersistent(true)
        .setDirectory(disk.root().resolve(name)).setDurability(durability).setHeapEntries(100)
        .setMemtableBytes(memtableBytes).setCompression(Compression.NONE);
  }

  /** Each acknowledged put reads back its value, unless its key was told lost once (then it reads back nothing). */
  private static void checkAcknowledged(Cache<Integer, byte[]> c, Map<Integer, byte[]> acked,
      Map<Integer, Integer> lost) {
    for (Map.Entry<Integer, byte[]> e : acked.entrySet()) {
      Integer times = lost.get(e.getKey());
      byte[] got = c.get(e.getKey());
      if (times == null) {
        assertArrayEquals(e.getValue(), got, "acknowledged put of key " + e.getKey() + ", never told lost");
      } else {
        assertEquals(1, times, "key " + e.getKey() + " told lost more than once");
        assertNull(got, "key " + e.getKey() + " was told lost but reads back");
      }
    }
  }

  private static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append(" <- ");
    }
    return sb.toString();
  }
}
