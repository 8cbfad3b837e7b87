package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.SmallDisk;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A persistent cache of a Boot application on a real disk that fills up (an 8 MiB tmpfs; needs root, skipped
 * otherwise): while writes are refused the cache's health is DOWN and says why, and the background-error meter has
 * counted it; once space is freed and writes come back, the health is UP again, the errors still counted.
 */
class FullDiskHealthIT {
  @Test
  void aFullDiskIsDownInTheHealthAndCountedInTheMetersUntilSpaceIsFreed() throws Exception {
    SmallDisk disk = SmallDisk.mountOrSkip(8, 3 << 20);
    try {
      Path filler = disk.filler();
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class, CacheAutoConfiguration.class,
              CairnMetricsAutoConfiguration.class, CairnActuatorAutoConfiguration.class))
          .withPropertyValues("cairn.directory=" + disk.root(), "cairn.uri=urn:cairn:full-disk-" + System.nanoTime(),
              "cairn.caches.orders.persistent=true", "cairn.caches.orders.durability=SYNC",
              "cairn.caches.orders.heap-entries=100", "cairn.caches.orders.memtable-bytes=64KB",
              "cairn.caches.orders.disk-bytes=2MB",
              "cairn.caches.orders.compression=NONE", "spring.cache.cache-names=orders")
          .run(ctx -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ctx.getBean("cairnMetrics", MeterBinder.class).bindTo(registry);
            HealthIndicator health = (HealthIndicator) ctx.getBean(CairnHealthContributor.class)
                .getContributor("orders");
            assertEquals(Status.UP, health.health().getStatus(), health.health().toString());
            @SuppressWarnings("unchecked")
            Cache<Object, Object> c = ctx.getBean(CacheManager.class).getCache("orders");
            c.put(-1, new byte[] {0});
            // Something else takes the disk but a quarter MiB.
            Path more = disk.root().resolve("more");
            Files.write(more, new byte[(int) Math.max(0, Files.getFileStore(disk.root()).getUsableSpace()
                - (256 << 10))]);
            Random r = new Random(5);
            CacheException full = null;
            for (int i = 0; full == null; i++) {
              byte[] v = new byte[500];
              r.nextBytes(v);
              try {
                c.put(i, v);
              } catch (CacheException e) {
                full = e;
              }
              assertTrue(i < 100_000, "8 MiB never filled");
            }
            Health down = health.health();
            if (down.getStatus() != Status.DOWN) {
              // The store may already have dropped tables to make room and recovered: fill it again at once.
              down = awaitStatus(health, Status.DOWN, c, r);
            }
            assertEquals(Status.DOWN, down.getStatus(), down.toString());
            String reason = String.valueOf(down.getDetails().get("reason"));
            assertTrue(reason.contains("refuses writes") && reason.contains("space"), down.toString());
            assertTrue((Long) down.getDetails().get("backgroundErrors") > 0, down.toString());
            assertTrue(registry.get("cairn.engine.background.errors").tags("cache", "orders").functionCounter()
                .count() > 0, "the meter counted the error");

            Files.delete(filler);
            Files.delete(more);
            Health up = awaitStatus(health, Status.UP, null, null);
            assertEquals(Status.UP, up.getStatus(), up.toString());
            c.put("after", new byte[] {1});
            assertTrue((Long) up.getDetails().get("backgroundErrors") > 0, "the errors stay counted: " + up);
          });
    } finally {
      disk.close();
    }
  }

  /**
   * Polls the health until it has {@code status} (a minute at most); with a cache, keeps writing to it meanwhile so
   * that the disk stays full.
   */
  private static Health awaitStatus(HealthIndicator health, Status status, Cache<Object, Object> fill, Random r)
      throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Health h = health.health();
    int i = 1_000_000;
    while (h.getStatus() != status && System.nanoTime() < deadline) {
      if (fill != null) {
        byte[] v = new byte[500];
        r.nextBytes(v);
        try {
          fill.put(i++, v);
        } catch (CacheException refused) {
          // Refused while full: what the health should show.
        }
      } else {
        Thread.sleep(20);
      }
      h = health.health();
    }
    return h;
  }
}
