package io.cairn.engine;

import static io.cairn.engine.StoreTest.b;
import static io.cairn.engine.StoreTest.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deferred log flushes: what a deferral's writes leave in the OS before and after it closes, seen through a copy of
 * the store's directory taken while the store is open (what a killed process would leave behind).
 */
@SuppressWarnings("try") // a deferral is used by being open: its body never names it
class LogDeferralTest {
  @TempDir Path dir;
  @TempDir Path copies;

  private static Options options(Durability d) {
    return Options.defaults().durability(d);
  }

  @Test
  void deferredWritesReachTheOsWhenTheDeferralCloses() throws IOException {
    try (Store s = Store.open(dir, options(Durability.BUFFERED))) {
      s.put(b("before"), b("0"));
      long logBytes = logBytesOnDisk(dir);
      try (LogDeferral d = LogDeferral.open()) {
        for (int i = 0; i < 100; i++) {
          s.put(b("k" + i), b("v" + i));
        }
        assertEquals("v7", s(s.get(b("k7"))), "a deferred write is visible at once");
        assertEquals(logBytes, logBytesOnDisk(dir), "the deferred records are still in the process's buffer");
        Path killed = copy("during");
        try (Store c = Store.open(killed, options(Durability.BUFFERED))) {
          assertEquals("0", s(c.get(b("before"))));
          assertNull(c.get(b("k0")), "a crash before the deferral closes may lose its writes");
        }
      }
      assertTrue(logBytesOnDisk(dir) > logBytes, "close handed the log to the OS");
      Path killed = copy("after");
      try (Store c = Store.open(killed, options(Durability.BUFFERED))) {
        for (int i = 0; i < 100; i++) {
          assertEquals("v" + i, s(c.get(b("k" + i))), "k" + i + " after a crash once the deferral closed");
        }
      }
    }
  }

  @Test
  void underSyncADeferralForcesTheLogOnceForAllItsWrites() {
    try (Store s = Store.open(dir, options(Durability.SYNC))) {
      s.put(b("before"), b("0"));
      long syncs = s.statistics().writes().walSyncs();
      try (LogDeferral d = LogDeferral.open()) {
        for (int i = 0; i < 50; i++) {
          s.put(b("k" + i), b("v" + i));
        }
        assertEquals(syncs, s.statistics().writes().walSyncs(), "deferred writes are not forced one by one");
      }
      assertEquals(syncs + 1, s.statistics().writes().walSyncs(), "one force when the deferral closes");
      try (LogDeferral d = LogDeferral.open()) {
        s.get(b("k1"));
      }
      assertEquals(syncs + 1, s.statistics().writes().walSyncs(), "a deferral that wrote nothing forces nothing");
    }
  }

  /**
   * Under SYNC on a disk that loses what was not forced: a closed deferral's writes survive a power loss; a force
   * that fails when the deferral closes is thrown from close, and the store stops writes as after any failed force.
   */
  @Test
  void aClosedDeferralsSyncWritesSurvivePowerLossAndAFailedForceIsThrown() throws Exception {
    io.cairn.engine.fs.FaultInjectionFileSystem fs = new io.cairn.engine.fs.FaultInjectionFileSystem();
    Options o = options(Durability.SYNC).fileSystem(fs).compactionStyle(CompactionStyle.NONE).errorRetryMillis(5,
        100);
    Store s = Store.open(dir, o);
    try (LogDeferral d = LogDeferral.open()) {
      for (int i = 0; i < 20; i++) {
        s.put(b("k" + i), b("v" + i));
      }
    }
    LogDeferral failing = LogDeferral.open();
    s.put(b("lost"), b("x"));
    fs.failSyncs(true);
    StoreException e = assertThrows(StoreException.class, failing::close);
    assertTrue(e.getMessage().contains("deferred writes in it may be lost"), e.getMessage());
    assertThrows(WritesStoppedException.class, () -> s.put(b("after"), b("y")));
    fs.freeze();
    try {
      s.close();
    } catch (StoreException expected) {
      // closing files on a stopped machine fails
    }
    fs.powerLoss();
    try (Store again = Store.open(dir, options(Durability.SYNC).compactionStyle(CompactionStyle.NONE)
        .fileSystem(new io.cairn.engine.fs.FaultInjectionFileSystem()))) {
      for (int i = 0; i < 20; i++) {
        assertEquals("v" + i, s(again.get(b("k" + i))), "k" + i + " after the power loss");
      }
    }
  }

