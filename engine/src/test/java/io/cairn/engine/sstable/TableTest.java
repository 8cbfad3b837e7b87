package io.cairn.engine.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.cache.BlockCache;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.fs.LocalFileSystem;
import io.cairn.engine.iterator.InternalIterator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TableTest {
  @TempDir Path dir;

  static byte[] key(int i) {
    return String.format("user-%07d", i).getBytes(StandardCharsets.UTF_8);
  }

  private TableProperties build(Path p, int n, IndexLayout layout, int blockBytes) throws IOException {
    try (FileSystem.WritableFile f = LocalFileSystem.INSTANCE.create(p)) {
      TableBuilder b = new TableBuilder(f, blockBytes, 10, layout);
      for (int i = 0; i < n; i++) {
        byte type = i % 10 == 0 ? InternalKey.TYPE_DELETION : InternalKey.TYPE_VALUE;
        byte[] v = type == InternalKey.TYPE_DELETION ? new byte[0] : ("value-" + i).getBytes();
        b.add(InternalKey.encode(key(i), 1000 + i, type), v);
      }
      TableProperties props = b.finish();
      f.sync();
      return props;
    }
  }

  /** Opens a table with a block cache of its own, as the tests of this package read tables. */
  static TableReader open(Path p) throws IOException {
    BlockCache<Object> cache = new BlockCache<>(1 << 20, 4,
        o -> o instanceof Block b ? b.charge() : ((byte[]) o).length);
    return TableReader.open(LocalFileSystem.INSTANCE, p, 1, 1, cache, new FileHandles(16), new ReadCounters(), false);
  }

  @ParameterizedTest
  @EnumSource(IndexLayout.class)
  void everyKeyIsFoundAndIterationIsOrdered(IndexLayout layout) throws IOException {
    Path p = dir.resolve("000001.sst");
    int n = 30_000;
    TableProperties props = build(p, n, layout, 512);
    assertEquals(n, props.entries());
    assertEquals(n / 10, props.tombstones());
    try (TableReader t = open(p)) {
      assertEquals(layout, t.indexLayout());
      if (layout == IndexLayout.BTREE) {
        assertTrue(t.indexLevels() >= 2, "a large table gets a multi-level index, got " + t.indexLevels());
      } else {
        assertEquals(1, t.indexLevels());
      }
      for (int i = 0; i < n; i++) {
        byte[] k = key(i);
        Lookup l = t.get(k, InternalKey.seekKey(k, Long.MAX_VALUE >>> 8), BloomFilter.hash(k, 0, k.length));
        assertNotNull(l, "key " + i);
        if (i % 10 == 0) {
          assertEquals(InternalKey.TYPE_DELETION, l.type());
        } else {
          assertArrayEquals(("value-" + i).getBytes(), l.storedValue());
        }
        Lookup older = t.get(k, InternalKey.seekKey(k, 999 + i), BloomFilter.hash(k, 0, k.length));
        assertNull(older, "a snapshot before the write does not see it");
      }
      byte[] absent = "user-0000500x".getBytes();
      assertNull(t.get(absent, InternalKey.seekKey(absent, 1L << 50), BloomFilter.hash(absent, 0, absent.length)));
      try (InternalIterator it = t.iterator()) {
        int i = 0;
        for (it.seekToFirst(); it.valid(); it.next()) {
          assertArrayEquals(key(i), InternalKey.userKey(it.key()));
          i++;
        }
        assertEquals(n, i);
        it.seek(InternalKey.seekKey(key(12345), Long.MAX_VALUE >>> 8));
        assertArrayEquals(key(12345), InternalKey.userKey(it.key()));
        it.seek(InternalKey.seekKey("user-0012345a".getBytes(), Long.MAX_VALUE >>> 8));
        assertArrayEquals(key(12346), InternalKey.userKey(it.key()));
      }
      t.verify();
    }
  }

  @Test
  void everyFlippedByteIsDetected() throws IOException {
    Path p = dir.resolve("000001.sst");
    build(p, 300, IndexLayout.BTREE, 256);
    byte[] good = Files.readAllBytes(p);
    int detected = 0;
    for (int at = 0; at < good.length; at += 7) {
      byte[] bad = good.clone();
      bad[at] ^= 0x10;
      Files.write(p, bad);
      try (TableReader t = open(p)) {
        t.verify();
        for (int i = 0; i < 300; i++) {
          byte[] k = key(i);
          Lookup l = t.get(k, InternalKey.seekKey(k, 1L << 50), BloomFilter.hash(k, 0, k.length));
          if (l != null && i % 10 != 0) {
            assertArrayEquals(("value-" + i).getBytes(), l.storedValue(), "flip at " + at + " returned a wrong value");
          }
        }
        throw new AssertionError("flip at offset " + at + " went undetected");
      } catch (CorruptionException e) {
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        detected++;
      }
    }
    assertTrue(detected > 0);
  }

  @ParameterizedTest
  @EnumSource(IndexLayout.class)
  void verifyEachBlockCountsWhatIsWholeAndNamesEveryDamagedBlock(IndexLayout layout) throws IOException {
    Path p = dir.resolve("000001.sst");
    TableProperties props = build(p, 3000, layout, 512);
    try (TableReader t = open(p)) {
      java.util.List<CorruptionException> problems = new java.util.ArrayList<>();
      TableReader.BlockCheck clean = t.verifyEachBlock(problems::add);
      assertTrue(problems.isEmpty(), problems.toString());
      assertEquals(props.entries(), clean.entries());
      assertEquals(props.tombstones(), clean.tombstones());
      assertEquals(props.dataBlocks(), clean.dataBlocks());
      assertArrayEquals(props.smallest(), clean.smallest());
      assertArrayEquals(props.largest(), clean.largest());
    }
    Files.write(p, flipped(Files.readAllBytes(p), 10, 20_000));
    try (TableReader t = open(p)) {
      java.util.List<CorruptionException> problems = new java.util.ArrayList<>();
      TableReader.BlockCheck damaged = t.verifyEachBlock(problems::add);
      assertEquals(2, problems.size(), problems.toString());
      assertEquals(0, problems.get(0).offset());
      assertTrue(problems.get(1).offset() > 10 && problems.get(1).offset() <= 20_000, problems.toString());
      assertEquals(props.dataBlocks() - 2, damaged.dataBlocks(), "the walk goes on past both damaged blocks");
    }
  }

  @Test
  void verifyEachBlockFindsEveryFlippedByteThatOpenDoesNot() throws IOException {
    Path p = dir.resolve("000001.sst");
    build(p, 300, IndexLayout.BTREE, 256);
    byte[] good = Files.readAllBytes(p);
    for (int at = 0; at < good.length; at += 7) {
      Files.write(p, flipped(good, at));
      try (TableReader t = open(p)) {
        java.util.List<CorruptionException> problems = new java.util.ArrayList<>();
        t.verifyEachBlock(problems::add);
        assertFalse(problems.isEmpty(), "flip at offset " + at + " went undetected");
        assertTrue(problems.get(0).getMessage().contains(p.toString()), problems.get(0).getMessage());
      } catch (CorruptionException e) {
        assertTrue(e.getMessage().contains(p.toString()), "open named the file: " + e.getMessage());
      }
    }
  }

  private static byte[] flipped(byte[] good, int... offsets) {
    byte[] bad = good.clone();
    for (int at : offsets) {
      bad[at] ^= 0x10;
    }
    return bad;
  }

  @Test
  void notATableIsRejected() throws IOException {
    Path p = dir.resolve("000009.sst");
    Files.write(p, new byte[100]);
    CorruptionException e = assertThrows(CorruptionException.class, () -> open(p));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void builderRefusesKeysOutOfOrder() throws IOException {
    try (FileSystem.WritableFile f = LocalFileSystem.INSTANCE.create(dir.resolve("x.sst"))) {
      TableBuilder b = new TableBuilder(f, 4096, 10, IndexLayout.ARRAY);
      b.add(InternalKey.encode("b".getBytes(), 1, InternalKey.TYPE_VALUE), new byte[0]);
      assertThrows(IllegalArgumentException.class,
          () -> b.add(InternalKey.encode("a".getBytes(), 2, InternalKey.TYPE_VALUE), new byte[0]));
    }
  }

  @Test
  void expiryBoundsAreRecorded() throws IOException {
    Path p = dir.resolve("000002.sst");
    try (FileSystem.WritableFile f = LocalFileSystem.INSTANCE.create(p)) {
      TableBuilder b = new TableBuilder(f, 4096, 10, IndexLayout.ARRAY);
      for (int i = 0; i < 10; i++) {
        byte[] v = new byte[12];
        Bytes.putLong(v, 0, 5000 + i);
        b.add(InternalKey.encode(key(i), i + 1, InternalKey.TYPE_EXPIRING_VALUE), v);
      }
      b.finish();
    }
    try (TableReader t = open(p)) {
      TableProperties props = t.properties();
      assertEquals(5000, props.minExpireAtMillis());
      assertEquals(5009, props.maxExpireAtMillis());
      assertTrue(props.allExpiredAt(5009));
      assertFalse(props.allExpiredAt(5008));
    }
  }
}
