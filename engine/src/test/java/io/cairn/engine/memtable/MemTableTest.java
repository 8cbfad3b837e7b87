package io.cairn.engine.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.LengthPrefixed;
import io.cairn.engine.TestSeeds;
import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.iterator.InternalIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemTableTest {
  private static long hash(byte[] prefix) {
    return BloomFilter.prefixHash(prefix, 0, prefix.length);
  }

  @Test
  void prefixFilterNeverMissesAnAddedPrefixAndRejectsMostOthers() {
    // Sized as a 1 MiB memtable: filled to its budget (about 13 000 entries), 4 000 distinct prefixes.
    MemTable m = new MemTable(0, LengthPrefixed.INSTANCE, 1 << 20);
    long seq = 1;
    for (int member = 0; member < 3; member++) {
      for (int group = 0; group < 8000; group += 2) {
        m.add(seq++, InternalKey.TYPE_VALUE, LengthPrefixed.key(group, member), new byte[8]);
      }
    }
    for (int i = 0; i < 1000; i++) {
      m.add(seq++, InternalKey.TYPE_VALUE, ("plain-key-" + i).getBytes(), new byte[8]);
    }
    for (int group = 0; group < 8000; group += 2) {
      assertTrue(m.mayContainPrefix(hash(LengthPrefixed.prefix(group))), "added group " + group + " missed");
    }
    int falsePositives = 0;
    int absent = 20_000;
    for (int group = 1; group < 2 * absent; group += 2) {
      if (m.mayContainPrefix(hash(LengthPrefixed.prefix(group)))) {
        falsePositives++;
      }
    }
    assertTrue(falsePositives < absent / 50, falsePositives + " false positives in " + absent);
  }

  @Test
  void keysWithoutAPrefixAndMemtablesWithoutAnExtractorSkipNothing() {
    MemTable none = new MemTable(0);
    assertTrue(none.mayContainPrefix(hash(LengthPrefixed.prefix(1))), "no filter: every prefix may be there");

    MemTable m = new MemTable(0, LengthPrefixed.INSTANCE, 1 << 20);
    byte[] outside = {0x01, 0x01, '7'};
    m.add(1, InternalKey.TYPE_VALUE, outside, new byte[0]);
    m.add(2, InternalKey.TYPE_DELETION, LengthPrefixed.key(5, 0), new byte[0]);
    int hits = 0;
    for (int group = 0; group < 1000; group++) {
      if (group != 5 && m.mayContainPrefix(hash(LengthPrefixed.prefix(group)))) {
        hits++;
      }
    }
    assertEquals(0, hits, "a key outside the extractor's domain entered the filter");
    assertTrue(m.mayContainPrefix(hash(LengthPrefixed.prefix(5))), "a tombstone's prefix must be kept: it hides"
        + " older entries a scan would otherwise return");
  }

  /**
   * Prefixed keys live in buckets, the rest in the skip list; every read must see one memtable either way. Groups
   * 0 to 4 get far more than a small bucket's entries (so they move to skip lists of their own), the rest a few each;
   * keys are rewritten and deleted, so buckets hold several versions of a key.
   */
  @Test
  void bucketsReadLikeOneSortedMap() {
    long seed = TestSeeds.seed("MemTableTest buckets");
    Random r = new Random(seed);
    MemTable m = new MemTable(0, LengthPrefixed.INSTANCE, 1 << 20);
    TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey.COMPARATOR);
    List<byte[]> userKeys = new ArrayList<>();
    long seq = 0;
    for (int i = 0; i < 6000; i++) {
      byte[] user;
      int pick = r.nextInt(10);
      if (pick < 4) {
        user = LengthPrefixed.key(r.nextInt(5), r.nextInt(40));
      } else if (pick < 8) {
        user = LengthPrefixed.key(5 + r.nextInt(2000), r.nextInt(3));
      } else {
        user = ("plain-" + r.nextInt(500)).getBytes();
      }
      byte type = r.nextInt(8) == 0 ? InternalKey.TYPE_DELETION : InternalKey.TYPE_VALUE;
      byte[] value = type == InternalKey.TYPE_DELETION ? new byte[0] : ("v" + i).getBytes();
      m.add(++seq, type, user, value);
      model.put(InternalKey.encode(user, seq, type), value);
      userKeys.add(user);
    }
    String where = "seed " + seed;

    for (int i = 0; i < 3000; i++) {
      byte[] user = userKeys.get(r.nextInt(userKeys.size()));
      long snapshot = 1 + r.nextInt((int) seq);
      Map.Entry<byte[], byte[]> want = model.ceilingEntry(InternalKey.seekKey(user, snapshot));
      if (want != null && InternalKey.compareUserKey(want.getKey(), user) != 0) {
        want = null;
      }
      Map.Entry<byte[], byte[]> got = m.get(user, snapshot);
      if (want == null) {
        assertNull(got, where + ": get " + Bytes.toDisplay(user) + " at " + snapshot);
      } else {
        assertNotNull(got, where + ": get " + Bytes.toDisplay(user) + " at " + snapshot);
        assertArrayEquals(want.getKey(), got.getKey(), where + ": get " + Bytes.toDisplay(user) + " at " + snapshot);
        assertArrayEquals(want.getValue(), got.getValue(), where);
      }
    }
    assertNull(m.get(LengthPrefixed.key(99_999, 0), seq), "a prefix never added");

    InternalIterator full = m.iterator();
    full.seekToFirst();
    assertSameKeys(new ArrayList<>(model.keySet()), keys(full, null), where + ": full iteration");

    for (int i = 0; i < 200; i++) {
      byte[] from = userKeys.get(r.nextInt(userKeys.size()));
      byte[] to = userKeys.get(r.nextInt(userKeys.size()));
      if (Arrays.compareUnsigned(from, to) > 0) {
        byte[] t = from;
        from = to;
        to = t;
      }
      List<byte[]> want = new ArrayList<>(model.subMap(InternalKey.seekKey(from, InternalKey.MAX_SEQUENCE), true,
          InternalKey.seekKey(to, InternalKey.MAX_SEQUENCE), true).keySet());
      InternalIterator it = m.iterator(from, to);
      it.seek(InternalKey.seekKey(from, InternalKey.MAX_SEQUENCE));
      assertSameKeys(want, keys(it, to), where + ": range [" + Bytes.toDisplay(from) + ", " + Bytes.toDisplay(to) + ")");
    }

    for (int group : new int[] {0, 3, 7, 1500, 99_999}) {
      byte[] prefix = LengthPrefixed.prefix(group);
      byte[] end = Bytes.prefixSuccessor(prefix);
      List<byte[]> want = new ArrayList<>(model.subMap(InternalKey.seekKey(prefix, InternalKey.MAX_SEQUENCE), true,
          InternalKey.seekKey(end, InternalKey.MAX_SEQUENCE), true).keySet());
      InternalIterator it = m.prefixIterator(hash(prefix));
      it.seekToFirst();
      assertSameKeys(want, keys(it, end), where + ": prefix " + group);
    }
  }

  @Test
  void rangesAwayFromThePrefixedKeysSkipThem() {
    MemTable m = new MemTable(0, LengthPrefixed.INSTANCE, 1 << 20);
    m.add(1, InternalKey.TYPE_VALUE, new byte[] {0x00, 'a'}, new byte[0]);
    m.add(2, InternalKey.TYPE_VALUE, LengthPrefixed.key(3, 1), new byte[0]);
    m.add(3, InternalKey.TYPE_VALUE, new byte[] {0x03, 'z'}, new byte[0]);
    InternalIterator below = m.iterator(new byte[] {0x00}, new byte[] {0x01});
    below.seekToFirst();
    assertEquals(List.of("00 61", "03 7a"), keys(below, null).stream().map(MemTableTest::hex).toList(),
        "a range below every prefixed key reads the skip list alone (the caller bounds it)");
    InternalIterator all = m.iterator(null, null);
    all.seekToFirst();
    assertEquals(3, keys(all, null).size(), "an unbounded range reads both");
    InternalIterator none = m.prefixIterator(hash(LengthPrefixed.prefix(4)));
    none.seekToFirst();
    assertFalse(none.valid(), "an absent prefix has no bucket");
    assertFalse(new MemTable(0).prefixIterator(hash(LengthPrefixed.prefix(3))).valid(), "no extractor: no buckets");
  }

  /** Readers see every entry whose sequence was published before they looked, while one writer keeps adding. */
  @Test
  void readersSeeEveryPublishedEntryWhileTheWriterAdds() throws Exception {
    MemTable m = new MemTable(0, LengthPrefixed.INSTANCE, 1 << 20);
    AtomicLong published = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int n = 40_000;
    Thread[] readers = new Thread[2];
    for (int t = 0; t < readers.length; t++) {
      long seed = t;
      readers[t] = new Thread(() -> {
        Random r = new Random(seed);
        try {
          while (published.get() < n && failure.get() == null) {
            long p = published.get();
            if (p == 0) {
              continue;
            }
            int i = 1 + r.nextInt((int) p) - 1;
            byte[] user = LengthPrefixed.key(i % 300, i);
            Map.Entry<byte[], byte[]> e = m.get(user, p);
            if (e == null || InternalKey.sequence(e.getKey()) != i + 1) {
              throw new AssertionError("entry " + i + " missing at published " + p);
            }
            InternalIterator it = m.prefixIterator(hash(LengthPrefixed.prefix(i % 300)));
            it.seek(InternalKey.seekKey(user, p));
            if (!it.valid() || !Arrays.equals(it.key(), e.getKey())) {
              throw new AssertionError("prefix iterator missed entry " + i + " at published " + p);
            }
          }
        } catch (Throwable x) {
          failure.compareAndSet(null, x);
        }
      });
      readers[t].start();
    }
    for (int i = 0; i < n && failure.get() == null; i++) {
      m.add(i + 1, InternalKey.TYPE_VALUE, LengthPrefixed.key(i % 300, i), new byte[] {(byte) i});
      published.set(i + 1);
    }
    published.set(n);
    for (Thread t : readers) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  /** The same internal keys in the same order; a failure names the first difference, not both lists. */
  private static void assertSameKeys(List<byte[]> want, List<byte[]> got, String where) {
    for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
      if (!Arrays.equals(want.get(i), got.get(i))) {
        throw new AssertionError(where + ": key " + i + " is " + InternalKey.describe(got.get(i)) + ", expected "
            + InternalKey.describe(want.get(i)));
      }
    }
    assertEquals(want.size(), got.size(), where + ": key count");
  }

  /** The internal keys from the iterator's position up to the user key {@code to} (exclusive; null: the end). */
  private static List<byte[]> keys(InternalIterator it, byte[] to) {
    List<byte[]> out = new ArrayList<>();
    for (; it.valid(); it.next()) {
      if (to != null && InternalKey.compareUserKey(it.key(), to) >= 0) {
        break;
      }
      out.add(it.key());
    }
    return out;
  }

  private static String hex(byte[] internal) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < internal.length - InternalKey.TRAILER_BYTES; i++) {
      sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02x", internal[i]));
    }
    return sb.toString();
  }
}
