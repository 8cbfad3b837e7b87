package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.fs.FaultInjectionFileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store under a disk that loses unsynced data, fails writes, or fills up. */
class FaultInjectionTest {
  @TempDir Path dir;

  private static byte[] key(int i) {
    return String.format("k%06d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    return ("value " + i).getBytes(StandardCharsets.UTF_8);
  }

  private Options options(FaultInjectionFileSystem fs, Durability d) {
    return Options.defaults().fileSystem(fs).durability(d).memtableBytes(32 * 1024).targetFileBytes(32 * 1024)
        .level0CompactionTrigger(2).levelBaseBytes(64 * 1024);
  }

  /** Stops the machine under an open store: nothing more reaches the disk, unsynced bytes are gone. */
  private static void pullThePlug(Store s, FaultInjectionFileSystem fs) throws Exception {
    fs.freeze();
    try {
      s.close();
    } catch (StoreException expected) {
      // Closing files on a stopped machine fails; the process is as good as dead.
    }
    fs.powerLoss();
  }

  @Test
  void syncWritesSurvivePowerLossThroughFlushesAndCompactions() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Store s = Store.open(dir, options(fs, Durability.SYNC));
    int n = 3000;
    for (int i = 0; i < n; i++) {
      s.put(key(i), value(i));
      if (i % 7 == 0) {
        s.delete(key(i / 2));
      }
    }
    pullThePlug(s, fs);
    try (Store again = Store.open(dir, options(new FaultInjectionFileSystem(), Durability.SYNC))) {
      for (int i = 0; i < n; i++) {
        boolean deleted = false;
        for (int j = i * 2; j <= i * 2 + 1 && j < n; j++) {
          deleted |= j % 7 == 0 && j >= i;
        }
        byte[] got = again.get(key(i));
        if (deleted) {
          assertNull(got, "key " + i + " was deleted after its last put");
        } else {
          assertArrayEquals(value(i), got, "acknowledged SYNC write of key " + i + " lost to power loss");
        }
      }
    }
  }

  @Test
  void bufferedWritesLoseOnlyATailOnPowerLoss() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Store s = Store.open(dir, options(fs, Durability.BUFFERED));
    int n = 3000;
    for (int i = 0; i < n; i++) {
      s.put(key(i), value(i));
    }
    pullThePlug(s, fs);
    try (Store again = Store.open(dir, options(new FaultInjectionFileSystem(), Durability.BUFFERED))) {
      int present = 0;
      boolean gap = false;
      for (int i = 0; i < n; i++) {
        byte[] got = again.get(key(i));
        if (got == null) {
          gap = true;
        } else {
          assertTrue(!gap, "writes survive as a prefix; key " + i + " is present after a lost key");
          assertArrayEquals(value(i), got);
          present++;
        }
      }
      assertTrue(present > 0, "flushed tables are synced and survive");
    }
  }

  @Test
  void failedLogWriteStopsWritesButKeepsReadsAndData() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Store s = Store.open(dir, options(fs, Durability.SYNC));
    for (int i = 0; i < 100; i++) {
      s.put(key(i), value(i));
    }
    fs.failWrites(true);
    StoreException e = assertThrows(StoreException.class, () -> s.put(key(1000), value(1000)));
    assertTrue(e.getMessage().contains("log"), e.getMessage());
    fs.failWrites(false);
    StoreException again = assertThrows(StoreException.class, () -> s.put(key(1001), value(1001)));
    assertTrue(again.getMessage().contains("background error") || again.getMessage().contains("no more writes"),
        again.getMessage());
    assertArrayEquals(value(50), s.get(key(50)), "reads go on after a failed write");
    try {
      s.close();
    } catch (StoreException ignored) {
      // The log is already broken.
    }
    try (Store reopened = Store.open(dir, options(new FaultInjectionFileSystem(), Durability.SYNC))) {
      for (int i = 0; i < 100; i++) {
        assertArrayEquals(value(i), reopened.get(key(i)), "key " + i);
      }
    }
  }

  @Test
  void fullDiskDuringFlushIsReportedAndNothingIsLost() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Store s = Store.open(dir, options(fs, Durability.SYNC));
    for (int i = 0; i < 200; i++) {
      s.put(key(i), value(i));
    }
    fs.fillDiskAfter(5_000);
    StoreException e = assertThrows(StoreException.class, () -> {
      for (int i = 200; i < 100_000; i++) {
        s.put(key(i), value(i));
      }
      s.flush();
    });
    assertTrue(e.toString().contains("No space left"), e.toString());
    assertArrayEquals(value(10), s.get(key(10)));
    try {
      s.close();
    } catch (StoreException ignored) {
      // Closing the log may fail on the full disk too.
    }
    try (Store reopened = Store.open(dir, options(new FaultInjectionFileSystem(), Durability.SYNC))) {
      for (int i = 0; i < 200; i++) {
        assertArrayEquals(value(i), reopened.get(key(i)), "key " + i + " written before the disk filled");
      }
      reopened.put(key(1), value(1));
      assertEquals(new String(value(1)), new String(reopened.get(key(1))));
    }
  }
}
