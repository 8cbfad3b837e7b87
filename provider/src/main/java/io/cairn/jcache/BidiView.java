package io.cairn.jcache;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The bidirectional view of a cache, returned by {@code unwrap(BidiCache.class)} for bidirectional caches only: asks
 * by value through the cache's {@link BidiClaims}, and moves values between keys with the tier store's steps.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class BidiView<K, V> implements BidiCache<K, V> {
  private final TieredCache<K, V> cache;
  private final TierStore<K, V> store;
  private final BidiClaims<K, V> claims;
  private final TypeCheck<K, V> check;
  private final Copier<K, V> copier;
  private final Statistics stats;

  BidiView(TieredCache<K, V> cache, TierStore<K, V> store, BidiClaims<K, V> claims, TypeCheck<K, V> check,
      Copier<K, V> copier, Statistics stats) {
    this.cache = cache;
    this.store = store;
    this.claims = claims;
    this.check = check;
    this.copier = copier;
    this.stats = stats;
  }

  @Override
  public K getKey(V value) {
    cache.ensureOpen();
    check.value(value);
    return claims.ownerOf(value);
  }

  @Override
  public boolean containsValue(V value) {
    return getKey(value) != null;
  }

  /**
   * Removes the entry of the key holding {@code value} (a REMOVED event), leaving a reservation claim for {@code key}
   * so no other writer takes the value, then puts it under {@code key}. A reader of {@code getKey} in between is
   * told {@code key}. Should the put fail (its writer throws), the old entry stays removed, as the writer was told.
   */
  @Override
  public V forcePut(K key, V value) {
    cache.ensureOpen();
    check.key(key);
    check.value(value);
    while (true) {
      K owner = claims.ownerOf(value);
      if (owner == null || owner.equals(key)) {
        try {
          return cache.getAndPut(key, value);
        } catch (BidiClaims.ValueHeldException takenMeanwhile) {
          continue;
        }
      }
      BidiClaims.Claim reservation = claims.reservation(key, value);
      if (!removeHolder(owner, value, reservation)) {
        continue;
      }
      try {
        return cache.getAndPut(key, value);
      } finally {
        claims.unreserve(reservation);
      }
    }
  }

  @Override
  public boolean removeValue(V value) {
    cache.ensureOpen();
    check.value(value);
    while (true) {
      K owner = claims.ownerOf(value);
      if (owner == null) {
        return false;
      }
      if (removeHolder(owner, value, null)) {
        return true;
      }
    }
  }

  /**
   * Removes {@code owner}'s entry if it still holds {@code value} (a REMOVED event), leaving {@code reservation}, if
   * given, as the value's claim under the same locks; false if the entry holds something else by now.
   */
  private boolean removeHolder(K owner, V value, BidiClaims.Claim reservation) {
    PendingEvents<K, V> events = cache.events();
    long start = stats.start();
    boolean removed = store.compute(owner, store.new Step(events) {
      @Override
      Holder<V> run(K k, Holder<V> h) {
        Holder<V> cur = store.live(this, k, h);
        if (cur == null || !claims.holds(cur, value)) {
          return cur == null || h == null ? null : cur;
        }
        store.writer.delete(k);
        done = true;
        events.removed(k, cur.form);
        store.drop(k, cur);
        if (reservation != null) {
          claims.reserve(value, reservation, now());
        }
        return null;
      }
    }).done;
    events.dispatch();
    if (removed) {
      stats.recordRemoval(start);
    }
    return removed;
  }

  /**
   * Read lazily from the disk tier's inverse records, each checked against its entry. A write-back cache first
   * writes its unsaved heap entries (as {@code range} does), so the records cover every entry.
   */
  @Override
  public Iterable<Map.Entry<V, K>> inverse() {
    cache.ensureOpen();
    return () -> {
      store.walks.writeBackHeap(null, null);
      return new Iterator<>() {
        private final Iterator<byte[][]> records = store.lower().scanInverse();
        private Map.Entry<V, K> next;

        @Override
        public boolean hasNext() {
          while (next == null && records.hasNext()) {
            byte[][] r = records.next();
            V v = copier.valueCodec().decode(r[0]);
            K k = copier.keyCodec().decode(r[1]);
            if (store.holdsNow(k, r[1], v, r[0])) {
              next = Map.entry(v, k);
            }
          }
          return next != null;
        }

        @Override
        public Map.Entry<V, K> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Map.Entry<V, K> e = next;
          next = null;
          return e;
        }
      };
    };
  }
}
