package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store on a real, small file system: an 8 MiB tmpfs, mounted for the test (so it needs root; elsewhere the test
 * is skipped and says why). The disk is filled, writes stop with a clear error and reads go on; a file outside the
 * store is deleted, and writes come back by themselves, with every acknowledged write there, then and after a
 * reopen.
 */
class SmallDiskIT {

  @Test
  void fillingARealDiskStopsWritesAndFreeingItBringsThemBack() throws Exception {
    SmallDisk disk = SmallDisk.mountOrSkip(8, 3 << 20);
    Path mount = disk.root();
    try {
      Path filler = disk.filler();
      Path dir = mount.resolve("store");
      Options o = Options.defaults().durability(Durability.SYNC).memtableBytes(64 * 1024)
          .targetFileBytes(256 * 1024).errorRetryMillis(10, 200).compression(Compression.NONE);
      Map<Integer, byte[]> acked = new LinkedHashMap<>();
      try (Store s = Store.open(dir, o)) {
        StoreException full = null;
        int i = 0;
        for (; full == null; i++) {
          byte[] v = value(i);
          try {
            s.put(key(i), v);
            acked.put(i, v);
          } catch (StoreException e) {
            full = e;
          }
          assertTrue(i < 1_000_000, "8 MiB never filled");
        }
        assertTrue(full.toString().contains("No space left") || causes(full).contains("No space left"), causes(full));
        assertTrue(s.statistics().errors().backgroundErrors() >= 1, "the full disk is reported");
        checkAcked(s, acked);

        Files.delete(filler);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
          try {
            s.put(key(i), value(i));
            acked.put(i, value(i));
            break;
          } catch (StoreException e) {
            assertTrue(System.nanoTime() < deadline, "writes did not come back within a minute: " + e);
            Thread.sleep(20);
          }
        }
        for (int j = i + 1; j < i + 2000; j++) {
          s.put(key(j), value(j));
          acked.put(j, value(j));
        }
        assertTrue(s.backgroundError().isEmpty());
        checkAcked(s, acked);
      }
      try (Store s = Store.open(dir, o)) {
        checkAcked(s, acked);
      }
    } finally {
      disk.close();
    }
  }

  private static byte[] key(int i) {
    return String.format("k%07d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    return ("value " + i + " " + "v".repeat(200)).getBytes(StandardCharsets.UTF_8);
  }

  private static void checkAcked(Store s, Map<Integer, byte[]> acked) {
    for (Map.Entry<Integer, byte[]> e : acked.entrySet()) {
      assertArrayEquals(e.getValue(), s.get(key(e.getKey())), "acknowledged write of key " + e.getKey());
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
