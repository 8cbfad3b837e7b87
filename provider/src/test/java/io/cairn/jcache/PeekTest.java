package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CairnCache#peek}: the live value, read without counting as a use of the entry. */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) gives a raw Cairn type
class PeekTest {
  @TempDir Path dir;
  private CacheManager manager;
  private final AtomicLong clock = new AtomicLong(1_000_000);
  static final AtomicInteger LOADS = new AtomicInteger();

  /** Counts its calls; loads "loaded-" + key. */
  public static final class CountingLoader implements CacheLoader<String, String>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String load(String key) {
      LOADS.incrementAndGet();
      return "loaded-" + key;
    }

    @Override
    public java.util.Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }

  @BeforeEach
  void open() {
    manager = TestManagers.open("peek", dir);
    LOADS.set(0);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void aPeekIsNotAUse() {
    Cache<String, String> c = manager.createCache("p", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setClock(clock::get).setHeapEntries(2).setStatisticsEnabled(true)
        .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.SECONDS, 10)))
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(new CountingLoader())).setReadThrough(true));
    CairnCache<String, String> cc = c.unwrap(CairnCache.class);
    for (int i = 0; i < 20; i++) {
      c.put("k" + i, "v" + i);
    }
    long evictions = cc.tiers().heap().evictions();
    long expiry = cc.getExpiry("k0");
    clock.addAndGet(5_000);
    for (int i = 0; i < 20; i++) {
      assertEquals("v" + i, cc.peek("k" + i), "k" + i + ", on the heap or on disk");
    }
    assertNull(cc.peek("missing"), "no read-through");
    assertEquals(0, LOADS.get());
    assertEquals(evictions, cc.tiers().heap().evictions(), "nothing was promoted from disk, so nothing evicted");
    assertEquals(expiry, cc.getExpiry("k0"), "the access rule did not renew the expiry");
    Statistics stats = c.unwrap(TieredCache.class).unwrapStatistics();
    assertEquals(0, stats.getCacheGets(), "no get counted");

    clock.addAndGet(6_000);
    assertNull(cc.peek("k5"), "an expired entry is not live");
    assertEquals("loaded-k5", c.get("k5"), "a get still reads through");
    assertTrue(cc.tiers().heap().evictions() > evictions, "and a get of a disk entry promotes it");
  }
}
