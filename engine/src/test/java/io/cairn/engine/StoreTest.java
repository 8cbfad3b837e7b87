package io.cairn.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.sstable.IndexLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StoreTest {
  @TempDir Path dir;

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, UTF_8);
  }

  private Options small() {
    return Options.defaults().memtableBytes(64 * 1024).targetFileBytes(64 * 1024).blockBytes(1024);
  }

  @Test
  void putGetDeleteOverwrite() {
    try (Store s = Store.open(dir, small())) {
      assertNull(s.get(b("a")));
      s.put(b("a"), b("1"));
      s.put(b("b"), b("2"));
      assertEquals("1", s(s.get(b("a"))));
      s.put(b("a"), b("3"));
      assertEquals("3", s(s.get(b("a"))));
      s.delete(b("a"));
      assertNull(s.get(b("a")));
      assertEquals("2", s(s.get(b("b"))));
      s.put(b(""), b("empty key"));
      assertEquals("empty key", s(s.get(b(""))));
    }
  }

  /**
   * Scans over keys with many versions (a hot key rewritten and deleted over and over, all in the memtable) step over
   * a few and seek past the rest: the result is the same as stepping, including versions newer than the scan.
   */
  @Test
  void scansSkipManyVersionsOfAKey() {
    try (Store s = Store.open(dir, small())) {
      for (int i = 0; i < 100; i++) {
        s.put(b("b"), b("b" + i));
        s.delete(b("c"));
        s.put(b("c"), b("c" + i));
        s.delete(b("c"));
      }
      s.put(b("a"), b("a"));
      s.put(b("d"), b("d"));
      Cursor older = s.scan(b("a"), b("z"));
      for (int i = 100; i < 150; i++) {
        s.put(b("b"), b("b" + i));
        s.put(b("c"), b("c" + i));
      }
      List<String> now = new ArrayList<>();
      try (Cursor c = s.scan(b("a"), b("z"))) {
        c.forEachRemaining(e -> now.add(s(e.key()) + "=" + s(e.value())));
      }
      assertEquals(List.of("a=a", "b=b149", "c=c149", "d=d"), now);
      List<String> then = new ArrayList<>();
      older.forEachRemaining(e -> then.add(s(e.key()) + "=" + s(e.value())));
      assertEquals(List.of("a=a", "b=b99", "d=d"), then, "the snapshot taken before the last writes");
      List<String> prefix = new ArrayList<>();
      try (Cursor c = s.scan(b("c"), b("d"))) {
        c.forEachRemaining(e -> prefix.add(s(e.key())));
      }
      assertEquals(List.of("c"), prefix);
    }
  }

  @Test
  void returnedValuesAreCopies() {
    try (Store s = Store.open(dir, small())) {
      s.put(b("k"), b("value"));
      byte[] v = s.get(b("k"));
      v[0] = 'X';
      assertEquals("value", s(s.get(b("k"))));
      s.flush();
      v = s.get(b("k"));
      v[0] = 'X';
      assertEquals("value", s(s.get(b("k"))));
    }
  }

  @ParameterizedTest
  @EnumSource(CompactionStyle.class)
  void manyKeysAcrossFlushesAndCompactionsSurviveReopen(CompactionStyle style) {
    Options o = small().compactionStyle(style).sizeRatio(3).indexLayout(IndexLayout.BTREE);
    int n = 20_000;
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < n; i++) {
        s.put(b(String.format("key%08d", i)), b("value-" + i));
      }
      for (int i = 0; i < n; i += 3) {
        s.delete(b(String.format("key%08d", i)));
      }
      s.flush();
      for (int i = 0; i < n; i++) {
        String want = i % 3 == 0 ? null : "value-" + i;
        assertEquals(want, s(s.get(b(String.format("key%08d", i)))), "key " + i);
      }
    }
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < n; i++) {
        String want = i % 3 == 0 ? null : "value-" + i;
        assertEquals(want, s(s.get(b(String.format("key%08d", i)))), "after reopen, key " + i);
      }
      s.compact();
      int count = 0;
      try (Cursor c = s.scan(null, null)) {
        while (c.hasNext()) {
          Entry e = c.next();
          int i = Integer.parseInt(s(e.key()).substring(3));
          assertTrue(i % 3 != 0);
          assertEquals("value-" + i, s(e.value()));
          count++;
        }
      }
      assertEquals(n - (n + 2) / 3, count);
      StoreStatistics st = s.statistics();
      if (style != CompactionStyle.FIFO) {
        long tombstones = st.levels().stream().mapToLong(StoreStatistics.Level::tombstones).sum();
        assertEquals(0, tombstones, "a full compaction drops every tombstone:\n" + st);
      }
    }
  }

  @Test
  void expiryHidesEntriesAndCompactionPurgesThem() {
    AtomicLong now = new AtomicLong(1_000_000);
    Options o = small().clock(now::get);
    try (Store s = Store.open(dir, o)) {
      s.put(b("short"), b("x"), 1_000_500);
      s.put(b("long"), b("y"), 2_000_000);
      s.put(b("forever"), b("z"));
      assertEquals("x", s(s.get(b("short"))));
      assertEquals(1_000_500, s.getEntry(b("short")).expireAtMillis());
      assertEquals(Entry.NO_EXPIRY, s.getEntry(b("forever")).expireAtMillis());
      now.set(1_000_500);
      assertNull(s.get(b("short")));
      assertEquals("y", s(s.get(b("long"))));
      s.flush();
      assertNull(s.get(b("short")));
      List<String> keys = new ArrayList<>();
      s.scan(null, null).forEachRemaining(e -> keys.add(s(e.key())));
      assertEquals(List.of("forever", "long"), keys);
      s.compact();
      StoreStatistics st = s.statistics();
      long entries = st.levels().stream().mapToLong(StoreStatistics.Level::entries).sum();
      assertEquals(2, entries, "the expired entry is purged by compaction:\n" + st);
    }
  }

  @Test
  void expiredValueDoesNotResurrectOlderValue() {
    AtomicLong now = new AtomicLong(100);
    try (Store s = Store.open(dir, small().clock(now::get))) {
      s.put(b("k"), b("old"));
      s.flush();
      s.put(b("k"), b("new"), 200);
      s.flush();
      now.set(300);
      assertNull(s.get(b("k")));
      s.compact();
      assertNull(s.get(b("k")));
    }
  }

  @Test
  void scanRangesAreHalfOpenAndOrdered() {
    try (Store s = Store.open(dir, small())) {
      for (String k : new String[] {"b", "a", "d", "c", "e"}) {
        s.put(b(k), b(k.toUpperCase()));
      }
      s.put(new byte[] {(byte) 0xff}, b("high"));
      List<String> got = new ArrayList<>();
      try (Cursor c = s.scan(b("b"), b("e"))) {
        c.forEachRemaining(e -> got.add(s(e.key())));
      }
      assertEquals(List.of("b", "c", "d"), got);
      List<byte[]> all = new ArrayList<>();
      s.scan(null, null).forEachRemaining(e -> all.add(e.key()));
      assertEquals(6, all.size());
      assertArrayEquals(new byte[] {(byte) 0xff}, all.get(5), "unsigned order puts 0xff last");
      assertThrows(IllegalArgumentException.class, () -> s.scan(b("z"), b("a")));
    }
  }

  @Test
  void scanIsASnapshot() {
    try (Store s = Store.open(dir, small())) {
      for (int i = 0; i < 1000; i++) {
        s.put(b(String.format("%04d", i)), b("v1"));
      }
      Cursor c = s.scan(null, null);
      for (int i = 0; i < 1000; i++) {
        s.put(b(String.format("%04d", i)), b("v2"));
      }
      s.put(b("9999"), b("new"));
      s.flush();
      s.compact();
      int n = 0;
      while (c.hasNext()) {
        assertEquals("v1", s(c.next().value()));
        n++;
      }
      assertEquals(1000, n);
    }
  }

  @Test
  void writeBatchIsAtomicAndOrdered() {
    try (Store s = Store.open(dir, small())) {
      s.put(b("x"), b("0"));
      s.write(new WriteBatch().put(b("x"), b("1")).delete(b("x")).put(b("y"), b("2")).put(b("x"), b("3")));
      assertEquals("3", s(s.get(b("x"))));
      assertEquals("2", s(s.get(b("y"))));
    }
  }

  @Test
  void reopenKeepsUnflushedWritesFromTheLog() {
    try (Store s = Store.open(dir, small().durability(Durability.BUFFERED))) {
      s.put(b("a"), b("1"));
    }
    try (Store s = Store.open(dir, small())) {
      assertEquals("1", s(s.get(b("a"))));
    }
  }

  @Test
  void noLogStoreFlushesOnCleanClose() {
    try (Store s = Store.open(dir, small().durability(Durability.NONE))) {
      s.put(b("a"), b("1"));
    }
    try (Store s = Store.open(dir, small().durability(Durability.NONE))) {
      assertEquals("1", s(s.get(b("a"))));
    }
  }

  @Test
  void secondOpenOfADirectoryFails() {
    try (Store s = Store.open(dir, small())) {
      StoreException e = assertThrows(StoreException.class, () -> Store.open(dir, small()));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
      s.put(b("a"), b("1"));
      assertEquals("1", s(s.get(b("a"))));
    }
    try (Store s = Store.open(dir, small())) {
      assertEquals("1", s(s.get(b("a"))), "the lock is released on close");
    }
  }

  @Test
  void badInputGetsClearErrors() throws Exception {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Store.open(file, small()));
    assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Options.defaults().bloomBitsPerKey(-1));
    assertTrue(e.getMessage().contains("bloomBitsPerKey") && e.getMessage().contains("-1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Options.defaults().memtableBytes(10));
    assertTrue(e.getMessage().contains("memtableBytes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Store.open(dir.resolve("missing"), small().createIfMissing(false)));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    try (Store s = Store.open(dir.resolve("db"), small())) {
      s.put(b("keep"), b("me"));
      assertThrows(NullPointerException.class, () -> s.put(null, b("v")));
      assertThrows(NullPointerException.class, () -> s.put(b("k"), null));
      assertThrows(NullPointerException.class, () -> s.get(null));
      assertThrows(IllegalArgumentException.class, () -> s.put(new byte[WriteBatch.MAX_KEY_BYTES + 1], b("v")));
      assertEquals("me", s(s.get(b("keep"))), "nothing stored is lost to bad input");
    }
    Store closed = Store.open(dir.resolve("db"), small());
    closed.close();
    assertThrows(StoreException.class, () -> closed.get(b("keep")));
    assertThrows(StoreException.class, () -> closed.put(b("k"), b("v")));
  }

  /**
   * 120 flushes of overlapping rounds under FIFO with a budget far above the data: merging keeps level 0 to a few
   * runs where one run per flush would pile up, drops overwritten versions, and the newest value of every key wins,
   * before and after a reopen. The same writes without merging keep one run per flush.
   */
  @Test
  void fifoMergesAdjacentRunsAndKeepsTheNewestValues() {
    int rounds = 120;
    int keys = 600;
    for (int width : new int[] {4, 0}) {
      Path d = dir.resolve("width-" + width);
      Options o = small().compactionStyle(CompactionStyle.FIFO).fifoMaxBytes(64L << 20).fifoMergeWidth(width);
      String[] want = new String[keys];
      try (Store s = Store.open(d, o)) {
        for (int round = 0; round < rounds; round++) {
          // Each round rewrites a different third of the keys, so every run shadows parts of older ones.
          for (int k = round % 3; k < keys; k += 3) {
            want[k] = "round-" + round + "-key-" + k + "-".repeat(40);
            s.put(b(String.format("key%05d", k)), b(want[k]));
          }
          s.flush();
        }
        for (int i = 0; i < 200; i++) {
          s.compact();
        }
        StoreStatistics st = s.statistics();
        StoreStatistics.Level l0 = st.levels().get(0);
        if (width == 0) {
          assertEquals(rounds, l0.runs(), "without merging, one run per flush:\n" + st);
          assertEquals((long) rounds * keys / 3, l0.entries(), st.toString());
        } else {
          assertTrue(l0.runs() <= 12, "merging keeps level 0 to a few runs:\n" + st);
          assertTrue(l0.entries() < (long) rounds * keys / 6, "merging drops overwritten versions:\n" + st);
          assertTrue(st.compact().bytesWritten() > 0, st.toString());
        }
        assertNewest(s, want, "width " + width);
      }
      try (Store s = Store.open(d, o)) {
        assertNewest(s, want, "width " + width + " after reopen");
      }
    }
  }

  private static void assertNewest(Store s, String[] want, String where) {
    for (int k = 0; k < want.length; k++) {
      assertEquals(want[k], s(s.get(b(String.format("key%05d", k)))), where + ", key " + k);
    }
    int seen = 0;
    try (Cursor c = s.scan(null, null)) {
      while (c.hasNext()) {
        Entry e = c.next();
        assertEquals(want[Integer.parseInt(s(e.key()).substring(3))], s(e.value()), where);
        seen++;
      }
    }
    assertEquals(want.length, seen, where);
  }

  /**
   * A table's filter is read once and kept, even when it is larger than the whole block cache: absent-key lookups
   * then read nothing but what a false positive leads them to.
   */
  @Test
  void filtersStayPinnedWhenLargerThanTheBlockCache() {
    Options o = small().memtableBytes(4L << 20).targetFileBytes(4L << 20).blockCacheBytes(64 * 1024);
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < 100_000; i++) {
        s.put(b("k" + i), b("v" + i));
      }
      s.flush();
      assertEquals("v7", s(s.get(b("k7"))));
      for (int i = 0; i < 100; i++) {
        assertNull(s.get(b("k" + i + "-absent")), "asks every table's filter");
      }
      StoreStatistics before = s.statistics();
      assertTrue(before.filter().pinnedBytes() > o.blockCacheBytes(), "the filter outgrows the cache:\n" + before);
      for (int i = 0; i < 5000; i++) {
        assertNull(s.get(b("k" + i + "-absent")));
      }
      StoreStatistics after = s.statistics();
      assertTrue(after.filter().bloomUseful() - before.filter().bloomUseful() > 4900, after.toString());
      // Only a false positive reads anything: an index block and a data block (the tiny cache keeps neither).
      long falsePositives = after.filter().bloomFalsePositives() - before.filter().bloomFalsePositives();
      assertTrue(after.blockCache().misses() - before.blockCache().misses() <= 2 * falsePositives + 10,
          "absent keys must not read the filter again:\n" + after);
      assertEquals(before.filter().pinnedBytes(), after.filter().pinnedBytes());
    }
  }

  @Test
  void storeKeepsItsCompactionStyle() {
    try (Store s = Store.open(dir, small().compactionStyle(CompactionStyle.TIERED))) {
      s.put(b("a"), b("1"));
    }
    StoreException e = assertThrows(StoreException.class,
        () -> Store.open(dir, small().compactionStyle(CompactionStyle.LEVELED)));
    assertTrue(e.getMessage().contains("TIERED"), e.getMessage());
    try (Store s = Store.open(dir, small().compactionStyle(CompactionStyle.TIERED))) {
      assertEquals("1", s(s.get(b("a"))));
    }
  }

  @Test
  void statisticsReportShapeAndAmplification() {
    try (Store s = Store.open(dir, small().bloomBitsPerKey(10).compression(Compression.NONE))) {
      for (int i = 0; i < 5000; i++) {
        s.put(b("k" + i), new byte[100]);
      }
      s.flush();
      for (int i = 0; i < 5000; i++) {
        s.get(b("k" + i + "-absent"));
      }
      StoreStatistics st = s.statistics();
      assertTrue(st.flush().count() > 0, st.toString());
      assertTrue(st.writes().writeAmplification() >= 0.5, st.toString());
      assertTrue(st.filter().bloomUseful() > 4000, st.toString());
      assertTrue(st.tables().bytes() > 0 && st.tables().spaceAmplification() >= 1.0, st.toString());
      assertTrue(st.blockCache().hits() + st.blockCache().misses() > 0, st.toString());
    }
  }
}
