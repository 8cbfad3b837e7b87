package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.engine.format.Bytes;
import io.cairn.engine.sstable.IndexLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random puts, expiring puts, deletes, batches, point reads, scans, flushes, compactions, clock jumps and reopens,
 * checked step by step against a sorted map. Every compaction style with both index layouts. Ops per run:
 * {@code -Dcairn.model.ops} (default 4000).
 */
class ModelTest {
  @TempDir Path dir;

  record Value(byte[] bytes, long expireAt) {}

  static Stream<Arguments> combinations() {
    List<Arguments> out = new ArrayList<>();
    for (CompactionStyle s : CompactionStyle.values()) {
      for (IndexLayout l : IndexLayout.values()) {
        out.add(Arguments.of(s, l, false));
      }
      out.add(Arguments.of(s, IndexLayout.ARRAY, true));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} prefixed={2}")
  @MethodSource("combinations")
  void storeMatchesSortedMapModel(CompactionStyle style, IndexLayout layout, boolean prefixed) {
    long seed = TestSeeds.seed("ModelTest " + style + " " + layout + (prefixed ? " prefixed" : ""));
    Random r = new Random(seed);
    int ops = Integer.getInteger("cairn.model.ops", 4000);
    AtomicLong now = new AtomicLong(1_000_000);
    Options o = Options.defaults().compactionStyle(style).indexLayout(layout).memtableBytes(16 * 1024)
        .targetFileBytes(16 * 1024).blockBytes(256).sizeRatio(3).level0CompactionTrigger(2)
        .levelBaseBytes(32 * 1024).clock(now::get).fifoMaxBytes(Long.MAX_VALUE)
        .durability(r.nextBoolean() ? Durability.BUFFERED : Durability.NONE);
    if (prefixed) {
      o.prefixExtractor(LengthPrefixed.INSTANCE);
    }
    TreeMap<byte[], Value> model = new TreeMap<>(Arrays::compareUnsigned);
    Store s = Store.open(dir, o);
    try {
      for (int step = 0; step < ops; step++) {
        String where = "seed " + seed + " step " + step;
        int op = r.nextInt(100);
        if (op < 35) {
          byte[] k = key(r, prefixed);
          byte[] v = value(r);
          s.put(k, v);
          model.put(k, new Value(v, Entry.NO_EXPIRY));
        } else if (op < 45) {
          byte[] k = key(r, prefixed);
          byte[] v = value(r);
          long at = now.get() + 1 + r.nextInt(5000);
          s.put(k, v, at);
          model.put(k, new Value(v, at));
        } else if (op < 55) {
          byte[] k = key(r, prefixed);
          s.delete(k);
          model.remove(k);
        } else if (op < 60) {
          WriteBatch b = new WriteBatch();
          for (int i = r.nextInt(6); i >= 0; i--) {
            byte[] k = key(r, prefixed);
            if (r.nextBoolean()) {
              byte[] v = value(r);
              b.put(k, v);
              model.put(k, new Value(v, Entry.NO_EXPIRY));
            } else {
              b.delete(k);
              model.remove(k);
            }
          }
          s.write(b);
        } else if (op < 80) {
          byte[] k = key(r, prefixed);
          Value want = live(model, k, now.get());
          Entry got = s.getEntry(k);
          if (want == null) {
            assertNull(got, where + " key " + Bytes.toDisplay(k));
          } else {
            assertArrayEquals(want.bytes(), got.value(), where + " key " + Bytes.toDisplay(k));
            assertEquals(want.expireAt(), got.expireAtMillis(), where);
          }
        } else if (op < 85) {
          byte[] from = r.nextInt(4) == 0 ? null : key(r, prefixed);
          byte[] to = r.nextInt(4) == 0 ? null : key(r, prefixed);
          if (from != null && to != null && Arrays.compareUnsigned(from, to) > 0) {
            byte[] t = from;
            from = to;
            to = t;
          }
          if (prefixed && r.nextBoolean()) {
            checkPrefixScan(s, model, LengthPrefixed.prefix(r.nextInt(PREFIX_GROUPS + 2)), now.get(), where);
          } else {
            checkScan(s, model, from, to, now.get(), where);
          }
        } else if (op < 88) {
          now.addAndGet(r.nextInt(2000));
        } else if (op < 92) {
          s.flush();
        } else if (op < 94) {
          s.compact();
          if (style != CompactionStyle.FIFO) {
            StoreStatistics st = s.statistics();
            long tables = st.levels().stream().mapToLong(StoreStatistics.Level::files).sum();
            long runs = st.levels().stream().mapToLong(StoreStatistics.Level::runs).sum();
            assertEquals(tables == 0 ? 0 : 1, runs, where + ": a full compaction leaves one run\n" + st);
          }
        } else if (op < 96) {
          s.close();
          s = Store.open(dir, o);
        }
      }
      checkScan(s, model, null, null, now.get(), "seed " + seed + " final");
      s.close();
      s = Store.open(dir, o);
      checkScan(s, model, null, null, now.get(), "seed " + seed + " after final reopen");
    } finally {
      s.close();
    }
  }

  private static Value live(TreeMap<byte[], Value> model, byte[] k, long now) {
    Value v = model.get(k);
    return v == null || v.expireAt() <= now ? null : v;
  }

  /** Groups of prefixed keys (prefixed runs): few enough that a group's memtable bucket outgrows its array. */
  private static final int PREFIX_GROUPS = 30;

  private static void checkPrefixScan(Store s, TreeMap<byte[], Value> model, byte[] prefix, long now, String where) {
    List<byte[]> want = new ArrayList<>();
    for (Map.Entry<byte[], Value> e : model.subMap(prefix, true, Bytes.prefixSuccessor(prefix), false).entrySet()) {
      if (e.getValue().expireAt() > now) {
        want.add(e.getKey());
      }
    }
    List<byte[]> got = new ArrayList<>();
    try (Cursor c = s.scanPrefix(prefix)) {
      c.forEachRemaining(e -> got.add(e.key()));
    }
    assertEquals(want.stream().map(Bytes::toDisplay).toList(), got.stream().map(Bytes::toDisplay).toList(),
        where + " scanPrefix " + Bytes.toDisplay(prefix));
  }

  private static void checkScan(Store s, TreeMap<byte[], Value> model, byte[] from, byte[] to, long now,
      String where) {
    Map<byte[], Value> range = model;
    if (from != null && to != null) {
      range = model.subMap(from, true, to, false);
    } else if (from != null) {
      range = model.tailMap(from, true);
    } else if (to != null) {
      range = model.headMap(to, false);
    }
    List<Map.Entry<byte[], Value>> want = new ArrayList<>();
    for (Map.Entry<byte[], Value> e : range.entrySet()) {
      if (e.getValue().expireAt() > now) {
        want.add(e);
      }
    }
    List<Entry> got = new ArrayList<>();
    try (Cursor c = s.scan(from, to)) {
      c.forEachRemaining(got::add);
    }
    assertEquals(want.size(), got.size(), where + " scan [" + Bytes.toDisplay(from) + ", " + Bytes.toDisplay(to)
        + ") count");
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i).getKey(), got.get(i).key(), where + " scan key " + i);
      assertArrayEquals(want.get(i).getValue().bytes(), got.get(i).value(), where + " scan value " + i);
    }
  }

  private static byte[] key(Random r, boolean prefixed) {
    if (prefixed && r.nextInt(5) < 2) {
      return LengthPrefixed.key(r.nextInt(PREFIX_GROUPS), r.nextInt(40));
    }
    int n = r.nextInt(600);
    byte[] k = String.format("%05d", n * 7919 % 100_000).getBytes();
    if (r.nextInt(20) == 0) {
      k = Arrays.copyOf(k, k.length + 1);
      k[k.length - 1] = (byte) (0x80 + r.nextInt(0x80));
    }
    return k;
  }

  private static byte[] value(Random r) {
    byte[] v = new byte[r.nextInt(r.nextInt(10) == 0 ? 3000 : 60)];
    r.nextBytes(v);
    return v;
  }
}
