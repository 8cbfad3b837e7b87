package io.cairn.engine;

import static io.cairn.engine.LengthPrefixed.key;
import static io.cairn.engine.LengthPrefixed.prefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.format.Bytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Store#scanPrefix} against a sorted model, through flushes, compactions, expiry and a change of extractor. */
class PrefixScanTest {
  @TempDir Path dir;

  private static Options small() {
    return Options.defaults().memtableBytes(32 * 1024).targetFileBytes(32 * 1024).blockBytes(1024)
        .level0CompactionTrigger(3).prefixExtractor(LengthPrefixed.INSTANCE);
  }

  private static List<String> scan(Cursor c) {
    List<String> out = new ArrayList<>();
    try (c) {
      while (c.hasNext()) {
        Entry e = c.next();
        out.add(Bytes.toDisplay(e.key()) + "=" + Bytes.toDisplay(e.value()));
      }
    }
    return out;
  }

  private static List<String> expected(TreeMap<byte[], byte[]> model, byte[] prefix) {
    List<String> out = new ArrayList<>();
    byte[] to = Bytes.prefixSuccessor(prefix);
    Map<byte[], byte[]> range = to == null ? model.tailMap(prefix, true) : model.subMap(prefix, true, to, false);
    for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
      out.add(Bytes.toDisplay(e.getKey()) + "=" + Bytes.toDisplay(e.getValue()));
    }
    return out;
  }

  @Test
  void prefixScansMatchTheModelAndSkipTables() {
    long seed = TestSeeds.seed("prefixScansMatchTheModelAndSkipTables");
    Random rnd = new Random(seed);
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    int groups = 4000;
    try (Store s = Store.open(dir, small())) {
      for (int step = 0; step < 60_000; step++) {
        int g = 2 * rnd.nextInt(groups / 2);
        byte[] k = rnd.nextInt(8) == 0 ? ("\u0001plain-" + g).getBytes() : key(g, rnd.nextInt(4));
        if (rnd.nextInt(4) == 0) {
          s.delete(k);
          model.remove(k);
        } else {
          byte[] v = ("v" + step).getBytes();
          s.put(k, v);
          model.put(k, v);
        }
        if (step % 5000 == 4999) {
          for (int i = 0; i < 200; i++) {
            byte[] p = prefix(rnd.nextInt(groups));
            assertEquals(expected(model, p), scan(s.scanPrefix(p)), "seed " + seed + ", step " + step);
          }
        }
      }
      s.flush();
      for (int g = 0; g < groups; g += 2) {
        byte[] p = prefix(g);
        assertEquals(expected(model, p), scan(s.scanPrefix(p)), "seed " + seed + ", group " + g);
      }
      // Odd groups are never written, but their prefixes fall inside the tables' key ranges: only the filters can
      // skip those tables, and they should for all but about 1% (10 bits a key).
      StoreStatistics before = s.statistics();
      for (int g = 1; g < groups; g += 2) {
        assertEquals(List.of(), scan(s.scanPrefix(prefix(g))), "seed " + seed + ", group " + g);
      }
      StoreStatistics st = s.statistics();
      assertTrue(st.levels().stream().mapToInt(StoreStatistics.Level::files).sum() > 3, st.toString());
      assertTrue(st.compact().count() > 0, st.toString());
      long checks = st.filter().prefixChecks() - before.filter().prefixChecks();
      long useful = st.filter().prefixUseful() - before.filter().prefixUseful();
      assertTrue(checks >= groups / 2 && useful > checks * 0.95, checks + " checks, " + useful + " useful; " + st);
    }
  }

  @Test
  void expiredAndDeletedEntriesAreHidden() {
    AtomicLong now = new AtomicLong(1_000);
    try (Store s = Store.open(dir, small().clock(now::get))) {
      s.put(key(7, 1), "a".getBytes());
      s.put(key(7, 2), "b".getBytes(), 2_000);
      s.put(key(7, 3), "c".getBytes());
      s.flush();
      s.delete(key(7, 3));
      assertEquals(2, scan(s.scanPrefix(prefix(7))).size());
      now.set(2_000);
      List<String> left = scan(s.scanPrefix(prefix(7)));
      assertEquals(List.of(Bytes.toDisplay(key(7, 1)) + "=a"), left);
    }
  }

  @Test
  void aScanIsASnapshot() {
    try (Store s = Store.open(dir, small())) {
      s.put(key(3, 1), "a".getBytes());
      s.flush();
      Cursor c = s.scanPrefix(prefix(3));
      s.put(key(3, 2), "b".getBytes());
      s.delete(key(3, 1));
      assertTrue(c.hasNext());
      assertArrayEquals(key(3, 1), c.next().key());
      assertFalse(c.hasNext());
    }
  }

  /** Tables written under another extractor are read, never skipped; a store opened without one refuses prefix scans. */
  @Test
  void changingTheExtractorKeepsOldTablesReadable() {
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    try (Store s = Store.open(dir, small())) {
      for (int g = 0; g < 10_011; g = g == 299 ? 10_000 : g + 1) {
        s.put(key(g, 0), new byte[] {(byte) g});
        model.put(key(g, 0), new byte[] {(byte) g});
      }
      s.flush();
    }
    // The new rule: the prefix is just 0x02 and the length byte, so a scan finds every group of that many digits.
    PrefixExtractor byLength = new PrefixExtractor() {
      @Override
      public String name() {
        return "test.by-length";
      }

      @Override
      public int prefixLength(byte[] key, int length) {
        return length >= 2 && key[0] == 0x02 ? 2 : -1;
      }
    };
    try (Store s = Store.open(dir, small().prefixExtractor(byLength))) {
      int[] groupsOfLength = {0, 10, 90, 200, 0, 11};
      for (int digits = 1; digits <= 5; digits++) {
        byte[] p = {0x02, (byte) digits};
        List<String> got = scan(s.scanPrefix(p));
        assertEquals(expected(model, p), got);
        assertEquals(groupsOfLength[digits], got.size());
      }
      assertEquals(0, s.statistics().filter().prefixChecks(), "a table of the old extractor was asked for a prefix");
    }
    try (Store s = Store.open(dir, small().prefixExtractor(byLength))) {
      s.compact();
      assertEquals(expected(model, new byte[] {0x02, 3}), scan(s.scanPrefix(new byte[] {0x02, 3})));
      // No group has 4 digits, but 5-digit groups put the prefix inside the table's key range: only the filter helps.
      assertEquals(List.of(), scan(s.scanPrefix(new byte[] {0x02, 4})));
      assertTrue(s.statistics().filter().prefixUseful() > 0, "rewritten tables carry the new extractor's prefixes");
    }
    Options none = Options.defaults();
    try (Store s = Store.open(dir, none)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.scanPrefix(prefix(1)));
      assertTrue(e.getMessage().contains("without a prefix extractor"), e.getMessage());
      assertEquals(expected(model, prefix(12)), scan(s.scan(prefix(12), Bytes.prefixSuccessor(prefix(12)))));
    }
  }

  @Test
  void badPrefixesGetClearErrors() {
    try (Store s = Store.open(dir, small())) {
      IllegalArgumentException longer = assertThrows(IllegalArgumentException.class, () -> s.scanPrefix(key(1, 1)));
      assertTrue(longer.getMessage().contains("test.length-prefixed"), longer.getMessage());
      IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
          () -> s.scanPrefix("plain".getBytes()));
      assertTrue(outside.getMessage().contains("prefix length is -1"), outside.getMessage());
      assertThrows(NullPointerException.class, () -> s.scanPrefix(null));
    }
    PrefixExtractor unnamed = new PrefixExtractor() {
      @Override
      public String name() {
        return "";
      }

      @Override
      public int prefixLength(byte[] key, int length) {
        return -1;
      }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Options.defaults().prefixExtractor(unnamed));
    assertTrue(e.getMessage().contains("prefix extractor name"), e.getMessage());
  }
}
