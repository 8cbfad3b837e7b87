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
      Cache<Integer, byte[]> c = manager.createCache("orders", new CairnConfiguration<Integer, byte[]>()
          .setTypes(Integer.class, byte[].class).setPersistent(true).setDirectory(disk.root().resolve("orders"))
          .setDurability(Durability.SYNC).setHeapEntries(100).setMemtableBytes(64 * 1024)
          .setCompression(Compression.NONE));
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
      Cache<Integer, byte[]> again = manager.createCache("orders", new CairnConfiguration<Integer, byte[]>()
          .setTypes(Integer.class, byte[].class).setPersistent(true).setDirectory(disk.root().resolve("orders"))
          .setDurability(Durability.SYNC).setHeapEntries(100).setMemtableBytes(64 * 1024)
          .setCompression(Compression.NONE));
      checkAcknowledged(again, acked, lost);
    } finally {
      manager.close();
      disk.close();
    }
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
