package io.cairn.engine.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlockCacheTest {
  @Test
  void hitsDoNotReload() throws IOException {
    BlockCache<byte[]> c = new BlockCache<>(1 << 20, 4, b -> b.length);
    AtomicInteger loads = new AtomicInteger();
    byte[] first = c.get(1, 0, () -> {
      loads.incrementAndGet();
      return new byte[100];
    });
    byte[] again = c.get(1, 0, () -> {
      loads.incrementAndGet();
      return new byte[100];
    });
    assertSame(first, again);
    assertEquals(1, loads.get());
    assertEquals(1, c.hits());
    assertEquals(1, c.misses());
  }

  @Test
  void staysWithinItsByteBudget() throws IOException {
    BlockCache<byte[]> c = new BlockCache<>(64 * 1024, 4, b -> b.length);
    for (int i = 0; i < 10_000; i++) {
      c.get(i % 7, i, () -> new byte[1000]);
      assertTrue(c.usedBytes() <= 64 * 1024, "used " + c.usedBytes());
    }
  }

  @Test
  void clockKeepsReferencedBlocks() throws IOException {
    BlockCache<byte[]> c = new BlockCache<>(16 * 1000, 1, b -> b.length);
    AtomicInteger hotLoads = new AtomicInteger();
    for (int i = 0; i < 2000; i++) {
      c.get(0, 0, () -> {
        hotLoads.incrementAndGet();
        return new byte[1000];
      });
      long cold = 1 + i;
      c.get(1, cold, () -> new byte[1000]);
    }
    assertTrue(hotLoads.get() < 50, "a block read between every insert should stay cached, loaded "
        + hotLoads.get() + " times");
  }

  @Test
  void evictTableDropsItsBlocks() throws IOException {
    BlockCache<byte[]> c = new BlockCache<>(1 << 20, 4, b -> b.length);
    for (int i = 0; i < 10; i++) {
      c.get(5, i * 100, () -> new byte[10]);
      c.get(6, i * 100, () -> new byte[10]);
    }
    c.evictTable(5);
    assertEquals(100, c.usedBytes());
    AtomicInteger loads = new AtomicInteger();
    c.get(5, 0, () -> {
      loads.incrementAndGet();
      return new byte[10];
    });
    assertEquals(1, loads.get());
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BlockCache<byte[]>(-1, 4, b -> b.length));
    assertThrows(IllegalArgumentException.class, () -> new BlockCache<byte[]>(100, 3, b -> b.length));
  }
}
