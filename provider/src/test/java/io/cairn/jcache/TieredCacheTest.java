package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.StoreStatistics;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class TieredCacheTest {
  @TempDir Path dir;
  private CachingProvider provider;
  private CacheManager manager;

  @BeforeEach
  void open() {
    provider = Caching.getCachingProvider(CairnCachingProvider.class.getName());
    Properties p = new Properties();
    p.setProperty("directory", dir.resolve("data").toString());
    manager = provider.getCacheManager(URI.create("urn:cairn:test-" + System.nanoTime()), getClass().getClassLoader(),
        p);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** A mutable value, to see store-by-value copying. */
  static final class Box implements Serializable {
    private static final long serialVersionUID = 1L;
    int n;

    Box(int n) {
      this.n = n;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Box b && b.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }

  @Test
  void providerIsFoundThroughServiceLoader() {
    assertTrue(Caching.getCachingProvider() instanceof CairnCachingProvider);
  }

  @Test
  void storeByValueCopiesInAndOut() {
    Cache<String, Box> c = manager.createCache("byValue", new MutableConfiguration<String, Box>());
    Box b = new Box(1);
    c.put("k", b);
    b.n = 99;
    assertEquals(1, c.get("k").n, "a value changed after put does not change the cache");
    Box out = c.get("k");
    out.n = 42;
    assertEquals(1, c.get("k").n, "a returned value is a copy");
    assertNotSame(c.get("k"), c.get("k"));
  }

  @Test
  void storeByReferenceKeepsTheObject() {
    Cache<String, Box> c = manager.createCache("byRef", new MutableConfiguration<String, Box>()
        .setStoreByValue(false));
    Box b = new Box(1);
    c.put("k", b);
    assertTrue(c.get("k") == b);
  }

  @Test
  void datasetTenTimesTheHeapTierIsServedFromDisk() {
    int heap = 1000;
    int n = heap * 10;
    CairnConfiguration<Integer, String> conf = new CairnConfiguration<Integer, String>().setHeapEntries(heap);
    conf.setTypes(Integer.class, String.class).setStatisticsEnabled(true);
    Cache<Integer, String> c = manager.createCache("big", conf);
    for (int i = 0; i < n; i++) {
      c.put(i, "value-" + i + "-" + "x".repeat(i % 100));
    }
    TieredCache<?, ?> tiered = c.unwrap(TieredCache.class);
    assertTrue(tiered.heapSize() <= heap, "heap tier holds at most " + heap + ", holds " + tiered.heapSize());
    for (int i = 0; i < n; i++) {
      assertEquals("value-" + i + "-" + "x".repeat(i % 100), c.get(i), "key " + i);
    }
    assertTrue(tiered.heapSize() <= heap);
    Statistics st = c.unwrap(TieredCache.class).unwrapStatistics();
    assertEquals(n, st.getCachePuts());
    assertEquals(n, st.getCacheHits(), "every read hits, from the heap or the disk");
    assertEquals(0, st.getCacheMisses());
    assertEquals(0, st.getCacheEvictions(), "nothing is lost: evicted entries live on disk");
    StoreStatistics engine = c.unwrap(CairnCache.class).engineStatistics();
    assertTrue(engine.writes().userBytes() > 0, engine.toString());
    int count = 0;
    for (Cache.Entry<Integer, String> e : c) {
      assertEquals("value-" + e.getKey() + "-" + "x".repeat(e.getKey() % 100), e.getValue());
      count++;
    }
    assertEquals(n, count, "iteration covers both tiers, each key once");
    c.remove(5);
    assertNull(c.get(5));
    assertFalse(c.containsKey(5));
    c.clear();
    assertNull(c.get(7000));
    assertFalse(c.iterator().hasNext());
  }

  @Test
  void diskBudgetDropsOldestDataAndCountsEvictions() {
    CairnConfiguration<Integer, byte[]> conf = new CairnConfiguration<Integer, byte[]>().setHeapEntries(100)
        .setDiskBytes(2L << 20).setMemtableBytes(256 * 1024);
    conf.setTypes(Integer.class, byte[].class).setStatisticsEnabled(true);
    Cache<Integer, byte[]> c = manager.createCache("budget", conf);
    int n = 20_000;
    java.util.Random r = new java.util.Random(42);
    for (int i = 0; i < n; i++) {
      byte[] v = new byte[1000];
      r.nextBytes(v);
      c.put(i, v);
    }
    c.unwrap(CairnCache.class).flush();
    StoreStatistics st = c.unwrap(CairnCache.class).engineStatistics();
    assertTrue(st.tables().bytes() <= (2L << 20) + (1L << 20), "disk tier within its budget (plus a table): " + st);
    long present = 0;
    for (int i = 0; i < n; i++) {
      if (c.get(i) != null) {
        present++;
      }
    }
    assertTrue(present < n && present > 1000, "oldest entries dropped, newest kept: " + present);
    assertTrue(c.unwrap(TieredCache.class).unwrapStatistics().getCacheEvictions() > 0);
    assertNotNull(c.get(n - 1), "the newest entry survives");
  }

  /** The caches' clock: tests move it instead of sleeping until entries expire. */
  private final java.util.concurrent.atomic.AtomicLong clock =
      new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());

  @Test
  void expiredEventsFireWithoutTouchingTheKey() throws Exception {
    List<CacheEntryEvent<?, ?>> expired = new CopyOnWriteArrayList<>();
    ExpiredCollector.sink = expired;
    CairnConfiguration<String, String> conf = new CairnConfiguration<String, String>().setClock(clock::get)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 5)))
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(ExpiredCollector.class), null, true, true));
    Cache<String, String> c = manager.createCache("ttl", conf);
    c.put("a", "1");
    c.put("b", "2");
    clock.addAndGet(TimeUnit.MINUTES.toMillis(5));
    // The timer (four ticks a second) finds them: nobody reads them.
    long deadline = System.currentTimeMillis() + 5000;
    while (expired.size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(2, expired.size(), "both entries expire by the timer, with nobody reading them");
    Set<Object> keys = new HashSet<>();
    for (CacheEntryEvent<?, ?> e : expired) {
      keys.add(e.getKey());
      assertNotNull(e.getOldValue());
    }
    assertEquals(Set.of("a", "b"), keys);
  }

  @Test
  void expiredEventsFireForEntriesOnDisk() throws Exception {
    List<CacheEntryEvent<?, ?>> expired = new CopyOnWriteArrayList<>();
    ExpiredCollector.sink = expired;
    CairnConfiguration<Integer, String> conf = new CairnConfiguration<Integer, String>().setHeapEntries(10)
        .setTypes(Integer.class, String.class).setClock(clock::get)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 5)))
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(ExpiredCollector.class), null, true, true));
    Cache<Integer, String> c = manager.createCache("ttl-disk", conf);
    for (int i = 0; i < 200; i++) {
      c.put(i, "v" + i);
    }
    c.unwrap(TieredCache.class).heapSize();
    clock.addAndGet(TimeUnit.MINUTES.toMillis(5));
    long deadline = System.currentTimeMillis() + 8000;
    while (expired.size() < 200 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(200, expired.size(), "entries spilled to disk expire by the timer too");
    for (int i = 0; i < 200; i++) {
      assertNull(c.get(i));
    }
  }

  /** Collects EXPIRED events into a static sink (listener factories create it by class). */
  public static final class ExpiredCollector implements CacheEntryExpiredListener<Object, Object>, Serializable {
    private static final long serialVersionUID = 1L;
    static volatile List<CacheEntryEvent<?, ?>> sink;

    @Override
    public void onExpired(Iterable<CacheEntryEvent<?, ?>> events) {
      events.forEach(sink::add);
    }
  }

  @Test
  void persistentCacheKeepsDataAndExpiryAcrossReopen() {
    Path cacheDir = dir.resolve("orders");
    long deadline = System.currentTimeMillis() + 3_600_000;
    CairnConfiguration<String, String> conf = new CairnConfiguration<String, String>().setPersistent(true)
        .setDirectory(cacheDir).setHeapEntries(50);
    conf.setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 1)));
    Cache<String, String> c = manager.createCache("orders", conf);
    for (int i = 0; i < 500; i++) {
      c.put("order-" + i, "item " + i);
    }
    c.remove("order-7");
    c.close();
    Cache<String, String> again = manager.createCache("orders", conf);
    for (int i = 0; i < 500; i++) {
      assertEquals(i == 7 ? null : "item " + i, again.get("order-" + i), "order " + i + " after reopen");
    }
    io.cairn.engine.Entry e = again.unwrap(TieredCache.class).diskEntry("order-3");
    assertTrue(e.expireAtMillis() > System.currentTimeMillis() && e.expireAtMillis() <= deadline + 5000,
        "absolute expiry kept: " + e.expireAtMillis());
  }

  @Test
  void nonPersistentCacheStartsEmpty() {
    Cache<String, String> c = manager.createCache("temp", new MutableConfiguration<String, String>());
    c.put("a", "1");
    manager.destroyCache("temp");
    Cache<String, String> again = manager.createCache("temp", new MutableConfiguration<String, String>());
    assertNull(again.get("a"));
  }

  @Test
  void badInputGetsTheSpecsExceptions() {
    MutableConfiguration<String, Integer> conf = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class);
    Cache<String, Integer> c = manager.createCache("typed", conf);
    c.put("keep", 1);
    assertThrows(NullPointerException.class, () -> c.put(null, 1));
    assertThrows(NullPointerException.class, () -> c.put("k", null));
    assertThrows(NullPointerException.class, () -> c.get(null));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Cache<Object, Object> raw = (Cache) c;
    assertThrows(ClassCastException.class, () -> raw.put(42, 1));
    assertThrows(ClassCastException.class, () -> raw.put("k", "not an int"));
    ClassCastException load = assertThrows(ClassCastException.class,
        () -> raw.loadAll(java.util.Set.of("k", 7), false, null));
    assertTrue(load.getMessage().contains("java.lang.Integer") && load.getMessage().contains("typed"),
        load.getMessage());
    assertThrows(ClassCastException.class, () -> manager.getCache("typed", Integer.class, Integer.class));
    assertThrows(CacheException.class, () -> manager.createCache("typed", conf));
    assertEquals(1, c.get("keep"), "the cache still holds what it held");
    c.close();
    assertThrows(IllegalStateException.class, () -> c.get("keep"));
    manager.close();
    assertThrows(IllegalStateException.class, () -> manager.getCache("typed"));
  }

  @Test
  void badDeclarativeConfigurationNamesKeyAndValue() {
    Properties p = new Properties();
    p.setProperty("default.heap-entries", "lots");
    CacheException e = assertThrows(CacheException.class,
        () -> provider.getCacheManager(URI.create("urn:cairn:bad1"), getClass().getClassLoader(), p));
    assertTrue(e.getMessage().contains("heap-entries") && e.getMessage().contains("lots"), e.getMessage());
    Properties q = new Properties();
    q.setProperty("cache.orders.colour", "blue");
    e = assertThrows(CacheException.class,
        () -> provider.getCacheManager(URI.create("urn:cairn:bad2"), getClass().getClassLoader(), q));
    assertTrue(e.getMessage().contains("cache.orders.colour") && e.getMessage().contains("blue"), e.getMessage());
    Properties w = new Properties();
    w.setProperty("default.fifo-merge-width", "1");
    e = assertThrows(CacheException.class,
        () -> provider.getCacheManager(URI.create("urn:cairn:bad3"), getClass().getClassLoader(), w));
    assertTrue(e.getMessage().contains("fifo-merge-width=1") && e.getMessage().contains("0 (no merging)"),
        e.getMessage());
    IllegalArgumentException i = assertThrows(IllegalArgumentException.class,
        () -> new CairnConfiguration<String, String>().setFifoMergeWidth(65));
    assertTrue(i.getMessage().contains("fifoMergeWidth") && i.getMessage().contains("was 65"), i.getMessage());
  }

  /**
   * The FIFO merge width reaches the disk tier: with 0, every flush stays a run of its own; with the default, runs
   * are merged.
   */
  @Test
  void fifoMergeWidthReachesTheDiskTier() {
    for (int width : new int[] {0, 4}) {
      CairnConfiguration<Integer, byte[]> conf = new CairnConfiguration<Integer, byte[]>().setHeapEntries(10)
          .setPersistent(true).setDirectory(dir.resolve("width-" + width)).setMemtableBytes(64 * 1024);
      if (width == 0) {
        conf.setFifoMergeWidth(0);
      }
      conf.setTypes(Integer.class, byte[].class);
      Cache<Integer, byte[]> c = manager.createCache("width-" + width, conf);
      CairnCache<?, ?> engine = c.unwrap(CairnCache.class);
      for (int round = 0; round < 12; round++) {
        for (int i = 0; i < 200; i++) {
          c.put(round * 200 + i, new byte[200]);
        }
        engine.flush();
      }
      for (int i = 0; i < 20; i++) {
        engine.compact();
      }
      int runs = engine.engineStatistics().levels().get(0).runs();
      if (width == 0) {
        assertEquals(12, runs, engine.engineStatistics().toString());
      } else {
        assertTrue(runs < 12, engine.engineStatistics().toString());
      }
    }
  }

  @Test
  void declarativeFileSetsDefaultsAndPerCacheSections() throws Exception {
    Path file = dir.resolve("cairn-test.properties");
    java.nio.file.Files.writeString(file, "directory=" + dir.resolve("files").toString().replace('\\', '/') + "\n"
        + "default.heap-entries=5\n"
        + "default.statistics=true\n"
        + "cache.com.example.Orders.expire-after-write=200ms\n");
    CacheManager m = provider.getCacheManager(file.toUri(), getClass().getClassLoader());
    try {
      Cache<Object, Object> plain = m.createCache("plain", new MutableConfiguration<>());
      for (int i = 0; i < 50; i++) {
        plain.put(i, "v" + i);
      }
      assertTrue(plain.unwrap(TieredCache.class).heapSize() <= 5, "defaults apply to a bare MutableConfiguration");
      assertTrue(plain.getConfiguration(MutableConfiguration.class).isStatisticsEnabled());
      Cache<Object, Object> orders = m.createCache("com.example.Orders",
          new CairnConfiguration<Object, Object>().setClock(clock::get));
      orders.put("x", "y");
      assertEquals("y", orders.get("x"));
      clock.addAndGet(200);
      assertNull(orders.get("x"), "the section's expire-after-write applies to its cache");
    } finally {
      m.close();
    }
  }

  @Test
  void rangeScansNeedAnOrderPreservingCodec() {
    CairnConfiguration<Integer, String> conf = new CairnConfiguration<Integer, String>().setHeapEntries(20);
    conf.setTypes(Integer.class, String.class);
    Cache<Integer, String> c = manager.createCache("ranged", conf);
    for (int i = -50; i < 50; i++) {
      c.put(i, "v" + i);
    }
    List<Integer> keys = new ArrayList<>();
    c.unwrap(CairnCache.class).range(-10, 10).forEach(e -> keys.add((Integer) ((Cache.Entry<?, ?>) e).getKey()));
    List<Integer> want = new ArrayList<>();
    for (int i = -10; i < 10; i++) {
      want.add(i);
    }
    assertEquals(want, keys, "range over both tiers, in key order");
    Cache<Object, Object> untyped = manager.createCache("untyped", new MutableConfiguration<>());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> untyped.unwrap(CairnCache.class).range("a", "b"));
    assertTrue(e.getMessage().contains("tagged"), e.getMessage());
  }

  @Test
  void codecsRoundTripAndPreserveOrder() {
    Map<Codec<?>, List<?>> samples = new HashMap<>();
    samples.put(Codecs.INTEGER, List.of(Integer.MIN_VALUE, -5, -1, 0, 1, 7, Integer.MAX_VALUE));
    samples.put(Codecs.LONG, List.of(Long.MIN_VALUE, -3L, 0L, 9L, Long.MAX_VALUE));
    samples.put(Codecs.DOUBLE, List.of(Double.NEGATIVE_INFINITY, -2.5, -0.0, 0.0, 1e-9, 3.0, Double.MAX_VALUE));
    samples.put(Codecs.FLOAT, List.of(-1f, 0f, 0.5f, 2f));
    samples.put(Codecs.STRING, List.of("", "a", "ab", "b", "é"));
    samples.put(Codecs.SHORT, List.of(Short.MIN_VALUE, (short) -1, (short) 0, Short.MAX_VALUE));
    samples.put(Codecs.UUID_CODEC, List.of(new java.util.UUID(-5, 3), new java.util.UUID(-5, 4),
        new java.util.UUID(0, 0), new java.util.UUID(7, -1)));
    for (Map.Entry<Codec<?>, List<?>> e : samples.entrySet()) {
      @SuppressWarnings("unchecked")
      Codec<Object> codec = (Codec<Object>) e.getKey();
      byte[] prev = null;
      for (Object v : e.getValue()) {
        byte[] b = codec.encode(v);
        assertEquals(v, codec.decode(b), codec.name());
        if (prev != null) {
          assertTrue(java.util.Arrays.compareUnsigned(prev, b) < 0, codec.name() + " order at " + v);
        }
        prev = b;
      }
    }
  }

  @Test
  void serialFilterRefusesClassesItDoesNotAllow() {
    CairnConfiguration<String, Box> conf = new CairnConfiguration<String, Box>()
        .setSerialFilter("java.lang.*;java.util.*;!*").setHeapEntries(0);
    conf.setTypes(String.class, Box.class);
    Cache<String, Box> c = manager.createCache("filtered", conf);
    CacheException e = assertThrows(CacheException.class, () -> c.put("k", new Box(1)),
        "store-by-value copies through deserialization, which the filter refuses");
    assertTrue(e.getMessage().contains("serial-filter"), e.getMessage());
    assertNull(c.get("k"), "nothing was stored");
  }
}
