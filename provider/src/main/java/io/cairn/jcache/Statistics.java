package io.cairn.jcache;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * A cache's statistics: each {@code record*} call counts only while statistics are enabled, so callers never ask.
 * Getters never throw. Evictions count entries the cache lost to its bounds: heap-tier evictions of a cache with no
 * tier below, entries that could not be moved below, and disk-tier entries its drops deleted (for the byte budget,
 * or for space on a full disk) that the cache lost.
 *
 * <p>Thread-safety: counters are {@link LongAdder}s; {@link #clear} is not atomic with concurrent updates.
 */
final class Statistics implements CacheStatisticsMXBean {
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();
  private volatile boolean enabled;

  Statistics(boolean enabled) {
    this.enabled = enabled;
  }

  boolean enabled() {
    return enabled;
  }

  void enable(boolean on) {
    enabled = on;
  }

  /** The start of a timed operation: {@link System#nanoTime} while enabled, else 0. */
  long start() {
    return enabled ? System.nanoTime() : 0;
  }

  /** A read that found ({@code hit}) or missed its entry, timed from {@code start}. */
  void recordGet(boolean hit, long start) {
    if (enabled) {
      (hit ? hits : misses).increment();
      getNanos.add(System.nanoTime() - start);
    }
  }

  /** A read counted without its time (iteration, entry processors' reads). */
  void recordGet(boolean hit) {
    if (enabled) {
      (hit ? hits : misses).increment();
    }
  }

  void recordPut(long start) {
    if (enabled) {
      puts.increment();
      putNanos.add(System.nanoTime() - start);
    }
  }

  void recordPuts(long n, long start) {
    if (enabled) {
      puts.add(n);
      putNanos.add(System.nanoTime() - start);
    }
  }

  void recordRemoval(long start) {
    if (enabled) {
      removals.increment();
      removeNanos.add(System.nanoTime() - start);
    }
  }

  void recordRemovals(long n, long start) {
    if (enabled) {
      removals.add(n);
      removeNanos.add(System.nanoTime() - start);
    }
  }

  /** An entry lost to the cache's bounds. */
  void recordEviction() {
    if (enabled) {
      evictions.increment();
    }
  }

  @Override
  public void clear() {
    for (LongAdder a : new LongAdder[] {hits, misses, puts, removals, evictions, getNanos, putNanos, removeNanos}) {
      a.reset();
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
    return evictions.sum();
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
