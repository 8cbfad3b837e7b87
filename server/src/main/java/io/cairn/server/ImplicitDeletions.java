package io.cairn.server;

import java.util.function.Consumer;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;

/**
 * What happens when a database deletes a key without a command, as Redis's deleteKeyAndPropagate does for expired
 * and evicted keys: the key's tracking clients get an invalidation, and INFO counts it ({@code expired_keys},
 * {@code evicted_keys}). A key the database loses by itself ({@link io.cairn.jcache.CairnCache#addLossListener}: the
 * disk tier's byte budget drops it, or a heap-only database evicts it) also dirties its watchers, as Redis's eviction
 * does. An expired key needs no such touch: EXEC finds a key that was live when watched and is gone now.
 *
 * <p>Registered on every database when the server starts (the provider builds only the event types some listener
 * receives, so an EXPIRED listener costs writes nothing). Called from the cache's expiry timer, a writer evicting
 * from the heap, or a background compaction, holding no stripe of {@link KeyLocks}: it must not lock one, since a
 * heap eviction may run under its writer's exclusive stripes.
 */
final class ImplicitDeletions implements CacheEntryExpiredListener<Key, byte[]>, Consumer<Key> {
  private final CairnServer server;
  private final Database database;

  ImplicitDeletions(CairnServer server, Database database) {
    this.server = server;
    this.database = database;
  }

  /** Registers one for each of the server's databases. */
  static void registerAll(CairnServer server) {
    for (int i = 0; i < server.keyspace.size(); i++) {
      Database db = server.keyspace.get(i);
      ImplicitDeletions d = new ImplicitDeletions(server, db);
      db.listenForExpiry(d);
      db.cairn.addLossListener(d);
    }
  }

  @Override
  public void onExpired(Iterable<CacheEntryEvent<? extends Key, ? extends byte[]>> events) {
    for (CacheEntryEvent<? extends Key, ? extends byte[]> e : events) {
      server.stats.expiredKeys.increment();
      server.tracking.invalidate(e.getKey(), null);
    }
  }

  /** The database lost {@code key} by its own doing. */
  @Override
  public void accept(Key key) {
    server.stats.evictedKeys.increment();
    int number = server.keyspace.numberOf(database);
    if (number >= 0) {
      server.watches.touchLost(number, key);
    }
    server.tracking.keyLost(key);
  }
}
