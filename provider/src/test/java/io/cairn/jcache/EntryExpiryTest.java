package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-entry expiry through {@link CairnCache} and {@link CairnMutableEntry}, on a clock the test moves. */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class EntryExpiryTest {
  @TempDir Path dir;
  private CacheManager manager;
  private final AtomicLong clock = new AtomicLong(1_000_000);

  @BeforeEach
  void open() {
    manager = TestManagers.open("expiry", dir);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private Cache<String, String> cache(String name, long heapEntries, boolean persistent) {
    return manager.createCache(name, new CairnConfiguration<String, String>().setTypes(String.class, String.class)
        .setClock(clock::get).setHeapEntries(heapEntries).setPersistent(persistent));
  }

  @Test
  void anEntryExpiresAtItsOwnTimeOnBothTiers() {
    Cache<String, String> c = cache("own", 2, false);
    CairnCache<String, String> cc = c.unwrap(CairnCache.class);
    assertEquals(clock.get(), cc.currentTimeMillis());
    for (int i = 0; i < 20; i++) {
      cc.put("k" + i, "v" + i, clock.get() + 1000 + i * 100);
    }
    cc.put("forever", "x", CairnCache.ETERNAL);
    for (int i = 0; i < 20; i++) {
      assertEquals(clock.get() + 1000 + i * 100, cc.getExpiry("k" + i), "k" + i);
    }
    assertEquals(CairnCache.ETERNAL, cc.getExpiry("forever"));
    assertEquals(CairnCache.NO_ENTRY, cc.getExpiry("absent"));
    assertEquals(21, cc.size());
    clock.addAndGet(1000 + 9 * 100);
    for (int i = 0; i < 20; i++) {
      assertEquals(i <= 9 ? null : "v" + i, c.get("k" + i), "k" + i);
    }
    assertEquals("x", c.get("forever"));
    assertEquals(11, cc.size());
  }

  @Test
  void setExpiryChangesOnlyTheExpiryAndADueOneExpiresTheEntry() {
    Cache<String, String> c = cache("set", 100, true);
    CairnCache<String, String> cc = c.unwrap(CairnCache.class);
    List<EventType> events = new CopyOnWriteArrayList<>();
    c.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<String, String>(
        FactoryBuilder.factoryOf(new Recorder(events)), null, false, true));
    c.put("a", "1");
    assertEquals(CairnCache.ETERNAL, cc.getExpiry("a"));
    assertTrue(cc.setExpiry("a", clock.get() + 500));
    assertEquals(clock.get() + 500, cc.getExpiry("a"));
    assertFalse(cc.setExpiry("b", clock.get() + 500));
    assertEquals(CairnCache.NO_ENTRY, cc.getExpiry("b"));
    assertEquals("1", c.get("a"));
    assertTrue(cc.setExpiry("a", CairnCache.ETERNAL));
    assertEquals(CairnCache.ETERNAL, cc.getExpiry("a"));
    assertTrue(cc.setExpiry("a", clock.get()));
    assertNull(c.get("a"));
    assertEquals(List.of(EventType.EXPIRED), events);
    assertThrows(IllegalArgumentException.class, () -> cc.setExpiry("a", -5));
  }

  @Test
  void aPersistentCacheKeepsEachEntrysExpiryAcrossARestart() {
    Cache<String, String> c = cache("restart", 1, true);
    CairnCache<String, String> cc = c.unwrap(CairnCache.class);
    cc.put("a", "1", clock.get() + 10_000);
    cc.put("b", "2", clock.get() + 20_000);
    c.close();
    Cache<String, String> again = cache("restart", 1, true);
    CairnCache<String, String> ca = again.unwrap(CairnCache.class);
    assertEquals(clock.get() + 10_000, ca.getExpiry("a"));
    assertEquals(clock.get() + 20_000, ca.getExpiry("b"));
    clock.addAndGet(15_000);
    assertNull(again.get("a"));
    assertEquals("2", again.get("b"));
  }

  @Test
  void aPutWithAnExpiryOverridesThePolicyAndAPlainPutAppliesItAgain() {
    Cache<String, String> c = manager.createCache("policy", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setClock(clock::get)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.SECONDS, 10))));
    CairnCache<String, String> cc = c.unwrap(CairnCache.class);
    cc.put("a", "1", CairnCache.ETERNAL);
    assertEquals(CairnCache.ETERNAL, cc.getExpiry("a"));
    c.put("b", "2");
    assertEquals(clock.get() + 10_000, cc.getExpiry("b"));
    cc.put("b", "3", clock.get() - 1);
    assertNull(c.get("b"));
  }

  @Test
  void anEntryProcessorReadsAndSetsExpiry() {
    Cache<String, String> c = cache("proc", 100, false);
    CairnCache<String, String> cc = c.unwrap(CairnCache.class);
    long at = clock.get() + 3000;
    long seen = c.invoke("a", (e, args) -> {
      CairnMutableEntry<String, String> ce = e.unwrap(CairnMutableEntry.class);
      long before = ce.getExpiry();
      ce.setValue("1");
      ce.setExpiry((Long) args[0]);
      return before;
    }, at);
    assertEquals(CairnCache.NO_ENTRY, seen);
    assertEquals(at, cc.getExpiry("a"));
    // Expiry alone: the value stays.
    long now = c.invoke("a", (e, args) -> {
      CairnMutableEntry<String, String> ce = e.unwrap(CairnMutableEntry.class);
      long before = ce.getExpiry();
      ce.setExpiry(CairnCache.ETERNAL);
      return before;
    });
    assertEquals(at, now);
    assertEquals("1", c.get("a"));
    assertEquals(CairnCache.ETERNAL, cc.getExpiry("a"));
    assertThrows(javax.cache.processor.EntryProcessorException.class, () -> c.invoke("none", (e, args) -> {
      e.unwrap(CairnMutableEntry.class).setExpiry(5);
      return null;
    }));
  }

  @Test
  void theTimerFindsEntriesDueByTheMovedClock() throws Exception {
    Cache<String, String> c = cache("timer", 10, false);
    CairnCache<String, String> cc = c.unwrap(CairnCache.class);
    List<EventType> events = new CopyOnWriteArrayList<>();
    c.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<String, String>(
        FactoryBuilder.factoryOf(new Recorder(events)), null, false, true));
    for (int i = 0; i < 30; i++) {
      cc.put("k" + i, "v", clock.get() + 100);
    }
    TieredCache<?, ?> tc = (TieredCache<?, ?>) c;
    assertEquals(10, tc.heapSize());
    clock.addAndGet(101);
    tc.expireDue();
    assertEquals(30, events.size());
    assertEquals(0, cc.size());
  }

  static final class Recorder implements CacheEntryExpiredListener<String, String>, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient List<EventType> events;

    Recorder(List<EventType> events) {
      this.events = events;
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
      for (CacheEntryEvent<?, ?> e : es) {
        events.add(e.getEventType());
      }
    }
  }
}
