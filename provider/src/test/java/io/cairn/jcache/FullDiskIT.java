package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.engine.Compression;
import io.cairn.engine.Durability;
import io.cairn.engine.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;

/**
 * A persistent cache on a real disk that fills up (an 8 MiB tmpfs; needs root, skipped otherwise): the put that finds
 * no space fails with JCache's {@link CacheException}, naming the cache and keeping the engine's reason as its cause,
 * never with an engine type; every put acknowledged before is still read back; once space is freed, puts succeed
 * again by themselves.
 */
class FullDiskIT {
  @Test
  void aFullDiskFailsPutsAsCacheExceptionsAndFreeingItBringsThemBack() throws Exception {
    String[] why = new String[1];
    SmallDisk disk = SmallDisk.mount(8, why);
    assumeTrue(disk != null, () -> "skipped: no 8 MiB tmpfs to fill (" + why[0] + ")");
    CacheManager manager = TestManagers.open("full-disk", disk.root());
    try {
      Path filler = disk.root().resolve("filler");
      Files.write(filler, new byte[3 << 20]);
      Cache<Integer, byte[]> c = manager.createCache("orders", new CairnConfiguration<Integer, byte[]>()
          .setTypes(Integer.class, byte[].class).setPersistent(true).setDirectory(disk.root().resolve("orders"))
          .setDurability(Durability.SYNC).setHeapEntries(100).setMemtableBytes(64 * 1024)
          .setCompression(Compression.NONE));
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
      for (Map.Entry<Integer, byte[]> e : acked.entrySet()) {
        assertArrayEquals(e.getValue(), c.get(e.getKey()), "acknowledged put of key " + e.getKey());
      }

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
    } finally {
      manager.close();
      disk.close();
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
