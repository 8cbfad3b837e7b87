package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loss listeners hear of every key the cache drops by itself, and of no key it still holds. Open range bounds. */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class LossListenerTest {
  @TempDir Path dir;
  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = TestManagers.open("loss", dir);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void aHeapOnlyCacheReportsEachKeyItEvicts() {
    Cache<Integer, String> c = manager.createCache("heap-only", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setDiskBytes(0));
    Set<Integer> lost = ConcurrentHashMap.newKeySet();
    c.unwrap(CairnCache.class).addLossListener(k -> lost.add((Integer) k));
    for (int i = 0; i < 100; i++) {
      c.put(i, "v" + i);
    }
    c.unwrap(TieredCache.class).heapSize();
    assertEquals(90, lost.size(), "every key past the heap's 10 is reported: " + lost);
    for (int i = 0; i < 100; i++) {
      assertEquals(!lost.contains(i), c.containsKey(i), "key " + i);
    }
  }

  @Test
  void keysTheDiskBudgetDropsAreReportedAndNoOthers() {
    Cache<Integer, String> c = manager.createCache("budget", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setDiskBytes(1L << 20)
        .setMemtableBytes(64 * 1024));
    Set<Integer> lost = ConcurrentHashMap.newKeySet();
    c.unwrap(CairnCache.class).addLossListener(k -> lost.add((Integer) k));
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 20_000; i++) {
      c.put(i, randomText(r, 500));
    }
    c.unwrap(CairnCache.class).flush();
    assertFalse(lost.isEmpty(), "a 10 MB write (6 MB compressed) into a 1 MB budget dropped entries");
    for (int i = 0; i < 20_000; i++) {
      assertEquals(!lost.contains(i), c.containsKey(i), "key " + i + " is reported lost exactly when it is gone");
    }
  }

  /** Text that does not compress: random letters. */
  private static String randomText(java.util.Random r, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + r.nextInt(26)));
    }
    return sb.toString();
  }

  @Test
  void aRangeWithOpenBoundsRunsFromTheFirstKeyOrToTheLast() {
    Cache<Integer, String> c = manager.createCache("open-range", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(5));
    for (int i = -10; i < 10; i++) {
      c.put(i, "v" + i);
    }
    CairnCache<Integer, String> cc = c.unwrap(CairnCache.class);
    List<Integer> all = new ArrayList<>();
    cc.range(null, null).forEach(e -> all.add(e.getKey()));
    List<Integer> expected = new ArrayList<>();
    for (int i = -10; i < 10; i++) {
      expected.add(i);
    }
    assertEquals(expected, all);
    List<Integer> tail = new ArrayList<>();
    cc.range(7, null).forEach(e -> tail.add(e.getKey()));
    assertEquals(List.of(7, 8, 9), tail);
    List<Integer> head = new ArrayList<>();
    cc.range(null, -8).forEach(e -> head.add(e.getKey()));
    assertEquals(List.of(-10, -9), head);
    assertFalse(cc.range(3, 3).iterator().hasNext(), "an empty range");
  }
}
