package io.cairn.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.CairnCachingProvider;
import io.cairn.jcache.CairnConfiguration;
import io.lettuce.core.KillArgs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.Test;

/**
 * Remote caches over one real redis-server, as two processes see them: two providers (each with its own managers and
 * connections) stand for two JVMs. Every known hole of a near cache is forced deterministically: a FLUSHALL from
 * another client, Cairn's connection killed followed by another client's write, and a read racing an invalidation
 * (the reply held with a test hook until the write and its invalidation have happened).
 */
class RemoteCacheIT extends TwoProcesses {
  private static final URI MANAGER = URI.create("urn:cairn:remote-test");

  @Override
  URI manager() {
    return MANAGER;
  }

  private static CairnConfiguration<String, String> strings() {
    return new CairnConfiguration<String, String>().setTypes(String.class, String.class);
  }

  /** The Redis key of cache {@code cache}'s key {@code k}, as another client names it. */
  private static byte[] redisKey(String cache, String k) {
    return redisKey(MANAGER, cache, k);
  }

  /** The Redis key of key {@code k} of cache {@code cache} of the manager named {@code manager}. */
  static byte[] redisKey(URI manager, String cache, String k) {
    return ("cairn:" + RedisTier.escape(manager.toString()) + ":" + RedisTier.escape(cache) + ":" + k)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A Cairn-format value written by another client, as a process that is not this test's would. */
  private static void otherWrites(String cache, String k, String v) {
    otherConn.sync().set(redisKey(cache, k),
        ValueHeader.wrap(0x5eed, Long.MAX_VALUE, v.getBytes(StandardCharsets.UTF_8)));
  }

  /** Polls {@code read} until it returns {@code want} (near copies are dropped asynchronously); the last value. */
  private static String eventually(java.util.function.Supplier<String> read, String want) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String got = null;
    while (System.nanoTime() < deadline) {
      try {
        got = read.get();
        if (java.util.Objects.equals(got, want)) {
          return got;
        }
      } catch (CacheException reconnecting) {
        got = "failed: " + reconnecting.getMessage();
      }
      Thread.sleep(20);
    }
    return got;
  }

  @Test
  void aWriteInOneProcessIsReadInTheOtherAndItsNearCopyFollows() throws Exception {
    Cache<String, String> ca = a.createCache("c", strings());
    Cache<String, String> cb = b.createCache("c", strings());
    ca.put("k", "v1");
    assertEquals("v1", cb.get("k"), "read-through to Redis in B");
    assertEquals("v1", cb.get("k"), "then a near-cache hit in B");
    ca.put("k", "v2");
    assertEquals("v2", ca.get("k"), "read-your-writes in A");
    assertEquals("v2", eventually(() -> cb.get("k"), "v2"), "B's near copy dropped by the invalidation");
    ca.remove("k");
    assertNull(eventually(() -> cb.get("k"), null));
    assertTrue(cb.putIfAbsent("k", "b"));
    assertEquals("b", ca.get("k"));
  }

