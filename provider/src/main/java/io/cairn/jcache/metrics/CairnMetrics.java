package io.cairn.jcache.metrics;

import io.cairn.engine.StoreStatistics;
import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnCacheManager;
import io.cairn.jcache.TierStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * Micrometer meters for what JCache's statistics (and so Micrometer's {@code JCacheMetrics}) cannot see, for every
 * cache of a Cairn cache manager, those it creates later included. Needs {@code io.micrometer:micrometer-core} on the
 * class path (an optional dependency of Cairn's provider); Spring Boot's auto-configuration binds it by itself, and
 * without Spring:
 * <pre>{@code new CairnMetrics(cacheManager).bindTo(registry);}</pre>
 *
 * <p>Every meter is tagged {@code cache} (the cache's name), {@code tier} ({@code heap} or {@code disk}) where it
 * belongs to one, and the tags given to the constructor. Disk and engine meters exist for caches with a disk tier,
 * and read zero until a non-persistent cache's disk tier opens on its first spill.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tier</th><th>what</th></tr>
 *   <tr><td>cairn.entries</td><td>gauge</td><td>heap, disk</td><td>entries on the heap; on disk, the estimate of
 *   {@link TierStatistics.Disk#estimatedEntries()}</td></tr>
 *   <tr><td>cairn.bytes</td><td>gauge</td><td>disk</td><td>bytes of the disk tier's tables</td></tr>
 *   <tr><td>cairn.evictions</td><td>counter</td><td>heap</td><td>entries the heap evicted for size</td></tr>
 *   <tr><td>cairn.spills</td><td>counter</td><td>heap</td><td>of those, entries written to disk as they left</td></tr>
 *   <tr><td>cairn.reads</td><td>counter</td><td>disk</td><td>point reads on disk, tagged {@code result=hit|miss}</td></tr>
 *   <tr><td>cairn.fifo.drops</td><td>counter</td><td>disk</td><td>entries lost to the disk budget</td></tr>
 *   <tr><td>cairn.timer.expiries</td><td>counter</td><td></td><td>entries the expiry timer found expired</td></tr>
 *   <tr><td>cairn.engine.write.amplification, cairn.engine.space.amplification</td><td>gauge</td><td>disk</td>
 *   <td>bytes flushed and compacted per byte written; bytes in all tables per byte in the largest level</td></tr>
 *   <tr><td>cairn.engine.flushes, cairn.engine.compactions</td><td>counter</td><td>disk</td><td>memtables flushed;
 *   merges and FIFO drops installed</td></tr>
 *   <tr><td>cairn.engine.stalls; cairn.engine.stall.time</td><td>counter</td><td>disk</td><td>times writes waited for
 *   a flush or compaction; seconds writers spent slowed or waiting</td></tr>
 *   <tr><td>cairn.engine.block.cache.hit.ratio</td><td>gauge</td><td>disk</td><td>the store's block-cache lookups
 *   that hit</td></tr>
 *   <tr><td>cairn.engine.bloom.useful, cairn.engine.bloom.false.positives</td><td>counter</td><td>disk</td>
 *   <td>lookups a bloom filter saved; lookups it let through for a key the table did not hold</td></tr>
 *   <tr><td>cairn.engine.live.files</td><td>gauge</td><td>disk</td><td>tables in the store</td></tr>
 *   <tr><td>cairn.engine.background.errors</td><td>counter</td><td>disk</td><td>background failures, each failed
 *   retry included</td></tr>
 * </table>
 *
 * <p>The meters read {@link CairnCache#tiers()}, which reads the engine's statistics: one snapshot per cache serves
 * every meter read within {@link #statisticsMaxAge} of it (100 ms unless set), so a registry publishing all
 * meters at once costs one snapshot per cache. A meter of a cache that was closed reads NaN (a gauge) or its last
 * value (a counter); one created again under the same name is read from then on. Meters hold the manager weakly, as
 * Micrometer's gauges do.
 */
public final class CairnMetrics implements MeterBinder {
  private final CacheManager manager;
  private final Tags tags;
  private volatile Duration statisticsMaxAge = Duration.ofMillis(100);

  /**
   * Meters for {@code manager}'s caches (a Cairn manager, or one that unwraps to it).
   *
   * @throws IllegalArgumentException if {@code manager} is not a Cairn cache manager
   */
  public CairnMetrics(CacheManager manager) {
    this(manager, Tags.empty());
  }

  /**
   * Meters for {@code manager}'s caches, each also carrying {@code tags}.
   *
   * @throws IllegalArgumentException if {@code manager} is not a Cairn cache manager
   */
  public CairnMetrics(CacheManager manager, Iterable<Tag> tags) {
    this.manager = Objects.requireNonNull(manager, "cache manager");
    manager.unwrap(CairnCacheManager.class);
    this.tags = Tags.of(tags);
  }

  /**
   * How old a cache's snapshot may be when a meter is read (zero: a fresh one for every read). Set it before
   * {@link #bindTo}.
   */
  public CairnMetrics statisticsMaxAge(Duration maxAge) {
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("statisticsMaxAge must be >= 0, was " + maxAge);
    }
    this.statisticsMaxAge = maxAge;
    return this;
  }

  /** Registers the meters of every cache the manager holds now, and of each it creates later. */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    CairnCacheManager m = manager.unwrap(CairnCacheManager.class);
    long maxAgeNanos = statisticsMaxAge.toNanos();
    m.addCreationListener(c -> bind(registry, m, c, maxAgeNanos));
    for (String name : m.getCacheNames()) {
      Cache<?, ?> c = m.getCache(name);
      if (c != null) {
        bind(registry, m, c, maxAgeNanos);
      }
    }
  }

  private void bind(MeterRegistry registry, CacheManager m, Cache<?, ?> cache, long maxAgeNanos) {
    Sampler s = new Sampler(cache.getName(), maxAgeNanos);
    TierStatistics first = s.sample(m);
    s.expire();
    Tags cacheTags = tags.and("cache", cache.getName());
    Tags heap = cacheTags.and("tier", "heap");
    Tags disk = cacheTags.and("tier", "disk");

    gauge(registry, "cairn.entries", heap, m, s, t -> t.heap().entries(), "entries", "entries on the heap tier");
    counter(registry, "cairn.evictions", heap, m, s, t -> t.heap().evictions(), "entries",
        "entries the heap tier evicted for size");
    counter(registry, "cairn.spills", heap, m, s, t -> t.heap().spills(), "entries",
        "entries the heap tier evicted that were written to the disk tier as they left");
    counter(registry, "cairn.timer.expiries", cacheTags, m, s, TierStatistics::timerExpiries, "entries",
        "entries the expiry timer found expired");
    if (first == null || !first.disk().enabled()) {
      return;
    }
    gauge(registry, "cairn.entries", disk, m, s, t -> t.disk().estimatedEntries(), "entries",
        "entries in the disk tier's tables (an estimate: unmerged versions and index records count)");
    gauge(registry, "cairn.bytes", disk, m, s, t -> t.disk().bytes(), "bytes", "bytes of the disk tier's tables");
    counter(registry, "cairn.reads", disk.and("result", "hit"), m, s, t -> t.disk().readHits(), "reads",
        "point reads on the disk tier that found a live entry");
    counter(registry, "cairn.reads", disk.and("result", "miss"), m, s, t -> t.disk().readMisses(), "reads",
        "point reads on the disk tier that found nothing");
    counter(registry, "cairn.fifo.drops", disk, m, s, t -> t.disk().fifoDrops(), "entries",
        "entries lost to the disk budget (neither read recently nor on the heap)");

    engineGauge(registry, "cairn.engine.write.amplification", disk, m, s, e -> e.writes().writeAmplification(),
        null, "bytes flushed and compacted per byte written");
    engineGauge(registry, "cairn.engine.space.amplification", disk, m, s, e -> e.tables().spaceAmplification(),
        null, "bytes in all tables per byte in the largest level");
    engineCounter(registry, "cairn.engine.flushes", disk, m, s, e -> e.flush().count(), "flushes",
        "memtables written to tables");
    engineCounter(registry, "cairn.engine.compactions", disk, m, s, e -> e.compact().count(), "compactions",
        "merges and FIFO drops installed");
    counter(registry, "cairn.engine.stalls", disk, m, s, t -> t.disk().events().stalls(), "stalls",
        "times writes waited for a flush or a compaction");
    engineCounter(registry, "cairn.engine.stall.time", disk, m, s, e -> e.writes().stallMicros() / 1e6, "seconds",
        "time writers spent slowed or waiting for flush and compaction");
    engineGauge(registry, "cairn.engine.block.cache.hit.ratio", disk, m, s, e -> e.blockCache().hitRatio(), null,
        "the store's block-cache lookups that hit");
    engineCounter(registry, "cairn.engine.bloom.useful", disk, m, s, e -> e.filter().bloomUseful(), "lookups",
        "point lookups a bloom filter answered absent, saving a block read");
    engineCounter(registry, "cairn.engine.bloom.false.positives", disk, m, s, e -> e.filter().bloomFalsePositives(),
        "lookups", "point lookups a bloom filter let through for a key the table did not hold");
    engineGauge(registry, "cairn.engine.live.files", disk, m, s, e -> e.tables().files(), "files",
        "tables in the store");
    engineCounter(registry, "cairn.engine.background.errors", disk, m, s, e -> e.errors().backgroundErrors(),
        "errors", "background failures (of writes, flushes, compactions, manifest writes), failed retries included");
  }

  private static void gauge(MeterRegistry r, String name, Tags tags, CacheManager m, Sampler s,
      ToDoubleFunction<TierStatistics> f, String unit, String doc) {
    Gauge.builder(name, m, x -> {
      TierStatistics t = s.sample(x);
      return t == null || !s.present ? Double.NaN : f.applyAsDouble(t);
    }).tags(tags).baseUnit(unit).description(doc).register(r);
  }

  private static void counter(MeterRegistry r, String name, Tags tags, CacheManager m, Sampler s,
      ToDoubleFunction<TierStatistics> f, String unit, String doc) {
    FunctionCounter.builder(name, m, x -> {
      TierStatistics t = s.sample(x);
      return t == null ? 0 : f.applyAsDouble(t);
    }).tags(tags).baseUnit(unit).description(doc).register(r);
  }

  private static void engineGauge(MeterRegistry r, String name, Tags tags, CacheManager m, Sampler s,
      ToDoubleFunction<StoreStatistics> f, String unit, String doc) {
    gauge(r, name, tags, m, s, t -> t.disk().engine() == null ? 0 : f.applyAsDouble(t.disk().engine()), unit, doc);
  }

  private static void engineCounter(MeterRegistry r, String name, Tags tags, CacheManager m, Sampler s,
      ToDoubleFunction<StoreStatistics> f, String unit, String doc) {
    counter(r, name, tags, m, s, t -> t.disk().engine() == null ? 0 : f.applyAsDouble(t.disk().engine()), unit, doc);
  }

  /**
   * One cache's latest snapshot, shared by its meters. The cache is looked up by name at each sample, so the
   * sampler holds neither it nor the manager. Synchronized: registries may read meters from several threads.
   */
  private static final class Sampler {
    private final String name;
    private final long maxAgeNanos;
    private TierStatistics last;
    private long sampledAt;
    /** Whether the cache existed at the last sample (a closed one's gauges read NaN). */
    volatile boolean present;

    Sampler(String name, long maxAgeNanos) {
      this.name = name;
      this.maxAgeNanos = maxAgeNanos;
    }

    /** Makes the next read take a fresh snapshot (the one taken at binding only decides which meters exist). */
    synchronized void expire() {
      sampledAt = System.nanoTime() - maxAgeNanos - 1;
    }

    synchronized TierStatistics sample(CacheManager m) {
      long now = System.nanoTime();
      if (last != null && present && now - sampledAt < maxAgeNanos) {
        return last;
      }
      Cache<?, ?> c = null;
      try {
        c = m.isClosed() ? null : m.getCache(name);
      } catch (IllegalStateException closed) {
        // The manager closed after the check: the cache is gone.
      }
      if (c == null || c.isClosed()) {
        present = false;
        return last;
      }
      last = c.unwrap(CairnCache.class).tiers();
      sampledAt = now;
      present = true;
      return last;
    }
  }
}
