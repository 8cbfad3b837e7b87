package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Hibernate application does: 200 caches created with a bare {@code MutableConfiguration} (the defaults: a
 * 10,000-entry heap tier), 15,000 entries each, so every one spills to disk. The manager's caches share one engine
 * environment, so the threads and open files stay a handful however many caches there are, and every entry is
 * still served. (Each cache on its own engine used to take 408 threads and 421 open files for this.)
 */
class ManyCachesTest {
  @TempDir Path dir;

  private static long cairnThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("cairn")).count();
  }

  private static long openFiles() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(fds)) {
      return s.count();
    }
  }

  @Test
  void twoHundredSpillingCachesShareAFewThreadsAndFiles() throws IOException {
    Properties p = new Properties();
    p.setProperty("directory", dir.resolve("data").toString());
    p.setProperty("shared.max-open-files", "64");
    // Small write buffers, so each cache's spilled entries reach a few table files (800 or so in all, past the 64).
    p.setProperty("default.memtable-bytes", "64k");
    CacheManager m = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create("urn:cairn:many-caches"), getClass().getClassLoader(), p);
    long threadsBefore = cairnThreads();
    long filesBefore = openFiles();
    try {
      List<Cache<Integer, String>> caches = new ArrayList<>();
      for (int c = 0; c < 200; c++) {
        Cache<Integer, String> cache = m.createCache("region-" + c,
            new MutableConfiguration<Integer, String>().setTypes(Integer.class, String.class));
        for (int i = 0; i < 15_000; i++) {
          cache.put(i, "value-" + c + "-" + i);
        }
        caches.add(cache);
      }
      long threads = cairnThreads() - threadsBefore;
      long files = filesBefore < 0 ? -1 : openFiles() - filesBefore;
      System.out.printf("ManyCachesTest: 200 caches of 15,000 entries: %d more Cairn threads, %d more open files%n",
          threads, files);
      for (int c = 0; c < 200; c++) {
        Cache<Integer, String> cache = caches.get(c);
        for (int i : new int[] {0, 1, 4_999, 5_000, 14_999}) {
          assertEquals("value-" + c + "-" + i, cache.get(i), "cache " + c + " key " + i);
        }
        assertTrue(cache.unwrap(CairnCache.class).engineStatistics().tables().files() > 0,
            "cache " + c + " spilled to disk tables");
      }
      assertTrue(threads <= 8, "200 caches run " + threads + " more Cairn threads");
      if (files >= 0) {
        assertTrue(files <= 64 + 16, "200 caches hold " + files + " more open files (shared.max-open-files=64)");
      }
    } finally {
      m.close();
    }
  }
}
