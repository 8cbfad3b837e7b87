package io.cairn.jcache;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import javax.cache.Cache;

/**
 * A cache's iterator: the heap tier's keys (a snapshot taken when it starts), then the keys below not seen on the
 * heap, each read under its own lock as it is reached (so an entry removed meanwhile is skipped) and counted as a hit.
 *
 * <p>Not thread-safe: one caller iterates.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {
  private final TieredCache<K, V> cache;
  private final TierStore<K, V> store;
  private final Copier<K, V> copier;
  private final Statistics stats;
  private final Iterator<K> heapKeys;
  private final Set<K> seen;
  private Iterator<K> lowerKeys;
  private Cache.Entry<K, V> next;
  private Cache.Entry<K, V> last;

  EntryIterator(TieredCache<K, V> cache, TierStore<K, V> store, Copier<K, V> copier, Statistics stats) {
    this.cache = cache;
    this.store = store;
    this.copier = copier;
    this.stats = stats;
    List<K> keys = store.walks.heapKeys();
    this.seen = new HashSet<>(keys);
    this.heapKeys = keys.iterator();
  }

  @Override
  public boolean hasNext() {
    cache.ensureOpen();
    while (next == null) {
      if (heapKeys.hasNext()) {
        next = visit(heapKeys.next());
      } else {
        if (lowerKeys == null) {
          lowerKeys = store.walks.lowerKeys();
        }
        if (!lowerKeys.hasNext()) {
          return false;
        }
        K k = lowerKeys.next();
        if (seen.add(k)) {
          next = visit(k);
        }
      }
    }
    return true;
  }

  private Cache.Entry<K, V> visit(K key) {
    Object form = store.visit(key).form;
    if (form == null) {
      return null;
    }
    stats.recordGet(true);
    return new CairnEntry<>(key, copier.out(form));
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    last = next;
    next = null;
    return last;
  }

  @Override
  public void remove() {
    if (last == null) {
      throw new IllegalStateException("call next() before remove()");
    }
    K k = last.getKey();
    last = null;
    cache.remove(k);
  }
}
