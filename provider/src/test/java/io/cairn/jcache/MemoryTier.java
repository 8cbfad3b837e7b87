package io.cairn.jcache;

import io.cairn.jcache.spi.Coherence;
import io.cairn.jcache.spi.ConflictException;
import io.cairn.jcache.spi.SharedStore;
import io.cairn.jcache.spi.SharedTier;
import io.cairn.jcache.spi.SharedTierProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheManager;

/**
 * A shared tier in this JVM's memory, for provider tests that must place another process's write and its
 * invalidation at an exact point of a remote cache's step (the Redis-backed tests in cairn-redis cannot). It keeps
 * versions and stamps as Redis does for Cairn and compares stamps on write; {@link #otherWrites} stands for another
 * process: it changes the entry, then tells the cache's coherence, as an invalidation push would. A manager reaches
 * it through {@link #manager}, whose class loader names its provider to the ServiceLoader (nothing is registered for
 * other tests).
 */
final class MemoryTier implements SharedTier {
  private static final Map<String, MemoryTier> TIERS = new ConcurrentHashMap<>();
  private static final AtomicLong STAMPS = new AtomicLong();

  private final Map<ByteBuffer, Version> entries = new ConcurrentHashMap<>();
  /** Runs inside {@link #clear}, once the entries are gone (a test holds the clear there). */
  volatile Runnable duringClear;
  private final Coherence coherence;

  private MemoryTier(Coherence coherence) {
    this.coherence = coherence;
  }

  /** A manager whose caches are remote over memory tiers, with {@code properties} as its settings. */
  static CacheManager manager(String name, Properties properties) throws IOException {
    Path services = Files.createTempDirectory("cairn-memory-tier");
    Path file = services.resolve("META-INF/services/" + SharedTierProvider.class.getName());
    Files.createDirectories(file.getParent());
    Files.writeString(file, Provider.class.getName() + "\n");
    URL url = file.toUri().toURL();
    ClassLoader loader = new ClassLoader(MemoryTier.class.getClassLoader()) {
      @Override
      public Enumeration<URL> getResources(String n) throws IOException {
        return n.equals("META-INF/services/" + SharedTierProvider.class.getName())
            ? Collections.enumeration(java.util.List.of(url)) : super.getResources(n);
      }
    };
    Properties p = new Properties();
    p.putAll(properties);
    p.setProperty("remote.uri", "mem:" + name);
    return new CairnCachingProvider().getCacheManager(URI.create("urn:cairn:memory-" + name + "-" + System.nanoTime()),
        loader, p);
  }

  /** The tier of cache {@code cacheName} once it is open. */
  static MemoryTier of(String cacheName) {
    return TIERS.get(cacheName);
  }

  /** Another process writes {@code value} (codec bytes) to {@code key}; its invalidation reaches the cache. */
  void otherWrites(byte[] key, byte[] value) {
    entries.put(ByteBuffer.wrap(key), new Version(value, STAMPS.incrementAndGet(), Long.MAX_VALUE));
    coherence.invalidated(key);
  }

  /** Another process writes {@code key} and the cache hears nothing (a lost notification): its next write conflicts. */
  void otherWritesUnheard(byte[] key, byte[] value) {
    entries.put(ByteBuffer.wrap(key), new Version(value, STAMPS.incrementAndGet(), Long.MAX_VALUE));
  }

  /** The entry's value now, or null. */
  byte[] value(byte[] key) {
    Version v = entries.get(ByteBuffer.wrap(key));
    return v == null ? null : v.value();
  }

  @Override
  public Version read(byte[] key) {
    return entries.get(ByteBuffer.wrap(key));
  }

  @Override
  public Written write(byte[] key, byte[] value, long expireAtMillis, long expectedStamp) {
    long stamp = STAMPS.incrementAndGet();
    entries.compute(ByteBuffer.wrap(key.clone()), (k, v) -> {
      if ((v == null ? ABSENT : v.stamp()) != expectedStamp) {
        throw new ConflictException("stamp " + expectedStamp + " expected");
      }
      return new Version(value, stamp, expireAtMillis);
    });
    return new Written(stamp, coherence.reserve(key));
  }

  @Override
  public void delete(byte[] key, long expectedStamp) {
    entries.compute(ByteBuffer.wrap(key.clone()), (k, v) -> {
      if ((v == null ? ABSENT : v.stamp()) != expectedStamp) {
        throw new ConflictException("stamp " + expectedStamp + " expected");
      }
      return null;
    });
  }

  @Override
  public Iterator<byte[]> keys() {
    return entries.keySet().stream().map(b -> {
      byte[] k = new byte[b.remaining()];
      b.duplicate().get(k);
      return k;
    }).iterator();
  }

  @Override
  public void clear() {
    entries.clear();
    Runnable r = duringClear;
    if (r != null) {
      r.run();
    }
  }

  @Override
  public boolean othersListen() {
    return false;
  }

  @Override
  public void publish(byte[] message) {}

  @Override
  public void listen(boolean on) {}

  @Override
  public void close() {}

  /** The provider a {@link #manager}'s ServiceLoader finds. */
  public static final class Provider implements SharedTierProvider {
    @Override
    public boolean accepts(String uri) {
      return uri.startsWith("mem:");
    }

    @Override
    public SharedStore connect(String uri, Map<String, String> options, String namespace) {
      return new SharedStore() {
        @Override
        public SharedTier open(String cacheName, boolean oneSlot, Coherence coherence) {
          MemoryTier t = new MemoryTier(coherence);
          TIERS.put(cacheName, t);
          coherence.ready(true);
          return t;
        }

        @Override
        public String describe() {
          return uri;
        }

        @Override
        public void close() {}
      };
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
