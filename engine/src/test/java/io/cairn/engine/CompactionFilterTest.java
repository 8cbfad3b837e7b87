package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A compaction filter drops the keys it rejects as compaction rewrites them, and never brings an older value back. */
class CompactionFilterTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes();
  }

  @Test
  void rejectedKeysAreDroppedAndOlderVersionsStayHidden() {
    AtomicBoolean dropStale = new AtomicBoolean();
    CompactionFilter filter = key -> !(dropStale.get() && key[0] == 's');
    Options o = Options.defaults().memtableBytes(32 * 1024).targetFileBytes(32 * 1024).blockBytes(1024)
        .compactionFilter(filter);
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < 2000; i++) {
        s.put(b(String.format("stale-%05d", i)), b("old"));
        s.put(b(String.format("keep-%05d", i)), b("v" + i));
      }
      s.compact();
      assertEquals(0, s.statistics().compact().filteredEntries());
      // Newer versions land above the old ones; then the filter turns on and a compaction meets both.
      for (int i = 0; i < 2000; i += 2) {
        s.put(b(String.format("stale-%05d", i)), b("new"));
      }
      s.flush();
      dropStale.set(true);
      s.compact();
      for (int i = 0; i < 2000; i++) {
        assertNull(s.get(b(String.format("stale-%05d", i))), "stale-" + i + " came back");
        assertEquals("v" + i, new String(s.get(b(String.format("keep-%05d", i)))));
      }
      StoreStatistics st = s.statistics();
      assertTrue(st.compact().filteredEntries() >= 2000, st.toString());
      int left = 0;
      try (Cursor c = s.scan(b("s"), b("t"))) {
        while (c.hasNext()) {
          c.next();
          left++;
        }
      }
      assertEquals(0, left);
    }
  }
}
