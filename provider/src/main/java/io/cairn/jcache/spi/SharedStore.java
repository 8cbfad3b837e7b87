package io.cairn.jcache.spi;

/**
 * One cache manager's connection to a shared tier: the caches it opens share its connections, and every disconnect,
 * reconnect or topology change it sees is reported to all of their {@link Coherence}s.
 */
public interface SharedStore extends AutoCloseable {
  /**
   * The shared tier of cache {@code cacheName}; {@code oneSlot} asks that all its keys map to one shard (a Redis
   * Cluster hash slot) so multi-key operations may be atomic. The tier reports to {@code coherence} from then on.
   */
  SharedTier open(String cacheName, boolean oneSlot, Coherence coherence);

  /** A one-line description for messages and logs (the endpoint, never a password). */
  String describe();

  /** Closes the connections; tiers opened from it fail afterwards. */
  @Override
  void close();
}
