package io.cairn.jcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.TestManagers;
import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CairnMetrics through a SimpleMeterRegistry: the meters move as real caches with a small heap spill to disk. */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class CairnMetricsTest {
  @TempDir Path dir;
  private CacheManager manager;
  private SimpleMeterRegistry registry;
  private final AtomicLong clock = new AtomicLong(1_000_000);

  @BeforeEach
  void open() {
    manager = TestManagers.open("metrics", dir);
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void close() {
    manager.close();
    registry.close();
  }

  private double gauge(String name, String cache, String... tags) {
    Gauge g = registry.find(name).tags(Tags.of(tags).and("cache", cache)).gauge();
    assertTrue(g != null, "no gauge " + name + " for " + cache + " among " + registry.getMetersAsString());
    return g.value();
  }

  private double counter(String name, String cache, String... tags) {
    FunctionCounter c = registry.find(name).tags(Tags.of(tags).and("cache", cache)).functionCounter();
    assertTrue(c != null, "no counter " + name + " for " + cache + " among " + registry.getMetersAsString());
    return c.count();
  }

  @Test
  void heapDiskAndEngineMetersMoveAsTheCacheWorks() {
    Cache<Integer, String> c = manager.createCache("spilling", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setMemtableBytes(64 * 1024));
    new CairnMetrics(manager, Tags.of("app", "test")).statisticsMaxAge(Duration.ZERO).bindTo(registry);
    assertEquals(0, gauge("cairn.entries", "spilling", "tier", "heap"));
    assertEquals(0, gauge("cairn.bytes", "spilling", "tier", "disk"), "the disk tier has not opened yet");
    assertEquals(1, registry.find("cairn.entries").tag("app", "test").tag("tier", "heap").gauges().size());

    for (int i = 0; i < 2_000; i++) {
      c.put(2 * i, "value " + i + " ".repeat(100));
    }
    assertEquals(10, gauge("cairn.entries", "spilling", "tier", "heap"));
    assertEquals(1_990, counter("cairn.evictions", "spilling", "tier", "heap"));
    assertEquals(1_990, counter("cairn.spills", "spilling", "tier", "heap"));
    for (int i = 0; i < 100; i++) {
      c.get(2 * i);
    }
    c.get(-1);
    assertEquals(100, counter("cairn.reads", "spilling", "tier", "disk", "result", "hit"));
    assertEquals(1, counter("cairn.reads", "spilling", "tier", "disk", "result", "miss"));

    c.unwrap(CairnCache.class).flush();
    assertTrue(gauge("cairn.bytes", "spilling", "tier", "disk") > 0);
    assertEquals(2_000, gauge("cairn.entries", "spilling", "tier", "disk"), "each key written to disk once");
    assertTrue(counter("cairn.engine.flushes", "spilling", "tier", "disk") >= 1);
    assertTrue(gauge("cairn.engine.live.files", "spilling", "tier", "disk") >= 1);
    assertTrue(gauge("cairn.engine.write.amplification", "spilling", "tier", "disk") > 0);
    assertTrue(gauge("cairn.engine.space.amplification", "spilling", "tier", "disk") >= 1);
    double ratio = gauge("cairn.engine.block.cache.hit.ratio", "spilling", "tier", "disk");
    assertTrue(ratio >= 0 && ratio <= 1, "a ratio: " + ratio);
    assertEquals(0, counter("cairn.engine.background.errors", "spilling", "tier", "disk"));
    assertEquals(0, counter("cairn.fifo.drops", "spilling", "tier", "disk"));

    // Odd keys were never written: the bloom filters of the tables whose key range holds them say so.
    double useful = counter("cairn.engine.bloom.useful", "spilling", "tier", "disk");
    for (int i = 1; i < 200; i += 2) {
      assertNull(c.get(i));
    }
    assertTrue(counter("cairn.engine.bloom.useful", "spilling", "tier", "disk") > useful,
        "the flushed tables' bloom filters answered for absent keys");

    double spills = counter("cairn.spills", "spilling", "tier", "heap");
    assertEquals(2_000, spills, "the ten dirty heap entries spilled too as the keys read back took their places");
    c.close();
    assertTrue(Double.isNaN(gauge("cairn.entries", "spilling", "tier", "heap")), "a closed cache's gauges are NaN");
    assertEquals(spills, counter("cairn.spills", "spilling", "tier", "heap"), "its counters keep their last value");
  }

  @Test
  void cachesCreatedAfterBindingGetMetersAndTheTimerCountsExpiries() throws Exception {
    new CairnMetrics(manager).statisticsMaxAge(Duration.ZERO).bindTo(registry);
    Cache<String, String> c = manager.createCache("later", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setHeapEntries(5).setClock(clock::get));
    CairnCache<String, String> cc = c.unwrap(CairnCache.class);
    for (int i = 0; i < 20; i++) {
      cc.put("k" + i, "v", clock.get() + 100);
    }
    assertEquals(5, gauge("cairn.entries", "later", "tier", "heap"));
    assertEquals(0, counter("cairn.timer.expiries", "later"));
    clock.addAndGet(101);
    // The timer runs four times a second; wait for it to have removed all twenty (no time is asserted).
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (counter("cairn.timer.expiries", "later") < 20 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(20, counter("cairn.timer.expiries", "later"), "every entry, on both tiers");
    assertEquals(0, cc.size());
  }

  @Test
  void aFifoBudgetsDropsAreCounted() throws InterruptedException {
    Cache<Integer, String> c = manager.createCache("budget", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setDiskBytes(1L << 20)
        .setMemtableBytes(64 * 1024));
    new CairnMetrics(manager).statisticsMaxAge(Duration.ZERO).bindTo(registry);
    java.util.Random r = new java.util.Random(11);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder(500);
      for (int j = 0; j < 500; j++) {
        sb.append((char) ('a' + r.nextInt(26)));
      }
      c.put(i, sb.toString());
    }
    c.unwrap(CairnCache.class).flush();
    // What a drop lost is counted once it is settled, off the dropping thread: wait for it (no time is asserted).
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (counter("cairn.fifo.drops", "budget", "tier", "disk") == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(counter("cairn.fifo.drops", "budget", "tier", "disk") > 0);
    assertTrue(counter("cairn.engine.compactions", "budget", "tier", "disk") > 0);
  }

  /**
   * Reads of keys a table's key range holds but its filter does not: about one in a hundred at ten bits per key gets
   * past the filter and reads a block for nothing (a false positive); reads of keys that are there hit the blocks the
   * block cache keeps.
   */
  @Test
  void bloomFalsePositivesAndBlockCacheHitsAreCounted() {
    Cache<Integer, String> c = manager.createCache("filters", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setHeapEntries(10).setMemtableBytes(1 << 20));
    new CairnMetrics(manager).statisticsMaxAge(Duration.ZERO).bindTo(registry);
    for (int i = 0; i < 20_000; i += 2) {
      c.put(i, "v" + i);
    }
    c.unwrap(CairnCache.class).flush();
    assertEquals(0, counter("cairn.engine.bloom.false.positives", "filters", "tier", "disk"));
    for (int i = 1; i < 20_000; i += 2) {
      assertNull(c.get(i));
    }
    for (int i = 0; i < 2_000; i += 2) {
      assertEquals("v" + i, c.get(i));
    }
    double falsePositives = counter("cairn.engine.bloom.false.positives", "filters", "tier", "disk");
    assertTrue(falsePositives > 0 && falsePositives < 1_000, "about 1% of 10,000 absent keys: " + falsePositives);
    assertTrue(counter("cairn.engine.bloom.useful", "filters", "tier", "disk") > 9_000);
    assertTrue(gauge("cairn.engine.block.cache.hit.ratio", "filters", "tier", "disk") > 0.5,
        "a thousand reads of keys side by side in a few blocks mostly hit the block cache");
  }

  /**
   * Writers faster than the flushes behind them: memtables of 64 KiB filled by 16 KiB entries, four writers. The
   * writes wait for the flushes (or are slowed while level 0 holds many runs): the stall meters count it.
   */
  @Test
  void writesThatOutrunTheFlushesAreCountedAsStalls() throws Exception {
    Cache<Integer, byte[]> c = manager.createCache("stalls", new CairnConfiguration<Integer, byte[]>()
        .setTypes(Integer.class, byte[].class).setHeapEntries(10).setMemtableBytes(64 * 1024).setDiskBytes(1L << 30));
    new CairnMetrics(manager).statisticsMaxAge(Duration.ZERO).bindTo(registry);
    Thread[] writers = new Thread[4];
    for (int t = 0; t < writers.length; t++) {
      int base = t * 1_000_000;
      writers[t] = new Thread(() -> {
        byte[] v = new byte[16 * 1024];
        for (int i = 0; i < 1_000; i++) {
          v[i % v.length]++;
          c.put(base + i, v.clone());
        }
      });
      writers[t].start();
    }
    for (Thread w : writers) {
      w.join();
    }
    // A writer that waits for a flush begins and ends a stall (counted once it ended); one slowed is stall time.
    assertTrue(counter("cairn.engine.stall.time", "stalls", "tier", "disk") > 0, "writes waited");
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (counter("cairn.engine.stalls", "stalls", "tier", "disk") == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(counter("cairn.engine.stalls", "stalls", "tier", "disk") > 0, "writes waited for flushes");
  }

  @Test
  void aHeapOnlyCacheHasNoDiskMeters() {
    manager.createCache("heap-only", new CairnConfiguration<Integer, String>().setTypes(Integer.class, String.class)
        .setDiskBytes(0));
    new CairnMetrics(manager).bindTo(registry);
    assertEquals(0, gauge("cairn.entries", "heap-only", "tier", "heap"));
    assertNull(registry.find("cairn.bytes").tag("cache", "heap-only").gauge());
  }
}
