package io.cairn.redis;

import io.cairn.jcache.CairnCachingProvider;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the remote ITs stand on: one real redis-server per test class, a raw Lettuce connection to it (another client,
 * not Cairn), and per test two providers with a manager each over it, standing for two JVMs, with the server flushed
 * before each test. A subclass names its manager URI.
 */
abstract class TwoProcesses {
  static RedisProcess redis;
  static RedisClient other;
  static StatefulRedisConnection<byte[], byte[]> otherConn;
  private CairnCachingProvider providerA;
  private CairnCachingProvider providerB;
  CacheManager a;
  CacheManager b;

  /** A remote manager's properties over {@code uri}, with a fast health check. */
  static Properties remote(String uri) {
    Properties p = new Properties();
    p.setProperty("remote.uri", uri);
    p.setProperty("remote.ping-interval", "200ms");
    return p;
  }

  /** The URI both managers open (the key prefix of their caches in Redis). */
  abstract URI manager();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisProcess.start();
    other = RedisClient.create();
    otherConn = redis.connect(other);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    otherConn.close();
    other.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    redis.close();
  }

  @BeforeEach
  void managers() {
    otherConn.sync().flushall();
    providerA = new CairnCachingProvider();
    providerB = new CairnCachingProvider();
    a = providerA.getCacheManager(manager(), getClass().getClassLoader(), remote(redis.uri()));
    b = providerB.getCacheManager(manager(), getClass().getClassLoader(), remote(redis.uri()));
  }

  @AfterEach
  void close() {
    providerA.close();
    providerB.close();
  }
}
