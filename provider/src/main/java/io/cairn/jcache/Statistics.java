package io.cairn.jcache;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * A cache's statistics, counted only while statistics are enabled. Getters never throw. Evictions count entries the
 * cache lost to its bounds: heap-tier evictions of a heap-only cache, and disk-tier entries dropped past the byte
 * budget.
 *
 * <p>Thread-safety: counters are {@link LongAdder}s; {@link #clear} is not atomic with concurrent updates.
 */
final class Statistics implements CacheStatisticsMXBean {
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder removals = new LongAdder();
  final LongAdder evictions = new LongAdder();
  final LongAdder getNanos = new LongAdder();
  final LongAdder putNanos = new LongAdder();
  final LongAdder removeNanos = new LongAdder();
  private final LongSupplier diskDropped;
  private volatile long diskDroppedBaseline;
  volatile boolean enabled;

  Statistics(LongSupplier diskDropped) {
    this.diskDropped = diskDropped;
  }

  @Override
  public void clear() {
    for (LongAdder a : new LongAdder[] {hits, misses, puts, removals, evictions, getNanos, putNanos, removeNanos}) {
      a.reset();
    }
    diskDroppedBaseline = safeDropped();
  }

  private long safeDropped() {
    try {
      return diskDropped.getAsLong();
    } catch (RuntimeException e) {
      return diskDroppedBaseline;
    }
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : (float) hits.sum() / gets * 100;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : (float) misses.sum() / gets * 100;
  }

  @Override
  public long getCacheGets() {
    return hits.sum() + misses.sum();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum() + Math.max(0, safeDropped() - diskDroppedBaseline);
  }

  @Override
  public float getAverageGetTime() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : getNanos.sum() / 1000f / gets;
  }

  @Override
  public float getAveragePutTime() {
    long n = puts.sum();
    return n == 0 ? 0 : putNanos.sum() / 1000f / n;
  }

  @Override
  public float getAverageRemoveTime() {
    long n = removals.sum();
    return n == 0 ? 0 : removeNanos.sum() / 1000f / n;
  }
}
