package io.cairn.engine.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.LengthPrefixed;
import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.format.InternalKey;
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
}
