package io.cairn.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.CairnCachingProvider;
import io.cairn.jcache.CairnConfiguration;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * Remote caches over a real Redis Cluster (three masters, three replicas) while a master fails: killed with SIGKILL
 * under a write load (its replica takes over), or stopped with SIGSTOP past the node timeout and continued (it comes
 * back as a replica). Process A writes increasing values per key, process B reads. Errors during the transition are
 * allowed and counted; afterwards writes succeed again and no near cache serves a value Redis does not hold. Writes
 * Redis acknowledged and then lost to asynchronous replication are counted and reported, with and without
 * {@code remote.wait-replicas=1}; the counts are the report, not assertions (Redis promises neither).
 */
class ClusterIT {
  private static final int KEYS = 200;
  private static final URI MANAGER = URI.create("urn:cairn:cluster");

  /**
   * What one run under a fault saw: writes acknowledged, write and read errors, acknowledged writes Redis no longer
   * holds, keys no write reached after things settled (with WAIT, the shard whose master died has no replica left,
   * so every write to it is refused), and near copies that differ from Redis.
   */
  record Outcome(long acked, long errors, long readErrors, long lost, long unwritable, long mismatches) {}

  @Test
  void aKilledMasterFailsOverAndNoNearCacheKeepsWhatRedisLost() throws Exception {
    Outcome plain = underFault("SIGKILL", 0);
    System.out.println("ClusterIT kill -9 of a master, no WAIT: " + plain);
    assertEquals(0, plain.unwritable(), "every key is writable again after the failover");
    assertEquals(0, plain.mismatches(), "near copies Redis does not hold (no WAIT)");
    Outcome waited = underFault("SIGKILL", 1);
    System.out.println("ClusterIT kill -9 of a master, remote.wait-replicas=1: " + waited);
    assertEquals(0, waited.mismatches(), "near copies Redis does not hold (WAIT)");
  }

  /**
   * Makes Redis lose acknowledged writes on purpose: the replica of a master is stopped, the master keeps
   * acknowledging writes it cannot replicate, then it is killed and the replica, continued, takes over without them.
   * With {@code remote.wait-replicas=1} those writes are never acknowledged (they fail), so none is lost.
   */
  @Test
  void aLaggingReplicaLosesAcknowledgedWritesUnlessWritesWait() throws Exception {
    Outcome plain = underFault("LAG", 0);
    System.out.println("ClusterIT replica stopped, master killed, replica continued, no WAIT: " + plain);
    assertEquals(0, plain.mismatches(), "near copies Redis does not hold (no WAIT)");
    Outcome waited = underFault("LAG", 1);
    System.out.println("ClusterIT replica stopped, master killed, replica continued, remote.wait-replicas=1: "
        + waited);
    assertEquals(0, waited.lost(), "with WAIT no acknowledged write is lost");
    assertEquals(0, waited.mismatches(), "near copies Redis does not hold (WAIT)");
  }

  @Test
  void aStoppedMasterPastTheNodeTimeoutThenContinued() throws Exception {
    Outcome o = underFault("SIGSTOP", 0);
    System.out.println("ClusterIT SIGSTOP past the node timeout, then SIGCONT: " + o);
    assertEquals(0, o.unwritable(), "every key is writable again");
    assertEquals(0, o.mismatches(), "near copies Redis does not hold");
  }

  private static Properties remote(String seeds, int waitReplicas) {
    Properties p = new Properties();
    p.setProperty("remote.uri", seeds);
    p.setProperty("remote.ping-interval", "250ms");
    p.setProperty("remote.timeout", "1s");
    p.setProperty("remote.wait-replicas", String.valueOf(waitReplicas));
    return p;
  }

  private static byte[] redisKey(int k) {
    byte[] prefix = ("cairn:" + RedisTier.escape(MANAGER.toString()) + ":c:").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(prefix.length + 4).put(prefix).putInt(k ^ Integer.MIN_VALUE).array();
  }