  /** The store closes while a deferral that wrote to it is open: close forces the log for it (SYNC). */
  @Test
  void closingTheStoreUnderAnOpenDeferralForcesItsWrites() throws Exception {
    io.cairn.engine.fs.FaultInjectionFileSystem fs = new io.cairn.engine.fs.FaultInjectionFileSystem();
    Options o = options(Durability.SYNC).fileSystem(fs).compactionStyle(CompactionStyle.NONE);
    Store s = Store.open(dir, o);
    LogDeferral d = LogDeferral.open();
    try {
      for (int i = 0; i < 20; i++) {
        s.put(b("k" + i), b("v" + i));
      }
      s.close();
    } finally {
      d.close();
    }
    fs.powerLoss();
    try (Store again = Store.open(dir, options(Durability.SYNC).compactionStyle(CompactionStyle.NONE)
        .fileSystem(new io.cairn.engine.fs.FaultInjectionFileSystem()))) {
      for (int i = 0; i < 20; i++) {
        assertEquals("v" + i, s(again.get(b("k" + i))), "k" + i + " after close and a power loss");
      }
    }
  }

  /**
   * The log breaks (a failed write of its buffer) after deferred writes went to it: the deferral's close throws, even
   * once a retry has started a new log.
   */
  @Test
  void aLogThatBreaksAfterDeferredWritesFailsTheDeferral() throws Exception {
    io.cairn.engine.fs.FaultInjectionFileSystem fs = new io.cairn.engine.fs.FaultInjectionFileSystem();
    Options o = options(Durability.BUFFERED).fileSystem(fs).compactionStyle(CompactionStyle.NONE)
        .memtableBytes(1 << 20).errorRetryMillis(5, 100);
    try (Store s = Store.open(dir, o)) {
      LogDeferral d = LogDeferral.open();
      try {
        s.put(b("deferred"), b("1"));
        fs.failWrites(true);
        // Fill the log's buffer until it must go to the (failing) disk.
        assertThrows(StoreException.class, () -> {
          for (int i = 0; i < 10_000; i++) {
            s.put(b("fill" + i), new byte[100]);
          }
        });
        fs.failWrites(false);
      } finally {
        StoreException e = assertThrows(StoreException.class, d::close);
        assertTrue(e.getMessage().contains("failed after deferred writes went to it"), e.getMessage());
      }
    }
  }

  @Test
  void writesThatRotateTheMemtableUnderADeferralAreAllKept() throws IOException {
    Options small = options(Durability.BUFFERED).memtableBytes(64 * 1024).targetFileBytes(64 * 1024)
        .compactionStyle(CompactionStyle.NONE);
    try (Store s = Store.open(dir, small)) {
      try (LogDeferral d = LogDeferral.open()) {
        for (int i = 0; i < 5_000; i++) {
          s.put(b("key" + i), new byte[100]);
        }
      }
      Path killed = copy("rotated");
      try (Store c = Store.open(killed, small)) {
        for (int i = 0; i < 5_000; i++) {
          assertEquals(100, c.get(b("key" + i)).length, "key" + i);
        }
      }
    }
  }

  @Test
  void misuseIsRefusedByName() throws Exception {
    LogDeferral d = LogDeferral.open();
    try {
      IllegalStateException twice = assertThrows(IllegalStateException.class, LogDeferral::open);
      assertTrue(twice.getMessage().contains("already open"), twice.getMessage());
      AtomicReference<Throwable> elsewhere = new AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          d.close();
        } catch (Throwable e) {
          elsewhere.set(e);
        }
      }, "other");
      t.start();
      t.join();
      assertTrue(elsewhere.get() instanceof IllegalStateException && elsewhere.get().getMessage().contains("other"),
          String.valueOf(elsewhere.get()));
    } finally {
      d.close();
    }
    LogDeferral.open().close(); // the one above closed on its own thread, so a new one opens
  }

  @Test
  void aStoreWithoutALogIgnoresTheDeferral() {
    try (Store s = Store.open(dir, options(Durability.NONE)); LogDeferral d = LogDeferral.open()) {
      s.put(b("a"), b("1"));
      assertEquals("1", s(s.get(b("a"))));
    }
  }

  /**
   * Copies the open store's files but its lock; while background flushes change the directory, again until a copy
   * saw the same files before and after it.
   */
  private Path copy(String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path to = copies.resolve(name + "-" + attempt);
      Files.createDirectories(to);
      try {
        String before = listing(dir);
        try (Stream<Path> files = Files.list(dir)) {
          for (Path p : files.toList()) {
            if (!p.getFileName().toString().equals("LOCK")) {
              Files.copy(p, to.resolve(p.getFileName()));
            }
          }
        }
        if (before.equals(listing(dir))) {
          return to;
        }
      } catch (java.nio.file.NoSuchFileException e) {
        // a flush deleted a file meanwhile: copy again
      }
      assertTrue(attempt < 100, "the directory never held still for a copy");
    }
  }

  private static String listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      StringBuilder b = new StringBuilder();
      for (Path p : files.sorted().toList()) {
        b.append(p.getFileName()).append(' ').append(Files.size(p)).append('\n');
      }
      return b.toString();
    }
  }

  private static long logBytesOnDisk(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long n = 0;
      for (Path p : files.toList()) {
        if (p.getFileName().toString().endsWith(".log")) {
          n += Files.size(p);
        }
      }
      return n;
    }
  }
}
