package io.cairn.spring;

import io.cairn.engine.StoreError;
import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnCachingProvider;
import io.cairn.jcache.TierStatistics;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code cairn} health contributor: one indicator per persistent cache directory, named after its cache, for the
 * persistent caches open when health is asked (so caches created on first use are included). An indicator is
 * {@code DOWN} when the directory cannot be written (permissions, a read-only file system), when the disk has less
 * free space than the cache's disk budget still needs (budget less what its tables take), or when the store has a
 * standing error that refuses writes; an error writes go on through is reported in the details with status
 * {@code UP}, as is the count of background errors the store had. Details: directory, writable, free and needed
 * bytes, budget and used bytes, background errors, corruptions, the standing error.
 */
public class CairnHealthContributor implements CompositeHealthContributor {
  private final ObjectProvider<CacheManager> managers;

  public CairnHealthContributor(ObjectProvider<CacheManager> managers) {
    this.managers = managers;
  }

  @Override
  public HealthContributor getContributor(String name) {
    for (Entry e : entries()) {
      if (e.name().equals(name)) {
        return e.contributor();
      }
    }
    return null;
  }

  @Override
  public Stream<Entry> stream() {
    return entries().stream();
  }

  private List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    managers.orderedStream().filter(m -> !m.isClosed() && m.getCachingProvider() instanceof CairnCachingProvider)
        .forEach(m -> {
          for (String name : m.getCacheNames()) {
            Cache<?, ?> c = m.getCache(name);
            if (c != null && c.unwrap(CairnCache.class).tiers().disk().persistent()) {
              out.add(new Entry(name, new DirectoryHealth(m, name)));
            }
          }
        });
    return out;
  }

  /** The health of one persistent cache's directory, looked up by name each time. */
  static final class DirectoryHealth implements HealthIndicator {
    private final CacheManager manager;
    private final String cache;

    DirectoryHealth(CacheManager manager, String cache) {
      this.manager = manager;
      this.cache = cache;
    }

    @Override
    public Health health() {
      Cache<?, ?> c = manager.isClosed() ? null : manager.getCache(cache);
      if (c == null) {
        return Health.unknown().withDetail("cache", cache).withDetail("reason", "the cache is closed").build();
      }
      TierStatistics.Disk disk = c.unwrap(CairnCache.class).tiers().disk();
      Path dir = disk.directory();
      Health.Builder h = Health.up().withDetail("directory", String.valueOf(dir));
      boolean down = false;
      if (dir == null) {
        return h.unknown().withDetail("reason", "the disk tier is not open").build();
      }
      boolean writable;
      long usable;
      try {
        FileStore store = Files.getFileStore(dir);
        writable = Files.isDirectory(dir) && Files.isWritable(dir) && !store.isReadOnly();
        usable = store.getUsableSpace();
      } catch (IOException e) {
        return h.down(e).withDetail("writable", false).build();
      }
      long needed = Math.max(0, disk.budgetBytes() - disk.bytes());
      h.withDetail("writable", writable).withDetail("freeBytes", usable).withDetail("budgetBytes", disk.budgetBytes())
          .withDetail("usedBytes", disk.bytes()).withDetail("neededBytes", needed);
      if (!writable) {
        down = true;
        h.withDetail("reason", "the directory cannot be written");
      } else if (usable < needed) {
        down = true;
        h.withDetail("reason", "the disk has " + usable + " bytes free; the disk budget needs " + needed + " more");
      }
      TierStatistics.Events events = disk.events();
      long backgroundErrors = disk.engine() == null ? events.backgroundErrors()
          : disk.engine().errors().backgroundErrors();
      h.withDetail("backgroundErrors", backgroundErrors).withDetail("corruptions", events.corruptions());
      StoreError error = disk.error();
      if (error != null) {
        h.withDetail("error", error.describe()).withDetail("errorSeverity", error.severity().name());
        if (error.stopsWrites()) {
          down = true;
          h.withDetail("reason", "the store refuses writes: " + error.describe());
        }
      }
      return down ? h.down().build() : h.build();
    }
  }
}
