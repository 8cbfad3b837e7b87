package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.engine.ChildJvm;
import io.cairn.engine.Durability;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM writes to a persistent cache and prints each acknowledged put; the test kills it with SIGKILL and
 * reopens the cache: every acknowledged entry is there with its value and its absolute expiry.
 */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class PersistenceCrashIT {
  @TempDir Path dir;

  static CairnConfiguration<String, String> config(Path dir, Durability d) {
    CairnConfiguration<String, String> c = new CairnConfiguration<String, String>().setPersistent(true)
        .setDirectory(dir).setDurability(d).setHeapEntries(100).setMemtableBytes(64 * 1024);
    c.setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 2)));
    return c;
  }

  /** Writes key-i = value-i forever, printing "ACK i" after each put returns. */
  public static final class Child {
    public static void main(String[] args) {
      PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
      CacheManager m = Caching.getCachingProvider(CairnCachingProvider.class.getName())
          .getCacheManager(URI.create("urn:cairn:crash"), Child.class.getClassLoader());
      Cache<String, String> c = m.createCache("crash", config(Path.of(args[0]), Durability.valueOf(args[1])));
      out.println("READY");
      for (int i = 0; ; i++) {
        c.put("key-" + i, "value-" + i);
        out.println("ACK " + i);
      }
    }
  }

  @Test
  void acknowledgedPutsSurviveSigkill() throws Exception {
    Path cacheDir = dir.resolve("cache");
    for (Durability d : new Durability[] {Durability.BUFFERED, Durability.SYNC}) {
      Process p = ChildJvm.builder(Child.class, List.of(), cacheDir.toString(), d.name()).start();
      AtomicInteger last = new AtomicInteger(-1);
      StringBuilder other = new StringBuilder();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (line.startsWith("ACK ")) {
              last.set(Integer.parseInt(line.substring(4)));
            } else if (!line.equals("READY")) {
              other.append(line).append('\n');
            }
          }
        } catch (Exception ignored) {
          // The pipe closes when the child dies.
        }
      });
      reader.start();
      long deadline = System.currentTimeMillis() + 30_000;
      while (last.get() < 2000 && p.isAlive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      ChildJvm.kill9(p);
      reader.join();
      int acked = last.get();
      if (acked < 0) {
        fail("child wrote nothing:\n" + other);
      }
      long now = System.currentTimeMillis();
      CacheManager m = Caching.getCachingProvider(CairnCachingProvider.class.getName())
          .getCacheManager(URI.create("urn:cairn:verify-" + d), getClass().getClassLoader());
      try {
        Cache<String, String> c = m.createCache("crash", config(cacheDir, d));
        for (int i = 0; i <= acked; i++) {
          assertEquals("value-" + i, c.get("key-" + i), d + ": acknowledged put " + i + " of " + acked);
        }
        long expireAt = c.unwrap(TieredCache.class).diskEntry("key-0").expireAtMillis();
        assertTrue(expireAt > now && expireAt < now + TimeUnit.HOURS.toMillis(2) + 1000,
            d + ": the absolute expiry survives: " + expireAt);
        c.clear();
      } finally {
        m.close();
      }
    }
  }
}
