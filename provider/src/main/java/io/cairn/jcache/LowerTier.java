package io.cairn.jcache;

import io.cairn.engine.Entry;
import io.cairn.engine.StoreStatistics;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What lies below a cache's heap tier: the seam between where the heap keeps hot entries and where the rest live.
 * Ehcache 3 calls it the authoritative tier. Only {@link TierStore} calls it, always under the key's lock for a
 * per-key call, with keys and values as their codec bytes; expiry times are absolute, by the cache's clock.
 *
 * <p>Today's tier is {@link DiskTier}, the cache's own engine store. A tier whose data other processes change as well
 * (Redis, with a local disk tier as a second level) plugs in here with no change to {@link TieredCache}: it is
 * {@link #writeThrough()}, it tells the tier store which keys others changed so their heap copies are dropped, and
 * its writes are conditional on the copy the step read, so a step that lost a race runs again.
 *
 * <p>{@link #write} and {@link #delete} are given what the tier held before ({@code previousExpireAt},
 * {@link Holder#ETERNAL} if nothing or no expiry; the previous value where a bidirectional tier needs it), so that
 * index records can be replaced in the same atomic write.
 */
interface LowerTier {
  /** Whether there is a tier below at all; without one, entries the heap evicts are lost. */
  boolean enabled();

  /** Whether the tier may hold anything now (a non-persistent disk tier opens on the first eviction). */
  boolean isOpen();

  /** Whether every change is written below as it happens (persistent); else only what the heap evicts. */
  boolean writeThrough();

  /** The live entry for {@code key} (key and value as codec bytes), or null. */
  Entry read(byte[] key);

  /** The entry for {@code key} even if it has expired (the expiry timer reports its value), or null. */
  Entry readIncludingExpired(byte[] key);

  /** Writes an entry over the copy the tier held, which expired at {@code previousExpireAt}. */
  void write(byte[] key, byte[] value, long expireAt, long previousExpireAt);

  /** Deletes an entry the tier holds with expiry {@code expireAt}; {@code value} is its value where needed, or null. */
  void delete(byte[] key, long expireAt, byte[] value);

  /** An entry due for expiry: its key and the expiry it was written with. */
  record Due(long expireAt, byte[] key) {}

  /** Up to {@code max} entries due at {@code now}, oldest first, for the expiry timer. */
  List<Due> due(long now, int max);

  /** Forgets a due record whose entry was written again or is gone. */
  void deleteIndex(long expireAt, byte[] key);

  /** Live entries with {@code from <= key < to} (null: unbounded) in key order, over a snapshot. */
  Iterator<Entry> scan(byte[] from, byte[] to);

  /** Whether any live entry is held. */
  boolean hasEntries();

  /** Deletes every entry (clear). */
  void deleteAll();

  void flush();

  void compact();

  StoreStatistics statistics();

  /**
   * Tells the tier which keys (encoded) are on the heap tier, whose copies it should keep when it must drop entries
   * for its budget: the heap relies on them (a clean heap entry is not written again when evicted).
   */
  void onHeap(java.util.function.Predicate<byte[]> resident);

  /**
   * Tells the tier whom to tell of the keys (encoded) whose entries it deleted by itself (for its budget, or for space
   * on a full disk) and did not keep, once they are gone from it: a batch per drop, on the thread that dropped them,
   * each key once. A key may be on the heap tier still (the tier keeps heap entries' copies only up to a limit, and
   * none when the disk is full). A tier that never drops entries by itself need not call it.
   */
  default void onLost(java.util.function.Consumer<List<byte[]>> lost) {}

  /** Closes the tier; a non-persistent one deletes its files. */
  void close();

  /** Closes the tier and deletes its files, persistent ones included. */
  void destroy();

  // Bidirectional caches: the inverse index the tier keeps beside each entry.

  /** The keys whose unexpired copies may hold {@code value} (each must be checked against its key's entry). */
  List<byte[]> inverseKeys(byte[] value);

  /** Every inverse record in value order, as {encoded value, encoded key}. */
  Iterator<byte[][]> scanInverse();

  /** Tells the tier whether anyone reads inverse records to decide uniqueness, so it may keep stale ones till then. */
  void recordsProbedWhen(BooleanSupplier probed);
}
