package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The metrics binder, the health contributor and the endpoint the auto-configuration registers, on real caches. */
class CairnActuatorTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class, CacheAutoConfiguration.class,
            CairnMetricsAutoConfiguration.class, CairnActuatorAutoConfiguration.class))
        .withPropertyValues("cairn.directory=" + dir, "cairn.uri=urn:cairn:actuator-test-" + System.nanoTime(),
            "cairn.caches.kept.persistent=true", "cairn.caches.kept.heap-entries=10",
            "cairn.caches.kept.disk-bytes=64MB", "spring.cache.cache-names=kept,scratch",
            "management.endpoints.web.exposure.include=cairn", "management.endpoints.jmx.exposure.include=cairn");
  }

  @Test
  void theBinderCoversCachesCreatedBeforeAndAfterBinding() {
    runner().run(ctx -> {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ctx.getBean("cairnMetrics", MeterBinder.class).bindTo(registry);
      CacheManager m = ctx.getBean(CacheManager.class);
      Cache<Object, Object> kept = m.getCache("kept");
      for (int i = 0; i < 100; i++) {
        kept.put("k" + i, "v" + i);
      }
      // Spills are entries the heap wrote down as they left; a persistent cache writes every entry through, so its
      // evictions are not spills.
      assertEquals(90, registry.get("cairn.evictions").tags("cache", "kept", "tier", "heap").functionCounter()
          .count());
      Cache<Object, Object> later = m.createCache("later", new javax.cache.configuration.MutableConfiguration<>());
      later.put("a", "b");
      assertEquals(1, registry.get("cairn.entries").tags("cache", "later", "tier", "heap").gauge().value());
      assertNotNull(registry.find("cairn.engine.live.files").tags("cache", "kept").gauge());
    });
  }

  @Test
  void eachPersistentDirectoryHasAHealthIndicator() {
    runner().run(ctx -> {
      CairnHealthContributor health = ctx.getBean(CairnHealthContributor.class);
      List<String> names = health.stream().map(HealthContributors.Entry::name).toList();
      assertEquals(List.of("kept"), names, "only the persistent cache has a directory of its own");
      Health h = ((HealthIndicator) health.getContributor("kept")).health();
      assertEquals(Status.UP, h.getStatus(), h.toString());
      assertEquals(dir.resolve("kept").toString(), h.getDetails().get("directory"));
      assertEquals(true, h.getDetails().get("writable"));
      assertEquals(64L << 20, h.getDetails().get("budgetBytes"));
      assertTrue((Long) h.getDetails().get("freeBytes") > 0);
      assertEquals(0L, h.getDetails().get("backgroundErrors"));
      assertNull(health.getContributor("scratch"));
    });
  }

  @Test
  void aDiskTooSmallForTheBudgetIsDown() {
    runner().withPropertyValues("cairn.caches.kept.disk-bytes=1000000TB").run(ctx -> {
      Health h = ((HealthIndicator) ctx.getBean(CairnHealthContributor.class).getContributor("kept")).health();
      assertEquals(Status.DOWN, h.getStatus(), h.toString());
      assertTrue(String.valueOf(h.getDetails().get("reason")).contains("the disk budget needs"), h.toString());
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void theEndpointShowsEachCachesTiersAndEngine() {
    runner().run(ctx -> {
      CacheManager m = ctx.getBean(CacheManager.class);
      Cache<Object, Object> kept = m.getCache("kept");
      for (int i = 0; i < 50; i++) {
        kept.put("k" + i, "v" + i);
      }
      kept.unwrap(io.cairn.jcache.CairnCache.class).flush();
      Map<String, Object> one = ctx.getBean(CairnEndpoint.class).cache("kept");
      Map<String, Object> tiers = (Map<String, Object>) one.get("tiers");
      Map<String, Object> heap = (Map<String, Object>) tiers.get("heap");
      assertEquals(10L, heap.get("entries"));
      assertEquals(40L, heap.get("evictions"));
      Map<String, Object> disk = (Map<String, Object>) tiers.get("disk");
      assertEquals(true, disk.get("persistent"));
      assertTrue((Long) disk.get("bytes") > 0, disk.toString());
      Map<String, Object> engine = (Map<String, Object>) one.get("engine");
      assertTrue((Long) ((Map<String, Object>) engine.get("flush")).get("count") >= 1, engine.toString());
      assertNull(((Map<String, Object>) engine.get("errors")).get("current"));
      Map<String, Object> all = ctx.getBean(CairnEndpoint.class).caches();
      Map<String, Object> managers = (Map<String, Object>) all.get("managers");
      assertEquals(1, managers.size());
      Map<String, Object> caches = (Map<String, Object>) ((Map<String, Object>) managers.values().iterator().next())
          .get("caches");
      assertTrue(caches.keySet().containsAll(List.of("kept", "scratch")), caches.keySet().toString());
      assertNull(ctx.getBean(CairnEndpoint.class).cache("nothing"));
    });
  }
}
