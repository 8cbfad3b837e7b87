package io.cairn.jcache.spi;

/**
 * What a shared tier tells a cache about changes it did not make, so that the cache's near copies never outlive the
 * entries they copy. The tier calls these methods from its I/O threads: implementations must not block, take key
 * locks or call the tier.
 */
public interface Coherence {
  /** A reservation that makes no copy servable (see {@link #reserve}). */
  int UNRESERVED = -1;

  /**
   * The cache's reservation for {@code key} as of this point of the notification stream: a near copy made current
   * by a reply is servable only while no invalidation of its key arrives after the point it was reserved at. A tier
   * calls it on its I/O thread right after the reply of a write (so that notifications of its own write, which Redis
   * sends to the writer itself when a script wrote, come before it, and every later one after).
   */
  int reserve(byte[] key);

  /** Another process changed or deleted the entry of {@code key} (or it expired in the shared tier). */
  void invalidated(byte[] key);

  /**
   * The tier can no longer tell which keys changed (a flush of the whole store, a disconnect, a reconnect, a topology
   * change, a failed health check): every near copy is suspect.
   */
  void invalidatedAll();

  /**
   * Whether change notifications are flowing now. While not ready, a read the cache makes must not be kept as a near
   * copy (it may change unseen); the tier becomes ready again only after notifications are re-enabled.
   */
  void ready(boolean ready);

  /** An event message another process {@linkplain SharedTier#publish published} for this cache. */
  void event(byte[] message);
}
