package io.cairn.engine.sstable;

import static io.cairn.engine.LengthPrefixed.key;
import static io.cairn.engine.LengthPrefixed.prefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.LengthPrefixed;
import io.cairn.engine.PrefixExtractor;
import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.fs.LocalFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables built with a prefix extractor answer "may a key with this prefix be here?" from their filter. */
class PrefixFilterTest {
  @TempDir Path dir;

  static final PrefixExtractor LENGTH_PREFIXED = LengthPrefixed.INSTANCE;

  /** Groups 0, 2, 4, ... of 3 members each, plus keys outside the extractor's domain. */
  private TableProperties build(Path p, int groups, PrefixExtractor extractor) throws IOException {
    java.util.TreeMap<byte[], Integer> keys = new java.util.TreeMap<>(Arrays::compareUnsigned);
    for (int g = 0; g < groups; g += 2) {
      for (int m = 0; m < 3; m++) {
        keys.put(key(g, m), g);
      }
      keys.put(("\u0001plain-" + g).getBytes(), g);
    }
    try (FileSystem.WritableFile f = LocalFileSystem.INSTANCE.create(p)) {
      TableBuilder b = new TableBuilder(f, 1024, 10, IndexLayout.ARRAY, extractor);
      long seq = 1;
      for (byte[] k : keys.keySet()) {
        b.add(InternalKey.encode(k, seq++, InternalKey.TYPE_VALUE), new byte[] {1});
      }
      TableProperties props = b.finish();
      f.sync();
      return props;
    }
  }

  private static long hash(byte[] prefix) {
    return BloomFilter.prefixHash(prefix, 0, prefix.length);
  }

  @Test
  void presentPrefixesAreNeverMissedAndAbsentOnesMostlyAre() throws IOException {
    Path p = dir.resolve("000001.sst");
    int groups = 20_000;
    TableProperties props = build(p, groups, LENGTH_PREFIXED);
    assertEquals(LENGTH_PREFIXED.name(), props.prefixExtractor());
    try (TableReader t = TableTest.open(p)) {
      int falsePositives = 0;
      for (int g = 0; g < groups; g++) {
        boolean may = t.mayContainPrefix(LENGTH_PREFIXED.name(), hash(prefix(g)));
        if (g % 2 == 0) {
          assertTrue(may, "present prefix " + g + " missed");
        } else if (may) {
          falsePositives++;
        }
      }
      // Each key and each distinct prefix took 10 bits: the filter holds 4 hashes per group, 2 per key.
      double rate = falsePositives / (groups / 2.0);
      double expected = BloomFilter.theoreticalFalsePositiveRate(10);
      assertTrue(rate < 3 * expected + 0.002, "false-positive rate " + rate + ", expected about " + expected);
      // Whole keys are still found by the point lookup path, and a prefix is not taken for a whole key.
      byte[] k = key(4, 1);
      assertNotNull(t.get(k, InternalKey.seekKey(k, InternalKey.MAX_SEQUENCE), BloomFilter.hash(k, 0, k.length)));
      byte[] onlyPrefix = prefix(4);
      assertNull(t.get(onlyPrefix, InternalKey.seekKey(onlyPrefix, InternalKey.MAX_SEQUENCE),
          BloomFilter.hash(onlyPrefix, 0, onlyPrefix.length)));
    }
  }

  @Test
  void tablesWithoutThatExtractorNeverSayAbsent() throws IOException {
    Path plain = dir.resolve("000002.sst");
    assertEquals("", build(plain, 200, null).prefixExtractor());
    Path other = dir.resolve("000003.sst");
    PrefixExtractor renamed = new PrefixExtractor() {
      @Override
      public String name() {
        return "test.other";
      }

      @Override
      public int prefixLength(byte[] key, int length) {
        return LENGTH_PREFIXED.prefixLength(key, length);
      }
    };
    build(other, 200, renamed);
    for (Path p : new Path[] {plain, other}) {
      try (TableReader t = TableTest.open(p)) {
        for (int g = 1; g < 200; g += 2) {
          assertTrue(t.mayContainPrefix(LENGTH_PREFIXED.name(), hash(prefix(g))), p + " skipped prefix " + g);
        }
      }
    }
  }

  @Test
  void propertiesKeepTheExtractorNameAndVersionOneStillReads() {
    TableProperties props = new TableProperties(10, 1, 2, 5, 9, 1, 10, 100, 200, 1, new byte[] {1, 2, 0, 0, 0, 0, 0,
        0, 0, 1}, new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 10}, "test.ünïcode", io.cairn.engine.Compression.LZ4, 4000,
        1000);
    byte[] v3 = props.encode();
    TableProperties back = TableProperties.decode(v3);
    assertNotNull(back);
    assertEquals("test.ünïcode", back.prefixExtractor());
    assertArrayEquals(props.largest(), back.largest());
    assertEquals(props.entries(), back.entries());
    assertEquals(io.cairn.engine.Compression.LZ4, back.compression());
    assertEquals(4.0, back.compressionRatio());

    // A version-2 block is the same without the codec and block sizes: it reads as a raw table.
    byte[] v2 = Arrays.copyOf(v3, v3.length - 1 - 2 - 2);
    v2[0] = 2;
    TableProperties raw = TableProperties.decode(v2);
    assertNotNull(raw);
    assertEquals("test.ünïcode", raw.prefixExtractor());
    assertEquals(io.cairn.engine.Compression.NONE, raw.compression());
    assertEquals(1.0, raw.compressionRatio());

    // A version-1 block is the same without the name: such a table reads as having no extractor.
    int nameBytes = "test.ünïcode".getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    byte[] v1 = Arrays.copyOf(v2, v2.length - 1 - nameBytes);
    v1[0] = 1;
    TableProperties old = TableProperties.decode(v1);
    assertNotNull(old);
    assertEquals("", old.prefixExtractor());
    assertArrayEquals(props.largest(), old.largest());

    // A name that runs past the end, or trailing bytes after it, are refused.
    assertNull(TableProperties.decode(Arrays.copyOf(v2, v2.length - 1)));
    assertNull(TableProperties.decode(Arrays.copyOf(v2, v2.length + 1)));
  }

  @Test
  void anExtractorThatOverrunsItsKeyIsReported() throws IOException {
    PrefixExtractor broken = new PrefixExtractor() {
      @Override
      public String name() {
        return "test.broken";
      }

      @Override
      public int prefixLength(byte[] key, int length) {
        return length + 1;
      }
    };
    try (FileSystem.WritableFile f = LocalFileSystem.INSTANCE.create(dir.resolve("x.sst"))) {
      TableBuilder b = new TableBuilder(f, 4096, 10, IndexLayout.ARRAY, broken);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> b.add(InternalKey.encode("k".getBytes(), 1, InternalKey.TYPE_VALUE), new byte[0]));
      assertTrue(e.getMessage().contains("test.broken"), e.getMessage());
    }
  }
}
