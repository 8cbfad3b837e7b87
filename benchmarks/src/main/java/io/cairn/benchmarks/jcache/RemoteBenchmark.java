package io.cairn.benchmarks.jcache;

import io.cairn.jcache.CairnConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.config.Config;
import org.redisson.jcache.configuration.RedissonConfiguration;

/**
 * Cairn as a near cache over Redis (a redis-server from the PATH, started per fork on a free loopback port), side by
 * side with what a user would otherwise run:
 * <ul>
 *   <li>{@code nearHit}, {@code localHit}, {@code lettuceGet}: a near-cache hit of a remote Cairn cache against a hit
 *   of a local-only Cairn cache and against a plain Lettuce GET of the same key, Zipf 0.99 over {@code keys} keys that
 *   all fit the heap tier;</li>
 *   <li>{@code mixed}: 90% reads / 10% writes, Zipf 0.99, run with two threads, through the JCache API of a remote
 *   Cairn cache (default tracking, and with {@code remote.tracking=bcast}, whose writes need no stamp read after
 *   them) and of Redisson's open-source JCache (no near cache) on the same Redis; reads and writes are counted apart
 *   ({@link Ops}).</li>
 *   <li>{@code nearDiskRead}, {@code remoteMissRead}, {@code localDiskRead}: reads that miss the heap tier
 *   ({@link Spilled}): served by a remote cache's near disk tier, by Redis, or by a local cache's disk tier.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RemoteBenchmark {
  static final String CAIRN = Providers.CAIRN;
  static final String REDISSON = "org.redisson.jcache.JCachingProvider";

  /** A redis-server child process for the fork. */
  @State(Scope.Benchmark)
  public static class Server {
    Process process;
    int port;

    @Setup(Level.Trial)
    public void start() throws Exception {
      try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save",
          "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      RedisClient c = RedisClient.create(RedisURI.create(uri()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
          conn.sync().ping();
          break;
        } catch (RuntimeException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("redis-server (from the PATH) did not start on port " + port, e);
          }
          Thread.sleep(50);
        }
      }
      c.shutdown();
    }

    String uri() {
      return "redis://127.0.0.1:" + port;
    }

    @TearDown(Level.Trial)
    public void stop() {
      process.destroyForcibly();
    }
  }

  static String value(int k) {
    return "value-" + k + "-" + "x".repeat(90);
  }

  /** A Cairn cache manager over the server (remote) or not (local). */
  static CacheManager cairn(Server server, String name, boolean remote) {
    return cairn(server, name, remote, "default");
  }

  /** A Cairn cache manager over the server (remote, with {@code remote.tracking=tracking}) or not (local). */
  static CacheManager cairn(Server server, String name, boolean remote, String tracking) {
    Properties p = new Properties();
    if (remote) {
      p.setProperty("remote.uri", server.uri());
      p.setProperty("remote.tracking", tracking);
    }
    return new io.cairn.jcache.CairnCachingProvider().getCacheManager(URI.create("urn:bench:remote:" + name),
        RemoteBenchmark.class.getClassLoader(), p);
  }

  /** The three ways to read a key: a remote Cairn cache, a local one, Lettuce alone. */
  @State(Scope.Benchmark)
  public static class Hits {
    @Param({"10000"})
    public int keys;

    CacheManager remoteManager;
    CacheManager localManager;
    Cache<Integer, String> remote;
    Cache<Integer, String> local;
    RedisClient lettuce;
    RedisCommands<byte[], byte[]> redis;
    byte[][] redisKeys;
    ZipfKeys zipf;

    @Setup(Level.Trial)
    public void setUp(Server server) {
      remoteManager = cairn(server, "hits", true);
      localManager = cairn(server, "hits-local", false);
      CairnConfiguration<Integer, String> c = new CairnConfiguration<Integer, String>()
          .setTypes(Integer.class, String.class).setHeapEntries(2L * keys);
      remote = remoteManager.createCache("hits", c);
      local = localManager.createCache("hits-local", new CairnConfiguration<>(c));
      lettuce = RedisClient.create(RedisURI.create(server.uri()));
      redis = lettuce.connect(ByteArrayCodec.INSTANCE).sync();
      redisKeys = new byte[keys][];
      for (int k = 0; k < keys; k++) {
        remote.put(k, value(k));
        local.put(k, value(k));
        redisKeys[k] = ("plain:" + k).getBytes(StandardCharsets.UTF_8);
        redis.set(redisKeys[k], value(k).getBytes(StandardCharsets.UTF_8));
      }
      zipf = new ZipfKeys(keys, 1 << 16, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      remoteManager.close();
      localManager.close();
      lettuce.shutdown();
    }
  }

  /** Each thread's place in the key sequence. */
  @State(Scope.Thread)
  public static class Cursor {
    int i = ThreadLocalRandom.current().nextInt(1 << 16);

    int next(ZipfKeys z) {
      return z.at(i++ & 0xffff);
    }
  }

  @Benchmark
  public String nearHit(Hits s, Cursor c) {
    return s.remote.get(c.next(s.zipf));
  }

  @Benchmark
  public String localHit(Hits s, Cursor c) {
    return s.local.get(c.next(s.zipf));
  }

  @Benchmark
  public byte[] lettuceGet(Hits s, Cursor c) {
    return s.redis.get(s.redisKeys[c.next(s.zipf)]);
  }

  /**
   * Reads of keys the heap tier no longer holds: {@code keys} entries, {@code heapEntries} of them on the heap, read
   * uniformly, so nearly every read misses the heap. A remote cache with a near disk tier (near-disk=true) serves them
   * from this machine's disk, one without reads Redis, and a local-only cache reads its own disk tier.
   */
  @State(Scope.Benchmark)
  public static class Spilled {
    @Param({"100000"})
    public int keys;

    @Param({"1000"})
    public int heapEntries;

    CacheManager remoteManager;
    CacheManager localManager;
    Cache<Integer, String> nearDisk;
    Cache<Integer, String> noNearDisk;
    Cache<Integer, String> localDisk;

    @Setup(Level.Trial)
    public void setUp(Server server) {
      remoteManager = cairn(server, "spilled", true);
      localManager = cairn(server, "spilled-local", false);
      CairnConfiguration<Integer, String> c = new CairnConfiguration<Integer, String>()
          .setTypes(Integer.class, String.class).setHeapEntries(heapEntries);
      nearDisk = remoteManager.createCache("near-disk", new CairnConfiguration<>(c).setNearDisk(true));
      noNearDisk = remoteManager.createCache("no-near-disk", new CairnConfiguration<>(c));
      localDisk = localManager.createCache("local-disk", new CairnConfiguration<>(c));
      for (int k = 0; k < keys; k++) {
        nearDisk.put(k, value(k));
        noNearDisk.put(k, value(k));
        localDisk.put(k, value(k));
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      System.out.println();
      for (Cache<Integer, String> c : java.util.List.of(nearDisk, localDisk)) {
        io.cairn.jcache.TierStatistics t = c.unwrap(io.cairn.jcache.CairnCache.class).tiers();
        io.cairn.engine.StoreStatistics e = t.disk().engine();
        System.out.println(c.getName() + ": " + t.near() + ", " + t.heap() + ", disk " + t.disk().bytes()
            + " bytes in " + (e == null ? 0 : e.tables().files()) + " tables, block cache "
            + (e == null ? "-" : e.blockCache()));
      }
      remoteManager.close();
      localManager.close();
    }
  }

  /** A uniform key for {@link Spilled}. */
  private static int uniform(Spilled s) {
    return ThreadLocalRandom.current().nextInt(s.keys);
  }

  @Benchmark
  public String nearDiskRead(Spilled s) {
    return s.nearDisk.get(uniform(s));
  }

  @Benchmark
  public String remoteMissRead(Spilled s) {
    return s.noNearDisk.get(uniform(s));
  }

  @Benchmark
  public String localDiskRead(Spilled s) {
    return s.localDisk.get(uniform(s));
  }

  /** A JCache cache over the server: remote Cairn or Redisson, loaded with {@code keys} entries. */
  @State(Scope.Benchmark)
  public static class Mixed {
    /**
     * cairn: remote Cairn, default tracking; cairn-bcast: with remote.tracking=bcast; redisson: Redisson's JCache as
     * configured by default (Netty's NIO transport); redisson-epoll: the same on the native epoll transport, which
     * Cairn's Lettuce connections use when it loads.
     */
    @Param({"cairn", "cairn-bcast", "redisson", "redisson-epoll"})
    public String impl;

    @Param({"10000"})
    public int keys;

    CacheManager manager;
    Cache<Integer, String> cache;
    ZipfKeys zipf;

    @Setup(Level.Trial)
    public void setUp(Server server) {
      if (impl.startsWith("cairn")) {
        manager = cairn(server, "mixed", true, impl.equals("cairn-bcast") ? "bcast" : "default");
        cache = manager.createCache("mixed", new CairnConfiguration<Integer, String>()
            .setTypes(Integer.class, String.class).setHeapEntries(2L * keys));
      } else {
        Config config = new Config();
        config.useSingleServer().setAddress(server.uri());
        if (impl.equals("redisson-epoll")) {
          config.setTransportMode(org.redisson.config.TransportMode.EPOLL);
        }
        CachingProvider p = Caching.getCachingProvider(REDISSON);
        // Redisson reads a URI other than its default as a config file; the cache's own configuration names the server.
        manager = p.getCacheManager(p.getDefaultURI(), RemoteBenchmark.class.getClassLoader());
        cache = manager.createCache("mixed", RedissonConfiguration.fromConfig(config,
            new MutableConfiguration<Integer, String>().setTypes(Integer.class, String.class)));
      }
      for (int k = 0; k < keys; k++) {
        cache.put(k, value(k));
      }
      zipf = new ZipfKeys(keys, 1 << 16, 7);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }
  }

  /** Reads and writes of {@code mixed}, reported apart (operations per second each). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Ops {
    public long reads;
    public long writes;

    @Setup(Level.Iteration)
    public void clear() {
      reads = 0;
      writes = 0;
    }
  }

  @Benchmark
  public Object mixed(Mixed m, Cursor c, Ops ops) {
    int k = c.next(m.zipf);
    if (ThreadLocalRandom.current().nextInt(10) != 0) {
      ops.reads++;
      return m.cache.get(k);
    }
    ops.writes++;
    m.cache.put(k, value(k));
    return null;
  }
}
