package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.fs.FaultInjectionFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store under a disk that loses unsynced data, fails writes, fills up, fails a read or a force. Each fault test
 * checks what a user would see: the write that met the fault fails with a message naming it, later writes fail fast
 * while the fault lasts, reads go on and never return a wrong value, writes come back by themselves (or through
 * {@link Store#resume()}) once the fault clears, no acknowledged write is lost, before or after a reopen, and the
 * directory keeps no table the store does not use.
 */
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
        .level0CompactionTrigger(2).levelBaseBytes(64 * 1024).errorRetryMillis(5, 100);
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

  /** Which write meets a full disk: the log, a flush's table, or the manifest. */
  enum FullAt {
    LOG(".log"), TABLE(".sst"), MANIFEST("MANIFEST-");

    final String name;

    FullAt(String name) {
      this.name = name;
    }

    boolean matches(Path p) {
      return p.getFileName().toString().contains(name);
    }
  }

  /**
   * The disk fills for one kind of file while writes go on: the write that meets it (or the flush behind it) fails
   * naming the full disk, later writes fail fast, reads go on; once the disk has room writes come back by themselves,
   * with nothing acknowledged lost, and after a reopen too.
   */
  @ParameterizedTest
  @EnumSource(FullAt.class)
  void fullDiskStopsWritesUntilARetrySucceeds(FullAt at) throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Map<Integer, byte[]> acked = new HashMap<>();
    try (Store s = Store.open(dir, options(fs, Durability.SYNC).compactionStyle(CompactionStyle.NONE))) {
      for (int i = 0; i < 300; i++) {
        s.put(key(i), value(i));
        acked.put(i, value(i));
      }
      fs.noSpaceFor(at::matches);
      StoreException first = null;
      int i = 300;
      for (; i < 100_000 && first == null; i++) {
        try {
          s.put(key(i), value(i));
          acked.put(i, value(i));
        } catch (StoreException e) {
          first = e;
        }
      }
      assertTrue(first != null, "writes never met the full disk at " + at);
      assertTrue(causes(first).contains("No space left"), causes(first));
      StoreError error = s.backgroundError().orElseThrow();
      assertEquals(StoreError.Kind.NO_SPACE, error.kind());
      assertEquals(StoreError.Severity.HARD, error.severity());
      WritesStoppedException fast = assertThrows(WritesStoppedException.class, () -> s.put(key(999_999), value(0)));
      assertTrue(fast.getMessage().contains("out of disk space"), fast.getMessage());
      assertEquals(StoreError.Kind.NO_SPACE, fast.error().kind());
      checkAcked(s, acked, "while the disk is full at " + at);
      assertNull(s.get(key(999_999)), "a refused write is not applied");

      fs.freeDisk();
      int resumedAt = i;
      awaitWrite(s, key(resumedAt), value(resumedAt));
      acked.put(resumedAt, value(resumedAt));
      for (int j = resumedAt + 1; j < resumedAt + 300; j++) {
        s.put(key(j), value(j));
        acked.put(j, value(j));
      }
      assertTrue(s.backgroundError().isEmpty());
      assertTrue(s.statistics().errors().recoveries() >= 1, s.statistics().toString());
      checkAcked(s, acked, "after the disk has room again at " + at);
    }
    assertOnlyLiveTables(dir, CompactionStyle.NONE);
    try (Store again = Store.open(dir, options(new FaultInjectionFileSystem(), Durability.SYNC)
        .compactionStyle(CompactionStyle.NONE))) {
      checkAcked(again, acked, "after a reopen (full disk at " + at + ")");
    }
  }

  /** A full disk while compacting pauses compaction only: writes go on, and the failed merge leaves no table. */
  @Test
  void fullDiskWhileCompactingPausesCompactionOnly() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Map<Integer, byte[]> acked = new HashMap<>();
    List<StoreError> heard = new CopyOnWriteArrayList<>();
    EventListener listener = new EventListener() {
      @Override
      public void onBackgroundError(StoreError error) {
        heard.add(error);
      }
    };
    try (Store s = Store.open(dir, options(fs, Durability.BUFFERED).compactionStyle(CompactionStyle.NONE)
        .eventListener(listener))) {
      for (int i = 0; i < 3000; i++) {
        s.put(key(i), value(i));
        acked.put(i, value(i));
      }
      s.flush();
      Set<String> before = tableFiles(dir);
      fs.noSpaceFor(FullAt.TABLE::matches);
      StoreException e = assertThrows(StoreException.class, s::compact);
      assertTrue(causes(e).contains("No space left"), causes(e));
      assertEquals(before, tableFiles(dir), "the failed merge's outputs are deleted at once");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (heard.isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the error was never heard");
        Thread.sleep(5);
      }
      StoreError error = heard.get(0);
      assertEquals(StoreError.Severity.SOFT, error.severity());
      assertEquals(StoreError.Operation.COMPACTION, error.operation());
      for (int i = 3000; i < 3100; i++) {
        s.put(key(i), value(i));
        acked.put(i, value(i));
      }
      checkAcked(s, acked, "while compaction has no room");
      fs.freeDisk();
      awaitHealthy(s);
      s.compact();
      checkAcked(s, acked, "after compacting with room");
    }
    assertOnlyLiveTables(dir, CompactionStyle.NONE);
  }

  /**
   * A failed force of the log (fsyncgate): the write fails and the log is never trusted again, though later forces of
   * the same file would report success. Writes resume on a new log, and what was acknowledged after the fault
   * survives a power loss.
   */
  @Test
  void failedForceOfTheLogIsNotTrustedAgain() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Map<Integer, byte[]> acked = new HashMap<>();
    Store s = Store.open(dir, options(fs, Durability.SYNC).compactionStyle(CompactionStyle.NONE)
        .memtableBytes(1 << 20));
    for (int i = 0; i < 100; i++) {
      s.put(key(i), value(i));
      acked.put(i, value(i));
    }
    fs.failSyncs(true);
    StoreException e = assertThrows(StoreException.class, () -> s.put(key(100), value(100)));
    assertTrue(causes(e).contains("fsync"), causes(e));
    assertEquals(StoreError.Operation.WAL_SYNC, s.backgroundError().orElseThrow().operation());
    assertThrows(WritesStoppedException.class, () -> s.put(key(101), value(101)));
    fs.failSyncs(false);
    awaitWrite(s, key(102), value(102));
    acked.put(102, value(102));
    for (int i = 103; i < 200; i++) {
      s.put(key(i), value(i));
      acked.put(i, value(i));
    }
    pullThePlug(s, fs);
    try (Store again = Store.open(dir, options(new FaultInjectionFileSystem(), Durability.SYNC)
        .compactionStyle(CompactionStyle.NONE))) {
      checkAcked(again, acked, "after a power loss that followed a failed force");
      byte[] failed = again.get(key(100));
      assertTrue(failed == null || new String(failed).equals(new String(value(100))), "a failed write reads as "
          + "absent or as itself, never as anything else");
    }
  }

  /** A failed force of a flushed table: the table is not used, the flush is retried into a new one. */
  @Test
  void failedForceOfATableIsRetriedIntoANewTable() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Map<Integer, byte[]> acked = new HashMap<>();
    Store s = Store.open(dir, options(fs, Durability.BUFFERED).compactionStyle(CompactionStyle.NONE));
    for (int i = 0; i < 200; i++) {
      s.put(key(i), value(i));
      acked.put(i, value(i));
    }
    fs.failSyncs(true);
    StoreException e = assertThrows(StoreException.class, s::flush);
    assertTrue(causes(e).contains("fsync"), causes(e));
    assertEquals(StoreError.Operation.FLUSH, s.backgroundError().orElseThrow().operation());
    fs.failSyncs(false);
    awaitHealthy(s);
    s.flush();
    checkAcked(s, acked, "after the retried flush");
    pullThePlug(s, fs);
    try (Store again = Store.open(dir, options(new FaultInjectionFileSystem(), Durability.BUFFERED)
        .compactionStyle(CompactionStyle.NONE))) {
      checkAcked(again, acked, "after a power loss: the retried flush was forced");
    }
  }

  /**
   * An I/O error reading one block: the reads that need it fail naming the file and offset, every other key reads
   * right, a compaction that needs the block stops writes, and all comes back when the block reads again.
   */
  @Test
  void ioErrorReadingOneBlock() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Map<Integer, byte[]> acked = new HashMap<>();
    try (Store s = Store.open(dir, options(fs, Durability.BUFFERED).compactionStyle(CompactionStyle.NONE)
        .blockCacheBytes(0).blockBytes(1024).memtableBytes(1 << 20).targetFileBytes(1 << 20))) {
      for (int i = 0; i < 2000; i++) {
        s.put(key(i), value(i));
        acked.put(i, value(i));
      }
      s.flush();
      Path table = dir.resolve(tableFiles(dir).iterator().next());
      long badOffset = 5000;
      fs.failReadsAt(table, badOffset);
      int failed = 0;
      for (int i = 0; i < 2000; i++) {
        try {
          assertArrayEquals(value(i), s.get(key(i)), "key " + i);
        } catch (StoreException e) {
          failed++;
          assertTrue(e.getMessage().contains(table.getFileName().toString()) && e.getMessage().contains("offset"),
              e.getMessage());
          assertTrue(causes(e).contains("Input/output error"), causes(e));
        }
      }
      assertTrue(failed > 0 && failed < 200, failed + " keys failed; only the keys of one block should");
      assertTrue(s.backgroundError().isEmpty(), "a failed read does not stop writes");
      assertTrue(s.statistics().errors().readErrors() >= failed);
      StoreException e = assertThrows(StoreException.class, s::compact);
      assertTrue(causes(e).contains("Input/output error"), causes(e));
      assertEquals(StoreError.Kind.IO, s.backgroundError().orElseThrow().kind());
      assertThrows(WritesStoppedException.class, () -> s.put(key(5000), value(5000)));
      fs.healReads();
      awaitWrite(s, key(5000), value(5000));
      acked.put(5000, value(5000));
      s.compact();
      checkAcked(s, acked, "after the block reads again");
    }
    assertOnlyLiveTables(dir, CompactionStyle.NONE);
  }

  /**
   * With automatic retries far off, {@link Store#resume()} retries at once: it fails while the fault lasts, keeps
   * writes stopped, and brings them back once the fault is gone. A stopped store logs once, and counts refused writes.
   */
  @Test
  void resumeRetriesAtOnceAndAStoppedStoreLogsOnce() throws Exception {
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger jul = Logger.getLogger("io.cairn.engine.Store");
    jul.addHandler(handler);
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    try (Store s = Store.open(dir, options(fs, Durability.SYNC).errorRetryMillis(3_600_000, 3_600_000))) {
      s.put(key(1), value(1));
      fs.failWrites(true);
      StoreException e = assertThrows(StoreException.class, () -> s.put(key(2), value(2)));
      assertTrue(e.getMessage().contains("log") && causes(e).contains("write failure"), e.getMessage());
      for (int i = 0; i < 1000; i++) {
        assertThrows(WritesStoppedException.class, () -> s.put(key(3), value(3)));
      }
      assertEquals(1, logged.size(), "one message for the change of state, not one per refused write: " + logged);
      assertTrue(s.statistics().errors().rejectedWrites() >= 1000);
      assertThrows(StoreException.class, s::resume, "resume fails while the disk still fails writes");
      assertThrows(WritesStoppedException.class, () -> s.put(key(3), value(3)));
      fs.failWrites(false);
      s.resume();
      s.put(key(4), value(4));
      assertArrayEquals(value(1), s.get(key(1)));
      assertArrayEquals(value(4), s.get(key(4)));
      assertTrue(logged.size() >= 2, "the recovery is logged too");
      assertNull(logged.get(0).getThrown(), "no stack trace for an I/O error");
    } finally {
      jul.removeHandler(handler);
    }
  }

  /**
   * A FIFO store on a disk smaller than its budget keeps taking writes: it drops its oldest tables to stay clear of a
   * full disk, and to make room when a write finds it full, with no operator freeing anything.
   */
  @Test
  void fifoStoreOnASmallDiskDropsOldestTablesToKeepWriting() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    long capacity = 2L << 20;
    fs.capacity(capacity);
    LossRecorder losses = new LossRecorder(k -> false);
    Options o = options(fs, Durability.BUFFERED).compactionStyle(CompactionStyle.FIFO).fifoMaxBytes(1L << 30)
        .memtableBytes(64 * 1024).targetFileBytes(256 * 1024).compression(Compression.NONE)
        .fifoDropListener(losses);
    int n = 60_000;
    int failures = 0;
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < n; i++) {
        byte[] v = (new String(value(i)) + " " + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
        try {
          s.put(key(i), v);
        } catch (StoreException e) {
          failures++;
          awaitWrite(s, key(i), v);
        }
        assertTrue(fs.usedBytes() <= capacity);
      }
      StoreStatistics st = s.statistics();
      assertTrue(st.fifo().droppedEntries() > 0, "old tables were dropped for space: " + st);
      assertTrue(failures < 50, failures + " writes met the full disk; the space budget should keep clear of it");
      for (int i = n - 100; i < n; i++) {
        assertTrue(new String(s.get(key(i)), StandardCharsets.UTF_8).startsWith(new String(value(i)) + " "),
            "recent key " + i);
      }

      // Something else fills the disk: the next write finds it full, and the store makes room by itself. (First the
      // store settles, so that no drop under way frees space before that write.)
      s.flush();
      awaitQuiet(s);
      fs.capacity(fs.usedBytes());
      int met = 0;
      for (int i = n; i < n + 20_000; i++) {
        byte[] v = (new String(value(i)) + " " + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
        try {
          s.put(key(i), v);
        } catch (StoreException e) {
          met++;
          awaitWrite(s, key(i), v);
        }
      }
      assertTrue(met > 0, "the writes never found the disk full");
      assertTrue(s.statistics().space().droppedForSpaceBytes() > 0, s.statistics().toString());
      assertArrayEquals(s.get(key(n + 19_999)), (new String(value(n + 19_999)) + " " + "x".repeat(100))
          .getBytes(StandardCharsets.UTF_8));

      // The listener heard of every entry the drops deleted, by budget and for space alike, once each.
      awaitQuiet(s);
      assertTrue(losses.discarded > 0, "the drops for space discard what they delete: " + losses.describe().get());
      java.util.List<String> keys = new java.util.ArrayList<>();
      for (int i = 0; i < n + 20_000; i++) {
        keys.add(new String(key(i), StandardCharsets.UTF_8));
      }
      losses.check(keys, k -> s.get(k.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * A disk smaller than the memtable as it sits in memory: the log fills the disk before the memtable is full, and the
   * room freed after is less than the memtable's in-memory size, but ample for it as a compressed table. The retry
   * runs anyway once the disk has gained room (the in-memory estimate would have turned it down for ever), flushes,
   * and writes come back, with nothing acknowledged lost.
   */
  @Test
  void aRetryRunsWhenSpaceIsFreedEvenBelowTheMemtablesSize() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options o = options(fs, Durability.SYNC).compactionStyle(CompactionStyle.NONE).memtableBytes(4 << 20)
        .targetFileBytes(4 << 20).compression(Compression.LZ4);
    fs.capacity(3L << 20);
    Map<Integer, byte[]> acked = new HashMap<>();
    try (Store s = Store.open(dir, o)) {
      byte[] v = "v".repeat(500).getBytes(StandardCharsets.UTF_8);
      int i = 0;
      StoreException first = null;
      for (; first == null && i < 100_000; i++) {
        try {
          s.put(key(i), v);
          acked.put(i, v);
        } catch (StoreException e) {
          first = e;
        }
      }
      assertTrue(first != null, "the disk never filled");
      assertTrue(causes(first).contains("No space left"), causes(first));
      fs.capacity(4L << 20);
      awaitWrite(s, key(i), v);
      acked.put(i, v);
      for (int j = i + 1; j < i + 1000; j++) {
        s.put(key(j), v);
        acked.put(j, v);
      }
      assertTrue(s.statistics().errors().recoveries() >= 1, s.statistics().toString());
      checkAcked(s, acked, "after room was freed");
    }
  }

  /**
   * A FIFO store on a disk that cannot hold its log and its memtable as a table at once (incompressible values, a
   * 2 MiB memtable on 3 MiB): there is never a table to drop, so each time a flush finds no room the store gives the
   * memtable up rather than stay stopped, with nobody freeing anything. The listener hears each key lost, once, and
   * every other acknowledged write reads back, also after a reopen.
   */
  @Test
  void aFifoStoreWithNoTableToDropGivesAMemtableUpRatherThanStop() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    fs.capacity(3L << 20);
    LossRecorder losses = new LossRecorder(k -> false);
    Options o = options(fs, Durability.BUFFERED).compactionStyle(CompactionStyle.FIFO).fifoMaxBytes(1L << 30)
        .memtableBytes(2 << 20).targetFileBytes(4 << 20).compression(Compression.NONE).fifoDropListener(losses);
    java.util.Random random = new java.util.Random(TestSeeds.seed("aFifoStoreWithNoTableToDropGivesAMemtableUpRatherThanStop"));
    int n = 8_000;
    Map<Integer, byte[]> acked = new HashMap<>();
    int failures = 0;
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < n; i++) {
        byte[] v = new byte[1000];
        random.nextBytes(v);
        try {
          s.put(key(i), v);
        } catch (StoreException e) {
          failures++;
          awaitWrite(s, key(i), v);
        }
        acked.put(i, v);
      }
      // A retry may still be under way, giving a memtable up: its keys leave the store before the listener hears of
      // them, so the check waits until no error stands, nothing changes, and the listener heard of every memtable.
      awaitSettled(s, losses);
      StoreStatistics st = s.statistics();
      assertTrue(failures > 0 && st.space().discardedMemtables() > 0, failures + " writes failed; " + st);
      assertEquals(st.space().discardedMemtables(), losses.discardedMemtables, losses.describe().get());
      assertTrue(fs.usedBytes() <= 3L << 20);
      java.util.List<String> keys = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        keys.add(new String(key(i), StandardCharsets.UTF_8));
      }
      losses.check(keys, k -> s.get(k.getBytes(StandardCharsets.UTF_8)));
      for (Map.Entry<Integer, byte[]> e : acked.entrySet()) {
        byte[] got = s.get(key(e.getKey()));
        assertTrue(got == null || java.util.Arrays.equals(e.getValue(), got), "key " + e.getKey() + " reads another value");
      }
      assertTrue(losses.gone.size() < n, "some writes survive: " + losses.describe().get());
    }
    fs.capacity(Long.MAX_VALUE);
    try (Store s = Store.open(dir, o.fifoDropListener(new LossRecorder(k -> true)))) {
      for (int i = 0; i < n; i++) {
        String k = new String(key(i), StandardCharsets.UTF_8);
        byte[] got = s.get(key(i));
        if (losses.gone.containsKey(k)) {
          assertNull(got, "key " + k + " was told lost and came back after the reopen");
        } else {
          assertArrayEquals(acked.get(i), got, "key " + k + " after the reopen");
        }
      }
    }
  }

  /**
   * A compaction started on open finds the disk too full for it, so it waits and leaves the space to the user's
   * writes, which go on.
   */
  @Test
  void compactionOnOpenDoesNotTakeTheSpaceWritesNeed() throws Exception {
    Options loose = options(new FaultInjectionFileSystem(), Durability.BUFFERED).level0CompactionTrigger(64);
    try (Store s = Store.open(dir, loose)) {
      for (int round = 0; round < 8; round++) {
        for (int i = 0; i < 1000; i++) {
          s.put(key(i), value(round * 1000 + i));
        }
        s.flush();
      }
    }
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options tight = options(fs, Durability.BUFFERED).level0CompactionTrigger(2);
    fs.capacity(tight.writeHeadroomBytes() + 64 * 1024);
    try (Store s = Store.open(dir, tight)) {
      for (int i = 0; i < 200; i++) {
        s.put(key(i), value(9000 + i));
      }
      assertTrue(s.statistics().space().compactionsDeferred() > 0, s.statistics().toString());
      assertEquals(0, s.statistics().compact().count(), "no compaction ran on a disk that cannot spare its space");
      for (int i = 0; i < 200; i++) {
        assertArrayEquals(value(9000 + i), s.get(key(i)));
      }
      assertArrayEquals(value(7000 + 500), s.get(key(500)));
    }
  }

  /** A clean close leaves only the tables the store holds, even with merges running when it is called. */
  @Test
  void cleanCloseLeavesNoStrayTables() throws Exception {
    for (int round = 0; round < 5; round++) {
      try (Store s = Store.open(dir, options(new FaultInjectionFileSystem(), Durability.BUFFERED))) {
        for (int i = 0; i < 4000; i++) {
          s.put(key((i * 7919) % 20_000), value(round * 100_000 + i));
        }
      }
      assertOnlyLiveTables(dir, CompactionStyle.LEVELED);
    }
  }

  private static void checkAcked(Store s, Map<Integer, byte[]> acked, String when) {
    for (Map.Entry<Integer, byte[]> e : acked.entrySet()) {
      assertArrayEquals(e.getValue(), s.get(key(e.getKey())), "acknowledged write of key " + e.getKey() + " " + when);
    }
  }

  /** Retries {@code key}'s write until it succeeds (writes come back by themselves); fails after a minute. */
  private static void awaitWrite(Store s, byte[] key, byte[] value) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        s.put(key, value);
        return;
      } catch (StoreException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("writes did not resume within a minute: " + e.getMessage(), e);
        }
        Thread.sleep(10);
      }
    }
  }

  private static void awaitHealthy(Store s) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (s.backgroundError().isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the store did not recover within a minute: " + s.backgroundError().get().describe());
      }
      Thread.sleep(10);
    }
  }

  /**
   * Waits until no background error stands (so no retry is due), flushes, compactions and memtables given up have
   * stopped changing for a while, and {@code losses} heard of every memtable given up (fails after a minute).
   */
  private static void awaitSettled(Store s, LossRecorder losses) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    StoreStatistics last = s.statistics();
    for (int quiet = 0; quiet < 5; ) {
      assertTrue(System.nanoTime() < deadline, "the store never settled: " + last);
      Thread.sleep(40);
      StoreStatistics st = s.statistics();
      boolean same = st.flush().count() == last.flush().count() && st.compact().count() == last.compact().count()
          && st.space().discardedMemtables() == last.space().discardedMemtables()
          && losses.discardedMemtables == st.space().discardedMemtables() && s.backgroundError().isEmpty();
      quiet = same ? quiet + 1 : 0;
      last = st;
    }
  }

  /** Waits until flushes and compactions have stopped for a while. */
  private static void awaitQuiet(Store s) throws InterruptedException {
    StoreStatistics last = s.statistics();
    for (int quiet = 0; quiet < 5; ) {
      Thread.sleep(40);
      StoreStatistics st = s.statistics();
      quiet = st.flush().count() == last.flush().count() && st.compact().count() == last.compact().count() ? quiet + 1 : 0;
      last = st;
    }
  }

  private static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append(" <- ");
    }
    return sb.toString();
  }

  static Set<String> tableFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sst"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /**
   * Every table in the closed store's directory is one the store holds: a reopen (which replays the logs into new
   * tables, and deletes tables its manifest does not name) keeps every one of them.
   */
  private static void assertOnlyLiveTables(Path dir, CompactionStyle style) throws IOException {
    Set<String> onDisk = tableFiles(dir);
    try (Store s = Store.open(dir, Options.defaults().compactionStyle(style).level0CompactionTrigger(64))) {
      Set<String> after = tableFiles(dir);
      assertTrue(after.containsAll(onDisk), "the closed store left tables it did not hold: " + onDisk + " on disk, "
          + after + " after a reopen");
      int files = s.statistics().levels().stream().mapToInt(StoreStatistics.Level::files).sum();
      assertEquals(after.size(), files, "tables on disk " + after + " vs in the store " + s.statistics());
    }
  }

}
