package io.cairn.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Compressed tables: every value reads back, the files shrink, old and new codecs mix, damage is found. */
class CompressionTest {
  @TempDir Path root;

  static byte[] key(int i) {
    return String.format("order-%07d", i).getBytes(UTF_8);
  }

  /** A JSON document such as a cache holds: repeated field names, short strings, numbers. */
  static byte[] json(int i) {
    return ("{\"id\":" + i + ",\"customer\":\"customer-" + (i % 977) + "\",\"status\":\"" + (i % 3 == 0 ? "SHIPPED"
        : "PENDING") + "\",\"items\":[{\"sku\":\"SKU-" + (i % 131) + "\",\"quantity\":" + (i % 7 + 1)
        + ",\"price\":" + (i % 100) + ".99}],\"note\":\"deliver to the back door, ring twice\"}").getBytes(UTF_8);
  }

  private static Options options(Compression c) {
    return Options.defaults().compression(c).memtableBytes(256 * 1024).targetFileBytes(1 << 20)
        .compactionStyle(CompactionStyle.LEVELED);
  }

  static long tableBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".sst")).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"LZ4", "ZSTD"})
  void compressedTablesReadBackAndAreSmaller(Compression codec) throws IOException {
    int n = 20_000;
    long[] bytes = new long[2];
    for (Compression c : new Compression[] {Compression.NONE, codec}) {
      Path dir = root.resolve(c.name());
      try (Store s = Store.open(dir, options(c))) {
        for (int i = 0; i < n; i++) {
          s.put(key(i), json(i));
        }
        s.compact();
        for (int i = 0; i < n; i++) {
          assertArrayEquals(json(i), s.get(key(i)), c + " key " + i);
        }
        StoreStatistics.Compressed st = s.statistics().compression();
        assertEquals(c, st.codec());
        if (c == Compression.NONE) {
          assertEquals(1.0, st.ratio(), 0.001, st.toString());
        } else {
          assertTrue(st.ratio() > 1.5, "JSON-like values compress: " + st);
        }
      }
      bytes[c == Compression.NONE ? 0 : 1] = tableBytes(dir);
      try (Store s = Store.open(dir, options(c))) {
        try (Cursor cur = s.scan(null, null)) {
          int i = 0;
          while (cur.hasNext()) {
            Entry e = cur.next();
            assertArrayEquals(key(i), e.key());
            assertArrayEquals(json(i), e.value());
            i++;
          }
          assertEquals(n, i);
        }
      }
    }
    assertTrue(bytes[1] * 3 < bytes[0] * 2, codec + " tables take " + bytes[1] + " bytes, raw ones " + bytes[0]);
  }

  /** A store written raw and reopened with LZ4 reads its old tables, and compaction rewrites them compressed. */
  @Test
  void codecsMixAcrossReopens() throws IOException {
    Path dir = root.resolve("mixed");
    try (Store s = Store.open(dir, options(Compression.NONE))) {
      for (int i = 0; i < 5000; i++) {
        s.put(key(i), json(i));
      }
      s.flush();
    }
    try (Store s = Store.open(dir, options(Compression.LZ4))) {
      for (int i = 5000; i < 10_000; i++) {
        s.put(key(i), json(i));
      }
      s.flush();
      for (int i = 0; i < 10_000; i++) {
        assertArrayEquals(json(i), s.get(key(i)), "key " + i);
      }
      s.compact();
      assertTrue(s.statistics().compression().ratio() > 1.5, s.statistics().toString());
      for (int i = 0; i < 10_000; i++) {
        assertArrayEquals(json(i), s.get(key(i)), "key " + i + " after compaction");
      }
    }
  }

  /** Values that do not compress are stored raw block by block, and read back. */
  @Test
  void incompressibleBlocksAreStoredRaw() throws IOException {
    Random r = new Random(7);
    byte[][] values = new byte[3000][];
    try (Store s = Store.open(root.resolve("random"), options(Compression.LZ4))) {
      for (int i = 0; i < values.length; i++) {
        values[i] = new byte[200];
        r.nextBytes(values[i]);
        s.put(key(i), values[i]);
      }
      s.compact();
      for (int i = 0; i < values.length; i++) {
        assertArrayEquals(values[i], s.get(key(i)));
      }
      StoreStatistics.Compressed st = s.statistics().compression();
      assertTrue(st.ratio() < 1.1, "random bytes are stored raw: " + st);
    }
  }

  /** The block cache holds blocks uncompressed: what it caches is the raw size, not the stored size. */
  @Test
  void theBlockCacheHoldsUncompressedBlocks() throws IOException {
    try (Store s = Store.open(root.resolve("cache"), options(Compression.LZ4).blockCacheBytes(64L << 20))) {
      for (int i = 0; i < 10_000; i++) {
        s.put(key(i), json(i));
      }
      s.compact();
      for (int i = 0; i < 10_000; i++) {
        s.get(key(i));
      }
      StoreStatistics st = s.statistics();
      assertTrue(st.blockCache().usedBytes() > st.compression().storedBlockBytes(), st.toString());
      assertTrue(st.blockCache().usedBytes() >= st.compression().rawBlockBytes() * 9 / 10, st.toString());
    }
  }

  /** A flipped byte inside a compressed block is found by its checksum, never decompressed into a wrong value. */
  @Test
  void damageInACompressedBlockIsFound() throws IOException {
    Path dir = root.resolve("damaged");
    try (Store s = Store.open(dir, options(Compression.LZ4))) {
      for (int i = 0; i < 2000; i++) {
        s.put(key(i), json(i));
      }
      s.compact();
    }
    List<Path> tables;
    try (Stream<Path> files = Files.list(dir)) {
      tables = files.filter(p -> p.toString().endsWith(".sst")).toList();
    }
    byte[] b = Files.readAllBytes(tables.get(0));
    b[100] ^= 0x20;
    Files.write(tables.get(0), b);
    try (Store s = Store.open(dir, options(Compression.LZ4))) {
      CorruptionException e = assertThrows(CorruptionException.class, () -> {
        for (int i = 0; i < 2000; i++) {
          byte[] v = s.get(key(i));
          assertTrue(v == null || java.util.Arrays.equals(json(i), v), "key " + i + " read a wrong value");
        }
      });
      assertEquals(tables.get(0), e.file());
    }
  }
}