  @Test
  void conditionalOperationsAreAtomicAcrossProcesses() throws Exception {
    Cache<String, Integer> ca = a.createCache("n", new CairnConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    Cache<String, Integer> cb = b.createCache("n", new CairnConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    EntryProcessor<String, Integer, Void> increment = (e, args) -> {
      e.setValue(e.exists() ? e.getValue() + 1 : 1);
      return null;
    };
    AtomicInteger firsts = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    int perThread = 200;
    for (Cache<String, Integer> c : List.of(ca, cb, ca, cb)) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          c.invoke("counter", increment);
          if (c.putIfAbsent("once-" + (i % 20), 1)) {
            firsts.incrementAndGet();
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(4 * perThread, ca.get("counter"), "no increment lost between processes");
    assertEquals(4 * perThread, eventually(() -> String.valueOf(cb.get("counter")), "" + 4 * perThread) == null
        ? null : Integer.valueOf(String.valueOf(cb.get("counter"))));
    assertEquals(20, firsts.get(), "each putIfAbsent key won by exactly one caller");
    assertTrue(ca.replace("counter", 4 * perThread, -1));
    assertTrue(!cb.replace("counter", 4 * perThread, -2), "B's replace sees A's, not its near copy");
    assertEquals(-1, cb.get("counter"));
  }

  /**
   * The rest of JCache's conditional operations, raced by four threads of two processes: a counter raised only by
   * compare-and-set replace(k, old, new); getAndPut and getAndReplace chains, in which every value written is handed
   * back exactly once (by the next writer, or as the final value); and tickets claimed by getAndRemove and
   * remove(k, v), each exactly once.
   */
  @Test
  void everyConditionalOperationIsAtomicAcrossProcesses() throws Exception {
    Cache<String, Integer> ca = a.createCache("cas", new CairnConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    Cache<String, Integer> cb = b.createCache("cas", new CairnConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    int perThread = 150;
    int tickets = 200;
    ca.put("cas", 0);
    ca.put("gp", -1);
    ca.put("gr", -1);
    for (int t = 0; t < tickets; t++) {
      ca.put("ticket-" + t, t);
    }
    List<Integer> handedBackByPut = new CopyOnWriteArrayList<>();
    List<Integer> handedBackByReplace = new CopyOnWriteArrayList<>();
    AtomicInteger[] claims = new AtomicInteger[tickets];
    for (int t = 0; t < tickets; t++) {
      claims[t] = new AtomicInteger();
    }
    List<Thread> threads = new ArrayList<>();
    List<Cache<String, Integer>> sides = List.of(ca, cb, ca, cb);
    for (int id = 0; id < sides.size(); id++) {
      Cache<String, Integer> c = sides.get(id);
      int me = id;
      threads.add(new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          while (true) {
            Integer v = c.get("cas");
            if (c.replace("cas", v, v + 1)) {
              break;
            }
          }
          int mine = me * perThread + i;
          handedBackByPut.add(c.getAndPut("gp", mine));
          handedBackByReplace.add(c.getAndReplace("gr", mine));
        }
        for (int t = 0; t < tickets; t++) {
          int ticket = (t + me * 37) % tickets;
          boolean won = (me % 2 == 0) ? c.getAndRemove("ticket-" + ticket) != null
              : c.remove("ticket-" + ticket, ticket);
          if (won) {
            claims[ticket].incrementAndGet();
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    int writes = sides.size() * perThread;
    assertEquals(writes, ca.get("cas"), "no compare-and-set replace lost or doubled");
    assertEquals(String.valueOf(writes), eventually(() -> String.valueOf(cb.get("cas")), String.valueOf(writes)));
    for (String k : List.of("gp", "gr")) {
      List<Integer> seen = new ArrayList<>(k.equals("gp") ? handedBackByPut : handedBackByReplace);
      seen.add(ca.get(k));
      java.util.Collections.sort(seen);
      List<Integer> expected = new ArrayList<>();
      for (int v = -1; v < writes; v++) {
        expected.add(v);
      }
      assertEquals(expected, seen, k + ": every value written is handed back exactly once");
    }
    for (int t = 0; t < tickets; t++) {
      assertEquals(1, claims[t].get(), "ticket " + t + " claimed once");
      assertNull(cb.get("ticket-" + t));
    }
  }

  /** A key class with no codec: not Serializable. */
  record Handle(String name) {}

  /**
   * A store-by-reference remote cache keeps an entry whose key has no codec in the JVM that put it (Redis cannot hold
   * it, and no other process can name it): found by equal keys, counted and iterated there, removed and cleared there,
   * untouched by a FLUSHALL; a store-by-value cache refuses such a key, naming its class, as a local one does.
   */
  @Test
  void aKeyWithNoCodecByReferenceIsAnEntryOfItsJvmOnly() throws Exception {
    CairnConfiguration<Object, Object> byRef = new CairnConfiguration<>();
    byRef.setStoreByValue(false);
    Cache<Object, Object> ca = a.createCache("by-ref", byRef);
    Cache<Object, Object> cb = b.createCache("by-ref", new CairnConfiguration<>(byRef));
    Object value = new Object();
    ca.put(new Handle("h"), value);
    ca.put("shared", "s");
    assertSame(value, ca.get(new Handle("h")), "an equal key finds it, the value by reference");
    assertEquals("s", cb.get("shared"));
    assertNull(cb.get(new Handle("h")), "no other process has it");
    assertEquals(2, ca.unwrap(io.cairn.jcache.CairnCache.class).size());
    List<Object> keys = new ArrayList<>();
    ca.forEach(e -> keys.add(e.getKey()));
    assertTrue(keys.contains(new Handle("h")) && keys.contains("shared"), keys.toString());
    otherConn.sync().flushall();
    assertSame(value, ca.get(new Handle("h")), "a FLUSHALL empties Redis, not this JVM's own entries");
    assertTrue(ca.remove(new Handle("h")));
    assertNull(ca.get(new Handle("h")));
    ca.put(new Handle("again"), value);
    ca.clear();
    assertNull(ca.get(new Handle("again")), "clear removes them too");
    Cache<Object, Object> byValue = a.createCache("by-value", new CairnConfiguration<>());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> byValue.put(new Handle("v"), "x"));
    assertTrue(refused.getMessage().contains(Handle.class.getName()), refused.getMessage());
  }

  @Test
  void aFlushAllFromAnotherClientLeavesNoNearCopy() throws Exception {
    Cache<String, String> cb = b.createCache("f", strings());
    cb.put("k", "v");
    assertEquals("v", cb.get("k"));
    otherConn.sync().flushall();
    assertNull(eventually(() -> cb.get("k"), null), "the null invalidation drops every near copy");
  }

  @Test
  void aKilledConnectionThenAnotherClientsWriteLeavesNoStaleCopy() throws Exception {
    Cache<String, String> cb = b.createCache("kill", strings());
    cb.put("k", "old");
    assertEquals("old", cb.get("k"));
    otherConn.sync().clientKill(KillArgs.Builder.typeNormal().skipme(true));
    otherWrites("kill", "k", "new");
    assertEquals("new", eventually(() -> cb.get("k"), "new"), "the disconnect dropped the copy");
    otherWrites("kill", "k", "newer");
    assertEquals("newer", eventually(() -> cb.get("k"), "newer"), "tracking is on again after the reconnect");
  }

  /**
   * BCAST tracks the key prefix of each cache open in the manager, not every key of the manager: writes to a cache
   * this process has not opened push nothing to it; a cache opened later, a cache closed and opened again, and every
   * cache after a killed connection are tracked. Cache "n:x" would share the prefix of "n" if names were not escaped.
   */
  @Test
  void bcastTracksTheCachesOpenHereAndNoOthers() throws Exception {
    URI manager = URI.create("urn:cairn:bcast-test");
    Properties p = remote(redis.uri());
    p.setProperty("remote.tracking", "bcast");
    CairnCachingProvider provider = new CairnCachingProvider();
    List<String> heard = new CopyOnWriteArrayList<>();
    RedisStore.onInvalidatedKey = (store, key) -> {
      if (store.namespace.equals(manager.toString())) {
        heard.add(new String(key, StandardCharsets.UTF_8));
      }
    };
    String space = "cairn:" + RedisTier.escape(manager.toString()) + ":";
    java.util.function.BiConsumer<String, String> write = (redisKey, v) -> otherConn.sync().set(
        (space + redisKey).getBytes(StandardCharsets.UTF_8),
        ValueHeader.wrap(0x5eed, Long.MAX_VALUE, v.getBytes(StandardCharsets.UTF_8)));
    try {
      CacheManager m = provider.getCacheManager(manager, getClass().getClassLoader(), p);
      Cache<String, String> n = m.createCache("n", strings());
      Cache<String, String> nx = m.createCache("n:x", strings());
      write.accept("n:k", "v0");
      write.accept("n%3Ax:k", "w0");
      assertEquals("v0", eventually(() -> n.get("k"), "v0"));
      assertEquals("w0", eventually(() -> nx.get("k"), "w0"));
      for (int i = 0; i < 50; i++) {
        write.accept("elsewhere:k" + i, "x");
      }
      write.accept("n:k", "v1");
      write.accept("n%3Ax:k", "w1");
      assertEquals("v1", eventually(() -> n.get("k"), "v1"), "n's prefix is tracked");
      assertEquals("w1", eventually(() -> nx.get("k"), "w1"), "n:x's prefix is tracked");
      assertTrue(heard.contains(space + "n:k") && heard.contains(space + "n%3Ax:k"), heard.toString());
      assertEquals(0, heard.stream().filter(k -> k.contains(":elsewhere:")).count(),
          "keys of a cache not open here pushed to this process");

      Cache<String, String> later = m.createCache("elsewhere", strings());
      assertEquals("x", later.get("k1"));
      write.accept("elsewhere:k1", "y");
      assertEquals("y", eventually(() -> later.get("k1"), "y"), "a cache opened later is tracked");

      n.close();
      Cache<String, String> again = m.createCache("n", strings());
      assertEquals("v1", again.get("k"));
      write.accept("n:k", "v2");
      assertEquals("v2", eventually(() -> again.get("k"), "v2"), "a cache opened again is tracked");

      otherConn.sync().clientKill(KillArgs.Builder.typeNormal().skipme(true));
      write.accept("n%3Ax:k", "w2");
      assertEquals("w2", eventually(() -> nx.get("k"), "w2"), "the disconnect dropped the copy");
      write.accept("n%3Ax:k", "w3");
      write.accept("elsewhere:k1", "z");
      assertEquals("w3", eventually(() -> nx.get("k"), "w3"), "tracked again after the reconnect");
      assertEquals("z", eventually(() -> later.get("k1"), "z"), "every open cache is tracked again");
    } finally {
      RedisStore.onInvalidatedKey = null;
      provider.close();
    }
  }

  @Test
  void aWritersOwnValueIsItsNearCopyEvenWhenItLooksAtTheReplyLate() throws Exception {
    Cache<Integer, java.util.Date> c = a.createCache("own", new CairnConfiguration<Integer, java.util.Date>()
        .setTypes(Integer.class, java.util.Date.class).setStoreByValue(false));
    // The writing thread looks at the write's replies only after they were handled: as when it is descheduled
    // between sending the write and waiting for it, on a busy machine.
    RedisTier.afterWriteSent = CompletableFuture::join;
    try {
      for (int i = 0; i < 20; i++) {
        java.util.Date d = new java.util.Date(i);
        c.put(i % 4, d);
        assertSame(d, c.get(i % 4), "write " + i + ": store-by-reference serves the writer's own instance");
      }
    } finally {
      RedisTier.afterWriteSent = null;
    }
  }

  @Test
  void aReplyRacingItsInvalidationIsNotKept() throws Exception {
    Cache<String, String> cb = b.createCache("race", strings());
    otherWrites("race", "k", "old");
    CountDownLatch once = new CountDownLatch(1);
    RedisTier.afterRead = (tier, key) -> {
      if (once.getCount() > 0 && new String(key, StandardCharsets.UTF_8).equals("k")) {
        once.countDown();
        otherWrites("race", "k", "new");
        // Replies and pushes of a connection arrive in order: once this PING is answered the invalidation is in.
        tier.ping();
      }
    };
    try {
      assertEquals("old", cb.get("k"), "the read began before the write, so the old value is a fair answer");
    } finally {
      RedisTier.afterRead = null;
    }
    assertEquals("new", cb.get("k"), "the held reply was not kept as a near copy");
  }

  @Test
  void listenersInOneProcessHearChangesMadeInTheOther() throws Exception {
    Cache<String, String> ca = a.createCache("ev", strings());
    Cache<String, String> cb = b.createCache("ev", strings());
    List<String> heard = new CopyOnWriteArrayList<>();
    cb.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(new Heard(heard)), null, true, true));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; heard.isEmpty() && System.nanoTime() < deadline; i++) {
      ca.put("k" + i, "v" + i);
      Thread.sleep(50);
    }
    assertTrue(!heard.isEmpty(), "B heard none of A's writes");
    assertTrue(heard.get(0).matches("CREATED k\\d+=v\\d+"), heard.toString());
  }

  /** Records CREATED events as text. */
  static final class Heard implements CacheEntryCreatedListener<String, String>, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient List<String> into;

    Heard(List<String> into) {
      this.into = into;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> e : events) {
        into.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue());
      }
    }
  }

  @Test
  void expiryIsAbsoluteAndSharedByBothProcesses() throws Exception {
    CairnConfiguration<String, String> c = strings();
    c.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS,
        300)));
    Cache<String, String> ca = a.createCache("ttl", c);
    Cache<String, String> cb = b.createCache("ttl", c);
    ca.put("k", "v");
    assertEquals("v", cb.get("k"));
    Thread.sleep(400);
    assertNull(cb.get("k"));
    assertNull(ca.get("k"));
  }

  @Test
  void aOneSlotCacheNamesItsKeysWithAHashTag() {
    Cache<String, String> ca = a.createCache("slot", strings().setOneSlot(true));
    ca.put("k1", "v");
    ca.put("k2", "v");
    String tag = "cairn:{" + RedisTier.escape(MANAGER.toString()) + ":slot}:";
    byte[] tagged = (tag + "k1").getBytes(StandardCharsets.UTF_8);
    assertEquals(1, otherConn.sync().exists(tagged));
    assertEquals(io.lettuce.core.cluster.SlotHash.getSlot(tagged),
        io.lettuce.core.cluster.SlotHash.getSlot((tag + "k2").getBytes(StandardCharsets.UTF_8)));
    assertEquals("v", b.createCache("slot", strings().setOneSlot(true)).get("k2"));
  }

  @Test
  void badSettingsFailNamingKeyAndValue() {
    Properties p = remote(redis.uri());
    p.setProperty("remote.tracking", "sometimes");
    CacheManager m = new CairnCachingProvider().getCacheManager(URI.create("urn:cairn:bad"),
        getClass().getClassLoader(), p);
    CacheException e = assertThrows(CacheException.class, () -> m.createCache("x", strings()));
    assertTrue(e.getMessage().contains("remote.tracking=sometimes"), e.getMessage());
    CacheException bidi = assertThrows(CacheException.class,
        () -> a.createCache("bidi", strings().setBidirectional(true)));
    assertTrue(bidi.getMessage().contains("bidi=true") && bidi.getMessage().contains("local-only"),
        bidi.getMessage());
    Cache<String, String> local = a.createCache("local", strings().setBidirectional(true).setLocalOnly(true));
    local.put("k", "v");
    assertEquals(0, otherConn.sync().exists(redisKey("local", "k")), "a local-only cache writes nothing to Redis");
  }
}
