package io.cairn.jcache;

import io.cairn.engine.Entry;
import io.cairn.engine.StoreStatistics;
import io.cairn.jcache.spi.SharedStore;
import io.cairn.jcache.spi.SharedTier;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A remote cache's tier below the heap: its entries in a shared tier ({@link SharedTier}, Redis in cairn-redis) that
 * other processes read and write too, with the heap tier as a near cache kept coherent by {@link NearCoherence}.
 *
 * <p>It is write-through (every change goes to the shared tier as it happens, under the key's lock) and its writes are
 * conditional: {@link TierStore} passes the stamp of the version its step read ({@link NearHolder#stamp}) to
 * {@link #writeVersion} and {@link #deleteVersion}, and a step that lost a race to another process gets a
 * {@link io.cairn.jcache.spi.ConflictException}, which the tier store catches outside the heap map's compute: it
 * forgets the near copy and runs the step again from a fresh read. The byte-level {@link LowerTier} writes of a local
 * tier are refused, so nothing writes the shared tier unconditionally by mistake; range scans, the expiry index and
 * engine statistics belong to local tiers and are refused with a message naming the cache.
 *
 * <p>Thread-safety: stateless past construction; the shared tier is thread-safe.
 */
final class SharedLowerTier implements LowerTier {
  private final String cacheName;
  private final String endpoint;
  private final SharedTier tier;
  private final NearCoherence coherence;
  private final LongSupplier clock;
  private final ScheduledFuture<?> ticker;
  /** The near disk tier below the heap's near copies, or null. */
  private final NearDisk nearDisk;

  /** {@code nearDisk}: the near disk tier ({@code near-disk=true}), or null; it is closed with this tier. */
  SharedLowerTier(String cacheName, SharedStore store, boolean oneSlot, long maxLocalAgeMillis, LongSupplier clock,
      NearDisk nearDisk) {
    this.cacheName = cacheName;
    this.endpoint = store.describe();
    this.clock = clock;
    this.coherence = new NearCoherence();
    this.nearDisk = nearDisk;
    coherence.keepsBelow(nearDisk);
    this.tier = store.open(cacheName, oneSlot, coherence);
    this.ticker = NearCoherence.tickEvery(coherence, maxLocalAgeMillis);
  }

  NearCoherence coherence() {
    return coherence;
  }

  SharedTier tier() {
    return tier;
  }

  NearDisk nearDisk() {
    return nearDisk;
  }

  /** The key's version in the shared tier, past its expiry or not, or null. */
  SharedTier.Version readVersion(byte[] key) {
    return tier.read(key);
  }

  /**
   * Writes over the version stamped {@code expectedStamp} ({@link SharedTier#ABSENT}: none); the new stamp and the
   * reservation the near copy is current from.
   */
  SharedTier.Written writeVersion(byte[] key, byte[] value, long expireAt, long expectedStamp) {
    return tier.write(key, value, expireAt, expectedStamp);
  }

  /** Deletes the version stamped {@code expectedStamp}. */
  void deleteVersion(byte[] key, long expectedStamp) {
    tier.delete(key, expectedStamp);
  }

  /** Every key of the cache in the shared tier. */
  Iterator<byte[]> keys() {
    return tier.keys();
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean writeThrough() {
    return true;
  }

  @Override
  public Entry read(byte[] key) {
    SharedTier.Version v = tier.read(key);
    return v == null || v.expireAtMillis() <= clock.getAsLong() ? null : new Entry(key, v.value(), v.expireAtMillis());
  }

  @Override
  public Entry readIncludingExpired(byte[] key) {
    SharedTier.Version v = tier.read(key);
    return v == null ? null : new Entry(key, v.value(), v.expireAtMillis());
  }

  @Override
  public void write(byte[] key, byte[] value, long expireAt, long previousExpireAt) {
    throw unconditional();
  }

  @Override
  public void delete(byte[] key, long expireAt, byte[] value) {
    throw unconditional();
  }

  private IllegalStateException unconditional() {
    return new IllegalStateException("cache " + cacheName + " is remote: its writes are conditional on the version"
        + " a step read (TierStore passes the stamp)");
  }

  /** The shared tier expires entries itself: there is no index to scan. */
  @Override
  public List<Due> due(long now, int max) {
    return List.of();
  }

  @Override
  public void deleteIndex(long expireAt, byte[] key) {}

  @Override
  public Iterator<Entry> scan(byte[] from, byte[] to) {
    throw new UnsupportedOperationException("cache " + cacheName + " is remote (its entries live in " + endpoint
        + "): ordered range scans need a local cache (local-only=true)");
  }

  @Override
  public boolean hasEntries() {
    return tier.keys().hasNext();
  }

  @Override
  public void deleteAll() {
    try {
      tier.clear();
    } finally {
      // Redis does not tell this JVM of its own clear, and a read racing it may have made a copy of an entry it
      // unlinked: every copy made before now goes, on the heap and on the near disk.
      coherence.invalidatedAll();
      if (nearDisk != null) {
        nearDisk.clear();
      }
    }
  }

  @Override
  public void flush() {}

  @Override
  public void compact() {}

  @Override
  public StoreStatistics statistics() {
    throw new UnsupportedOperationException("cache " + cacheName + " is remote (its entries live in " + endpoint
        + "): it has no engine, so no engine statistics");
  }

  /** Nothing to keep: the shared tier holds every entry of the heap already. */
  @Override
  public void onHeap(Predicate<byte[]> resident) {}

  @Override
  public void close() {
    ticker.cancel(false);
    try {
      tier.close();
    } finally {
      if (nearDisk != null) {
        nearDisk.close();
      }
    }
  }

  /** destroyCache: the cache's entries go from the shared tier too, for every process. */
  @Override
  public void destroy() {
    try {
      tier.clear();
    } finally {
      close();
    }
  }

  @Override
  public List<byte[]> inverseKeys(byte[] value) {
    return List.of();
  }

  @Override
  public Iterator<byte[][]> scanInverse() {
    return Collections.emptyIterator();
  }

  @Override
  public void recordsProbedWhen(BooleanSupplier probed) {}
}
