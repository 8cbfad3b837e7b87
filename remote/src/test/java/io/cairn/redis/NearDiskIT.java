package io.cairn.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnConfiguration;
import io.cairn.jcache.TierStatistics;
import io.lettuce.core.KillArgs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * A remote cache's near disk tier ({@code near-disk=true}) over a real redis-server: the near copies a small heap tier
 * evicts are served from this machine's disk without a Redis read, and every way a copy can go stale (another
 * process's write, a FLUSHALL, a killed connection, the cache's own writes, removes and clear) reaches the disk copies
 * as it reaches the heap's. Redis's own command counters tell how many reads reached it. Two providers stand for two
 * JVMs.
 */
class NearDiskIT extends TwoProcesses {
  private static final URI MANAGER = URI.create("urn:cairn:near-disk-test");
  private static final int KEYS = 2_000;
  private static final int HEAP = 100;

  @Override
  URI manager() {
    return MANAGER;
  }

  private static CairnConfiguration<String, String> nearDisk() {
    return new CairnConfiguration<String, String>().setTypes(String.class, String.class).setHeapEntries(HEAP)
        .setNearDisk(true).setDiskBytes(64L << 20).setMemtableBytes(256 << 10);
  }

  /** GET commands Redis has run since it started (a near-cache miss is one GET). */
  private static long redisGets() {
    for (String line : otherConn.sync().info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_get:")) {
        int at = line.indexOf("calls=") + "calls=".length();
        return Long.parseLong(line.substring(at, line.indexOf(',', at)));
      }
    }
    return 0;
  }

  private static String key(int i) {
    return "k" + i;
  }

  private static void otherWrites(String cache, String k, String v) {
    otherConn.sync().set(RemoteCacheIT.redisKey(MANAGER, cache, k),
        ValueHeader.wrap(0x5eed, Long.MAX_VALUE, v.getBytes(StandardCharsets.UTF_8)));
  }

  /** Puts every key in {@code c} with value {@code value(i)}, the heap keeping only the last {@link #HEAP}. */
  private static void fill(Cache<String, String> c, IntFunction<String> value) {
    for (int i = 0; i < KEYS; i++) {
      c.put(key(i), value.apply(i));
    }
  }

  private static TierStatistics tiers(Cache<String, String> c) {
    return c.unwrap(CairnCache.class).tiers();
  }

  /** Reads every key and checks each value; returns the GETs Redis ran meanwhile. */
  private static long readAll(Cache<String, String> c, IntFunction<String> want) {
    long before = redisGets();
    for (int i = 0; i < KEYS; i++) {
      assertEquals(want.apply(i), c.get(key(i)), "key " + key(i));
    }
    return redisGets() - before;
  }

  /** Polls until key {@code k} of {@code c} reads {@code want} (invalidations arrive asynchronously). */
  private static void eventually(Cache<String, String> c, String k, String want) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String got = null;
    while (System.nanoTime() < deadline) {
      try {
        got = c.get(k);
        if (java.util.Objects.equals(got, want)) {
          return;
        }
      } catch (CacheException reconnecting) {
        got = "failed: " + reconnecting.getMessage();
      }
      Thread.sleep(20);
    }
    assertEquals(want, got, "key " + k + " after 10 s");
  }

  @Test
  void evictedCopiesAreServedFromDiskWithoutAskingRedis() {
    Cache<String, String> ca = a.createCache("served", nearDisk());
    fill(ca, i -> "v" + i);
    TierStatistics t = tiers(ca);
    assertTrue(t.heap().spills() == t.heap().evictions() && t.heap().evictions() >= KEYS - 2 * HEAP,
        "every eviction of the heap went to the near disk: " + t.heap());
    assertTrue(t.disk().enabled() && t.disk().open(), "the near disk tier is open: " + t.disk());
    long gets = readAll(ca, i -> "v" + i);
    t = tiers(ca);
    assertTrue(t.near().diskHits() >= KEYS - 2 * HEAP, "copies served from disk: " + t.near());
    assertTrue(gets <= 2 * HEAP, "a pass over " + KEYS + " keys with " + HEAP + " on the heap read Redis " + gets
        + " times");
    // The same pass over a cache without a near disk reads Redis for nearly every key.
    Cache<String, String> plain = a.createCache("plain", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setHeapEntries(HEAP));
    fill(plain, i -> "v" + i);
    assertTrue(readAll(plain, i -> "v" + i) >= KEYS - HEAP, "without a near disk every evicted key is a Redis read");

    Path dir = t.disk().directory();
    assertTrue(Files.isDirectory(dir), "near disk files in " + dir);
    ca.close();
    assertFalse(Files.exists(dir), "the near disk tier is not persistent: its files go with the cache");
  }

  @Test
  void anotherProcesssWritesAndRemovesReachTheDiskCopies() throws Exception {
    Cache<String, String> ca = a.createCache("others", nearDisk());
    Cache<String, String> cb = b.createCache("others", nearDisk());
    fill(ca, i -> "v" + i);
    readAll(ca, i -> "v" + i);
    // B changes every tenth key and removes every tenth one after it, through Cairn; a raw client writes others.
    for (int i = 0; i < KEYS; i += 10) {
      cb.put(key(i), "b" + i);
      cb.remove(key(i + 1));
      otherWrites("others", key(i + 2), "raw" + i);
    }
    eventually(ca, key(KEYS - 10), "b" + (KEYS - 10));
    eventually(ca, key(KEYS - 9), null);
    eventually(ca, key(KEYS - 8), "raw" + (KEYS - 10));
    IntFunction<String> now = i -> i % 10 == 0 ? "b" + i : i % 10 == 1 ? null : i % 10 == 2 ? "raw" + (i - 2)
        : "v" + i;
    // Invalidations come in order on a connection, so once the last ones are in every earlier one is too.
    readAll(ca, now);
    assertTrue(tiers(ca).near().diskHits() > 0, "the unchanged keys were still served from disk");
    // And again, now that the changed keys' copies are current ones.
    readAll(ca, now);
  }

  @Test
  void aFlushAllFromAnotherClientLeavesNoDiskCopy() throws Exception {
    Cache<String, String> ca = a.createCache("flushed", nearDisk());
    fill(ca, i -> "v" + i);
    otherConn.sync().flushall();
    eventually(ca, key(0), null);
    readAll(ca, i -> null);
  }

  @Test
  void aKilledConnectionThenAnotherClientsWritesLeaveNoStaleDiskCopy() throws Exception {
    Cache<String, String> ca = a.createCache("killed", nearDisk());
    fill(ca, i -> "v" + i);
    otherConn.sync().clientKill(KillArgs.Builder.typeNormal().skipme(true));
    for (int i = 0; i < KEYS; i += 2) {
      otherWrites("killed", key(i), "new" + i);
    }
    eventually(ca, key(0), "new0");
    readAll(ca, i -> i % 2 == 0 ? "new" + i : "v" + i);
  }

  @Test
  void theCachesOwnWritesRemovesAndClearReplaceTheDiskCopies() {
    Cache<String, String> ca = a.createCache("own", nearDisk());
    fill(ca, i -> "v" + i);
    readAll(ca, i -> "v" + i);
    for (int i = 0; i < KEYS; i += 3) {
      ca.put(key(i), "w" + i);
    }
    for (int i = 1; i < KEYS; i += 3) {
      assertTrue(ca.remove(key(i)));
    }
    for (int i = 2; i < KEYS; i += 3) {
      assertTrue(ca.replace(key(i), "v" + i, "r" + i));
    }
    IntFunction<String> now = i -> i % 3 == 0 ? "w" + i : i % 3 == 1 ? null : "r" + i;
    readAll(ca, now);
    readAll(ca, now);
    Cache<String, String> cb = b.createCache("own", nearDisk());
    readAll(cb, now);
    ca.clear();
    readAll(ca, i -> null);
  }

  @Test
  void aNearDiskNeedsADiskBudget() {
    CacheException e = assertThrows(CacheException.class,
        () -> a.createCache("nobudget", nearDisk().setDiskBytes(0)));
    assertTrue(e.getMessage().contains("near-disk=true") && e.getMessage().contains("disk-bytes=0"), e.getMessage());
    assertNull(a.getCache("nobudget", String.class, String.class), "no cache was made");
  }
}
