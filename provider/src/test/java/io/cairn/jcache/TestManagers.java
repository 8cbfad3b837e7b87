package io.cairn.jcache;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * Cache managers for tests in every module (the provider's test-jar): each one new, from Cairn's provider, under a
 * URI no other test uses, so tests never share caches by accident.
 */
public final class TestManagers {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private TestManagers() {}

  /** A new manager whose persistent caches go under {@code dir}/data. */
  public static CacheManager open(String name, Path dir) {
    Properties p = new Properties();
    p.setProperty("directory", dir.resolve("data").toString());
    return open(name, p);
  }

  /** A new manager with the given manager properties (Cairn's keys: directory, default.*, cache.NAME.*, ...). */
  public static CacheManager open(String name, Properties properties) {
    URI uri = URI.create("urn:cairn:" + name + "-" + System.nanoTime() + "-" + SEQUENCE.incrementAndGet());
    return Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(uri, TestManagers.class.getClassLoader(), properties);
  }

  /** A new manager with no properties. */
  public static CacheManager open(String name) {
    return open(name, new Properties());
  }
}
