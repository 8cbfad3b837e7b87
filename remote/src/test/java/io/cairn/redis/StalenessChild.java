package io.cairn.redis;

import io.cairn.jcache.CairnCachingProvider;
import io.cairn.jcache.CairnConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * One process of {@link StalenessIT}: a near cache over the shared Redis with a writer, two readers and a remover on a
 * small key set. A value is {@code seq@writtenAtMillis}, where seq comes from a Redis INCR taken inside an entry
 * processor after it read the entry. The writer only updates entries that exist (its write lands only over the
 * version it read); each key is removed and created again by one process alone, its owner (key mod the number of
 * processes), from one thread. So the seqs a key holds in Redis only grow, deletions included: a creation's INCR
 * comes after the removal before it, and no other process can create and remove the key between an owner's read of
 * "absent" and its write. Each reader remembers the largest seq it returned per key: a smaller one later is a
 * monotonic-read violation, printed with what Redis holds. A read whose value Redis has already replaced counts as
 * stale, for the time since the newer value was written. After the run (when the parent says CHECK), every key is
 * read through the cache until it equals Redis or two seconds pass; the keys that never do are mismatches. The last
 * line is the RESULT. With a sixth argument {@code near-disk} the cache keeps two near copies on the heap and the
 * rest in its near disk tier, so copies move between the two all the time.
 */
public final class StalenessChild {
  private StalenessChild() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    long seconds = Long.parseLong(args[1]);
    long seed = Long.parseLong(args[2]);
    int index = Integer.parseInt(args[3]);
    int processes = Integer.parseInt(args[4]);
    int keys = 8;
    Properties p = new Properties();
    p.setProperty("remote.uri", uri);
    p.setProperty("remote.ping-interval", "250ms");
    if (args.length > 5 && args[5].equals("near-disk")) {
      // Two near copies on the heap for eight keys: nearly every read and write moves a copy to or from the near disk.
      p.setProperty("default.heap-entries", "2");
      p.setProperty("default.near-disk", "true");
      p.setProperty("default.disk-bytes", "64m");
      p.setProperty("default.memtable-bytes", "64k");
    }
    CairnCachingProvider provider = new CairnCachingProvider();
    CacheManager m = provider.getCacheManager(URI.create("urn:cairn:staleness"), StalenessChild.class.getClassLoader(),
        p);
    Cache<Integer, String> cache = m.createCache("stale", new CairnConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class));
    RedisClient client = RedisClient.create();
    StatefulRedisConnection<byte[], byte[]> raw = client.connect(ByteArrayCodec.INSTANCE, RedisURI.create(uri));
    AtomicLong reads = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    AtomicLong removes = new AtomicLong();
    AtomicLong violations = new AtomicLong();
    AtomicLong staleReads = new AtomicLong();
    LongAccumulator staleMax = new LongAccumulator(Math::max, 0);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    byte[] counter = "staleness:seq".getBytes(StandardCharsets.UTF_8);
    // The owner creates its keys before anyone starts; the writers only update what exists.
    for (int k = index; k < keys; k += processes) {
      create(cache, raw, counter, k);
    }
    threads.add(new Thread(() -> {
      Random r = new Random(seed);
      while (System.nanoTime() < end) {
        int k = r.nextInt(keys);
        cache.invoke(k, (e, a) -> {
          if (e.exists()) {
            long seq = raw.sync().incr(counter);
            e.setValue(seq + "@" + System.currentTimeMillis());
          }
          return null;
        });
        writes.incrementAndGet();
      }
    }, "writer"));
    threads.add(new Thread(() -> {
      Random r = new Random(seed + 1);
      int owned = (keys - index + processes - 1) / processes;
      while (System.nanoTime() < end) {
        int k = index + processes * r.nextInt(owned);
        if (cache.remove(k)) {
          removes.incrementAndGet();
        }
        sleepQuietly(5);
        create(cache, raw, counter, k);
      }
    }, "remover"));
    for (int t = 0; t < 2; t++) {
      long s = seed + 2 + t;
      threads.add(new Thread(() -> {
        Random r = new Random(s);
        long[] maxSeen = new long[keys];
        while (System.nanoTime() < end) {
          int k = r.nextInt(keys);
          String v = cache.get(k);
          reads.incrementAndGet();
          if (v == null) {
            continue;
          }
          long seq = seq(v);
          if (seq < maxSeen[k]) {
            violations.incrementAndGet();
            System.out.println("VIOLATION " + Thread.currentThread().getName() + ": key " + k + " returned " + v
                + " after seq " + maxSeen[k] + "; Redis holds " + redisValue(raw, k));
          }
          maxSeen[k] = Math.max(maxSeen[k], seq);
          String now = redisValue(raw, k);
          if (now != null && seq(now) > seq) {
            staleReads.incrementAndGet();
            staleMax.accumulate(System.currentTimeMillis() - written(now));
          }
        }
      }, "reader-" + t));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    System.out.println("DONE");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (!"CHECK".equals(in.readLine())) {
      throw new IllegalStateException("the parent did not say CHECK");
    }
    long mismatches = 0;
    for (int k = 0; k < keys; k++) {
      long deadline = System.nanoTime() + 2_000_000_000L;
      boolean equal;
      do {
        equal = java.util.Objects.equals(cache.get(k), redisValue(raw, k));
      } while (!equal && System.nanoTime() < deadline && sleepQuietly(20));
      if (!equal) {
        mismatches++;
        System.out.println("MISMATCH key " + k + ": near cache " + cache.get(k) + ", Redis " + redisValue(raw, k));
      }
    }
    System.out.println("RESULT reads=" + reads + " writes=" + writes + " removes=" + removes + " violations="
        + violations + " staleReads=" + staleReads + " staleMaxMillis=" + staleMax.get() + " mismatches="
        + mismatches);
    System.out.flush();
    raw.close();
    client.shutdown();
    provider.close();
  }

  /** The owner's creation of {@code k} if absent, its seq taken after it read the entry. */
  private static void create(Cache<Integer, String> cache, StatefulRedisConnection<byte[], byte[]> raw,
      byte[] counter, int k) {
    cache.invoke(k, (e, a) -> {
      if (!e.exists()) {
        e.setValue(raw.sync().incr(counter) + "@" + System.currentTimeMillis());
      }
      return null;
    });
  }

  private static boolean sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static long seq(String v) {
    return Long.parseLong(v.substring(0, v.indexOf('@')));
  }

  private static long written(String v) {
    return Long.parseLong(v.substring(v.indexOf('@') + 1));
  }

  /** What Redis holds for key {@code k} now, read past Cairn. */
  static String redisValue(StatefulRedisConnection<byte[], byte[]> raw, int k) {
    byte[] key = new byte[4];
    java.nio.ByteBuffer.wrap(key).putInt(k ^ Integer.MIN_VALUE);
    byte[] full = concat(("cairn:" + RedisTier.escape("urn:cairn:staleness") + ":stale:").getBytes(StandardCharsets.UTF_8), key);
    byte[] stored = raw.sync().get(full);
    return stored == null ? null
        : new String(ValueHeader.read(stored, "key " + k).value(), StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
