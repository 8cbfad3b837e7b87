package io.cairn.samples;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The plain JCache API on Cairn, nothing Cairn-specific: a cache from a bare {@code MutableConfiguration}, expiry, a
 * listener, an entry processor and statistics.
 *
 * <pre>mvn -B -q -pl samples exec:java -Dexec.mainClass=io.cairn.samples.PlainApi</pre>
 */
public final class PlainApi {
  private PlainApi() {}

  /** Prints every created entry. */
  public static final class PrintCreated implements CacheEntryCreatedListener<String, Integer>, Serializable {
    private static final long serialVersionUID = 1L;
    static PrintStream out = System.out;

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      events.forEach(e -> out.println("  created " + e.getKey() + " = " + e.getValue()));
    }
  }

  public static void main(String[] args) throws InterruptedException {
    run(System.out);
  }

  static void run(PrintStream out) throws InterruptedException {
    PrintCreated.out = out;
    CacheManager manager = Caching.getCachingProvider("io.cairn.jcache.CairnCachingProvider").getCacheManager();
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setStatisticsEnabled(true)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 300)))
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(PrintCreated.class), null, false, true));
    Cache<String, Integer> visits = manager.createCache("visits", config);
    try {
      visits.put("home", 1);
      visits.invoke("home", (entry, a) -> {
        entry.setValue(entry.getValue() + 1);
        return null;
      });
      out.println("home visits: " + visits.get("home"));
      out.println("about visits: " + visits.get("about"));
      Thread.sleep(400);
      out.println("after 400 ms (entries live 300 ms): " + visits.get("home"));
      CacheStatisticsMXBean stats = statistics(visits);
      out.println("gets " + stats.getCacheGets() + ", hits " + stats.getCacheHits() + ", misses "
          + stats.getCacheMisses() + ", puts " + stats.getCachePuts());
    } finally {
      manager.destroyCache("visits");
    }
  }

  /** The cache's statistics MXBean, as JMX tools see it. */
  private static CacheStatisticsMXBean statistics(Cache<?, ?> cache) {
    try {
      javax.management.ObjectName name = new javax.management.ObjectName("javax.cache:type=CacheStatistics"
          + ",CacheManager=" + cache.getCacheManager().getURI().toString().replaceAll("[,:=\n]", ".")
          + ",Cache=" + cache.getName());
      return javax.management.JMX.newMXBeanProxy(java.lang.management.ManagementFactory.getPlatformMBeanServer(),
          name, CacheStatisticsMXBean.class);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }
}