  private Outcome underFault(String fault, int waitReplicas) throws Exception {
    long seconds = Long.getLong("cairn.cluster.seconds", 6);
    try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
      CairnCachingProvider pa = new CairnCachingProvider();
      CairnCachingProvider pb = new CairnCachingProvider();
      // Every node a seed: the fault may take down any of them, the first included.
      RedisClusterClient rawClient = RedisClusterClient.create(
          cluster.nodes.stream().map(n -> RedisURI.create(n.uri())).toList());
      try {
        CairnConfiguration<Integer, Long> config = new CairnConfiguration<Integer, Long>()
            .setTypes(Integer.class, Long.class);
        Cache<Integer, Long> ca = pa.getCacheManager(MANAGER, getClass().getClassLoader(),
            remote(cluster.seeds(), waitReplicas)).createCache("c", config);
        Cache<Integer, Long> cb = pb.getCacheManager(MANAGER, getClass().getClassLoader(),
            remote(cluster.seeds(), waitReplicas)).createCache("c", config);
        AtomicLongArray acked = new AtomicLongArray(KEYS);
        AtomicLong ackedCount = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong readErrors = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
          int first = w;
          threads.add(new Thread(() -> {
            long[] next = new long[KEYS];
            while (!stop.get()) {
              for (int k = first; k < KEYS && !stop.get(); k += 2) {
                long v = ++next[k];
                try {
                  ca.put(k, v);
                  acked.set(k, v);
                  ackedCount.incrementAndGet();
                } catch (CacheException e) {
                  errors.incrementAndGet();
                }
              }
            }
          }));
        }
        threads.add(new Thread(() -> {
          int k = 0;
          while (!stop.get()) {
            try {
              cb.get(k);
            } catch (CacheException e) {
              readErrors.incrementAndGet();
            }
            k = (k + 7) % KEYS;
          }
        }));
        threads.forEach(Thread::start);
        Thread.sleep(1000);
        RedisProcess victim = cluster.masterOf(redisKey(0));
        if (fault.equals("SIGKILL")) {
          victim.signal("KILL");
        } else if (fault.equals("LAG")) {
          RedisProcess replica = cluster.replicaOf(victim);
          replica.signal("STOP");
          Thread.sleep(1000);
          victim.signal("KILL");
          replica.signal("CONT");
        } else {
          victim.signal("STOP");
          Thread.sleep(3L * RedisClusterProcesses.NODE_TIMEOUT_MILLIS + 2000);
          victim.signal("CONT");
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        for (Thread t : threads) {
          t.join();
        }
        StatefulRedisClusterConnection<byte[], byte[]> raw = rawClient.connect(ByteArrayCodec.INSTANCE);
        long lost = 0;
        for (int k = 0; k < KEYS; k++) {
          Long inRedis = redisValue(raw, k);
          if (acked.get(k) > 0 && (inRedis == null || inRedis < acked.get(k))) {
            lost++;
          }
        }
        // Settled: within 20 s every key takes a write again (or, with WAIT on the shard left without a replica,
        // is refused), and the near caches agree with Redis.
        boolean[] written = new boolean[KEYS];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long unwritable;
        do {
          unwritable = 0;
          for (int k = 0; k < KEYS; k++) {
            if (!written[k]) {
              try {
                ca.put(k, acked.get(k) + 1_000_000);
                written[k] = true;
              } catch (CacheException settling) {
                unwritable++;
              }
            }
          }
        } while (unwritable > 0 && System.nanoTime() < deadline && sleep(200));
        long mismatches;
        do {
          mismatches = 0;
          for (int k = 0; k < KEYS; k++) {
            for (Cache<Integer, Long> c : List.of(ca, cb)) {
              try {
                if (!Objects.equals(c.get(k), redisValue(raw, k))) {
                  mismatches++;
                }
              } catch (CacheException settling) {
                mismatches++;
              }
            }
          }
        } while (mismatches > 0 && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5) && sleep(200));
        for (int k = 0; k < KEYS && mismatches > 0; k++) {
          for (Cache<Integer, Long> c : List.of(ca, cb)) {
            try {
              if (!Objects.equals(c.get(k), redisValue(raw, k))) {
                System.out.println("MISMATCH key " + k + " in " + (c == ca ? "A" : "B") + ": near cache "
                    + c.get(k) + ", Redis " + redisValue(raw, k));
              }
            } catch (CacheException e) {
              System.out.println("MISMATCH key " + k + " in " + (c == ca ? "A" : "B") + ": " + e.getMessage());
            }
          }
        }
        assertTrue(ackedCount.get() > 0, "no write was acknowledged");
        return new Outcome(ackedCount.get(), errors.get(), readErrors.get(), lost, unwritable, mismatches);
      } finally {
        pa.close();
        pb.close();
        rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      }
    }
  }

  private static boolean sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return true;
  }

  private static Long redisValue(StatefulRedisClusterConnection<byte[], byte[]> raw, int k) {
    byte[] stored = raw.sync().get(redisKey(k));
    if (stored == null) {
      return null;
    }
    byte[] v = ValueHeader.read(stored, "key " + k).value();
    return ByteBuffer.wrap(v).getLong() ^ Long.MIN_VALUE;
  }
}
