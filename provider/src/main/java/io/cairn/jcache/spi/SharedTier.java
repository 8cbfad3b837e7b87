package io.cairn.jcache.spi;

import java.util.Iterator;

/**
 * One cache's entries in a shared tier, as versions: an entry's value (the cache's codec bytes), its absolute expiry
 * and a stamp that changes on every write. Writes and deletes are compare-and-set on the stamp the caller read, so a
 * caller that lost a race to another process learns it ({@link ConflictException}) and can decide again from a fresh
 * read. Keys are the cache's encoded keys; the tier puts them in its own namespace.
 *
 * <p>Methods may be called from many threads at once and block until the shared tier answers. They must never call
 * back into the cache. Failures of the shared tier (unreachable, timed out) are {@link RuntimeException}s other than
 * {@link ConflictException}, which the cache passes to its caller.
 */
public interface SharedTier {
  /** No version: the key has no entry (the stamp a create expects). */
  long ABSENT = 0;

  /** An entry as the shared tier holds it. */
  record Version(byte[] value, long stamp, long expireAtMillis) {}

  /**
   * A write that landed: its new stamp, and the {@link Coherence#reserve reservation} of the key taken right after
   * it ({@link Coherence#UNRESERVED} if none could be taken at that point, or another writer's value may already
   * have replaced it): the writer's near copy is current as of that reservation.
   */
  record Written(long stamp, int reservation) {}

  /** The key's entry, or null. An entry past its expiry may still be returned: the caller decides it expired. */
  Version read(byte[] key);

  /**
   * Writes {@code value} expiring at {@code expireAtMillis} ({@link Long#MAX_VALUE}: never) if the key's stamp is
   * still {@code expectedStamp} ({@link #ABSENT}: no entry); returns the new stamp (never {@link #ABSENT}) and the
   * reservation the writer's near copy holds from.
   *
   * @throws ConflictException if another writer changed the entry since
   */
  Written write(byte[] key, byte[] value, long expireAtMillis, long expectedStamp);

  /**
   * Deletes the key's entry if its stamp is still {@code expectedStamp}.
   *
   * @throws ConflictException if another writer changed the entry since
   */
  void delete(byte[] key, long expectedStamp);

  /** Every key of the cache now (a scan; keys written or deleted meanwhile may or may not be in it). */
  Iterator<byte[]> keys();

  /** Deletes every entry of the cache, with no condition (clear). */
  void clear();

  /**
   * Whether a process other than this one listens to the cache's events, as last seen (it may lag by the tier's
   * refresh interval): only then is {@link #publish} worth its cost.
   */
  boolean othersListen();

  /** Sends one event message to the other processes' {@link Coherence#event}s; delivery is best effort. */
  void publish(byte[] message);

  /** Starts (or stops) receiving the cache's event messages from other processes. */
  void listen(boolean on);

  /** The cache is closing: stops its notifications and event messages (the store's connections stay open). */
  void close();
}
