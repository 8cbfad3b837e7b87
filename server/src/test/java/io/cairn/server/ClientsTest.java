package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.csc.CacheConfig;

/** Cairn server through real clients: Lettuce and Jedis, RESP2 and RESP3, sync, pipelined, pub/sub, transactions. */
class ClientsTest {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static RedisClient lettuce(ProtocolVersion v) {
    RedisClient c = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    c.setOptions(ClientOptions.builder().protocolVersion(v).build());
    return c;
  }

  @ParameterizedTest
  @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
  void lettuceSyncAndPipelined(ProtocolVersion v) {
    RedisClient client = lettuce(v);
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      RedisCommands<String, String> r = conn.sync();
      String p = "lettuce-" + v + ":";
      assertEquals("OK", r.set(p + "a", "1"));
      assertEquals("1", r.get(p + "a"));
      assertEquals(5L, r.incrby(p + "a", 4));
      assertEquals("OK", r.set(p + "t", "x", SetArgs.Builder.ex(100)));
      long ttl = r.ttl(p + "t");
      assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);
      assertNull(r.get(p + "missing"));
      assertEquals(2L, r.exists(p + "a", p + "t"));
      assertEquals("string", r.type(p + "a"));
      assertEquals(1L, r.del(p + "t"));

      RedisAsyncCommands<String, String> async = conn.async();
      conn.setAutoFlushCommands(false);
      List<RedisFuture<?>> fs = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        fs.add(async.set(p + "k" + i, "v" + i));
      }
      for (int i = 0; i < 500; i++) {
        fs.add(async.get(p + "k" + i));
      }
      conn.flushCommands();
      conn.setAutoFlushCommands(true);
      for (int i = 0; i < 500; i++) {
        assertEquals("v" + i, fs.get(500 + i).toCompletableFuture().join());
      }
      List<String> keys = r.keys(p + "k1*");
      assertEquals(111, keys.size());
    } finally {
      client.shutdown();
    }
  }

  @ParameterizedTest
  @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
  void lettuceTransactions(ProtocolVersion v) {
    RedisClient client = lettuce(v);
    try (StatefulRedisConnection<String, String> a = client.connect();
        StatefulRedisConnection<String, String> b = client.connect()) {
      String k = "tx-" + v;
      RedisCommands<String, String> r = a.sync();
      r.set(k, "10");
      r.multi();
      r.incr(k);
      r.get(k);
      TransactionResult res = r.exec();
      assertFalse(res.wasDiscarded());
      assertEquals(11L, (Long) res.get(0));
      assertEquals("11", res.get(1));

      r.watch(k);
      b.sync().set(k, "changed");
      r.multi();
      r.incr(k);
      assertTrue(r.exec().wasDiscarded(), "a watched key written by another client discards EXEC");
      assertEquals("changed", r.get(k));
    } finally {
      client.shutdown();
    }
  }

  @ParameterizedTest
  @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
  void lettucePubSub(ProtocolVersion v) throws Exception {
    RedisClient client = lettuce(v);
    try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
        StatefulRedisConnection<String, String> pub = client.connect()) {
      BlockingQueue<String> got = new LinkedBlockingQueue<>();
      sub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          got.add(channel + "=" + message);
        }

        @Override
        public void message(String pattern, String channel, String message) {
          got.add(pattern + ":" + channel + "=" + message);
        }
      });
      sub.sync().subscribe("news");
      sub.sync().psubscribe("n*");
      assertEquals(2L, pub.sync().publish("news", "hello"));
      List<String> two = List.of(got.poll(5, TimeUnit.SECONDS), got.poll(5, TimeUnit.SECONDS));
      assertTrue(two.contains("news=hello") && two.contains("n*:news=hello"), two.toString());
      assertEquals(1L, pub.sync().pubsubNumsub("news").get("news"));
      assertEquals(1L, pub.sync().pubsubNumpat());
      sub.sync().unsubscribe("news");
      assertEquals(1L, pub.sync().publish("news", "again"));
      assertEquals("n*:news=again", got.poll(5, TimeUnit.SECONDS));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void lettuceReceivesInvalidationPushes() throws Exception {
    RedisClient client = lettuce(ProtocolVersion.RESP3);
    try (StatefulRedisConnection<String, String> reader = client.connect();
        StatefulRedisConnection<String, String> writer = client.connect()) {
      BlockingQueue<List<Object>> pushes = new LinkedBlockingQueue<>();
      reader.addListener(m -> {
        if (m.getType().equals("invalidate")) {
          pushes.add(new ArrayList<>(m.getContent(b -> java.nio.charset.StandardCharsets.UTF_8.decode(b).toString())));
        }
      });
      writer.sync().set("tracked", "1");
      reader.sync().clientTracking(io.lettuce.core.TrackingArgs.Builder.enabled());
      assertEquals("1", reader.sync().get("tracked"));
      writer.sync().set("tracked", "2");
      List<Object> push = pushes.poll(5, TimeUnit.SECONDS);
      assertEquals("[invalidate, [tracked]]", String.valueOf(push));
      writer.sync().flushall();
      assertTrue(pushes.poll(5, TimeUnit.SECONDS) != null, "FLUSHALL sends a null invalidation");
    } finally {
      client.shutdown();
    }
  }

  @ParameterizedTest
  @EnumSource(value = RedisProtocol.class, names = {"RESP2", "RESP3"})
  void jedisSyncPipelineTransactionPubSub(RedisProtocol protocol) throws Exception {
    DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().protocol(protocol).build();
    String p = "jedis-" + protocol + ":";
    try (Jedis j = new Jedis("127.0.0.1", server.port(), cfg); Jedis other = new Jedis("127.0.0.1", server.port(),
        cfg)) {
      assertEquals("OK", j.set(p + "a", "x"));
      assertEquals(2, j.append(p + "a", "y"));
      assertEquals("xy", j.get(p + "a"));
      assertEquals(1, j.pexpire(p + "a", 100_000));
      assertTrue(j.pttl(p + "a") > 90_000);
      assertEquals(1, j.persist(p + "a"));
      assertEquals(-1, j.ttl(p + "a"));

      Pipeline pl = j.pipelined();
      List<Response<Long>> incrs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        incrs.add(pl.incr(p + "n"));
      }
      pl.sync();
      assertEquals(100L, incrs.get(99).get());

      Transaction t = j.multi();
      t.set(p + "b", "1");
      t.incr(p + "b");
      List<Object> r = t.exec();
      assertEquals(List.of("OK", 2L), r);

      BlockingQueue<String> got = new LinkedBlockingQueue<>();
      JedisPubSub listener = new JedisPubSub() {
        @Override
        public void onMessage(String channel, String message) {
          got.add(message);
          unsubscribe();
        }

        @Override
        public void onSubscribe(String channel, int count) {
          other.publish(channel, "ping-" + count);
        }
      };
      Thread th = new Thread(() -> j.subscribe(listener, p + "chan"));
      th.start();
      assertEquals("ping-1", got.poll(5, TimeUnit.SECONDS));
      th.join(5000);
    }
  }

  /** Jedis's client-side cache, which Jedis enables only for a server answering HELLO as redis >= 7.4. */
  @Test
  void jedisClientSideCacheIsInvalidated() throws Exception {
    DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).build();
    try (redis.clients.jedis.RedisClient cached = redis.clients.jedis.RedisClient.builder()
            .hostAndPort("127.0.0.1", server.port()).clientConfig(cfg)
            .cacheConfig(CacheConfig.builder().maxSize(1000).build()).build();
        Jedis writer = new Jedis("127.0.0.1", server.port())) {
      writer.set("csc", "one");
      assertEquals("one", cached.get("csc"));
      assertEquals("one", cached.get("csc"));
      assertTrue(cached.getCache().getStats().getHitCount() >= 1, "the second read is served from the cache");
      writer.set("csc", "two");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      String seen = cached.get("csc");
      while (!seen.equals("two") && System.nanoTime() < deadline) {
        Thread.sleep(10);
        seen = cached.get("csc");
      }
      assertEquals("two", seen, "the invalidation reached Jedis's cache");
    }
  }

  @Test
  void lettuceResp3HelloSaysRedis() {
    RedisClient client = lettuce(ProtocolVersion.RESP3);
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      String info = conn.sync().info("server");
      assertTrue(info.contains("redis_version:" + CairnServer.REDIS_VERSION), info);
      assertTrue(info.contains("cairn_version:"), info);
    } finally {
      client.shutdown();
    }
  }
}
